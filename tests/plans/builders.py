"""Plans on allocated cases in bulk: the caseload tests and bench/plans_caseload.py."""

import datetime as dt

from django.utils import timezone

from cases.models import Case, CaseStatus
from people.models import Person
from plans.models import Action, ActionOwner, Outcome, Plan, PlanLevel


def caseload_plans(*, worker, team, count: int, names=None) -> list[Plan]:
    """``count`` open Family Help cases allocated to ``worker`` in ``team``, each with a plan of
    two outcomes and three actions, the reviews spread from overdue to two months ahead."""
    today, now = timezone.localdate(), timezone.now()
    names = names or (lambda n: ("Child", f"Number{n}"))
    children = Person.objects.bulk_create(
        Person(
            given_name=names(n)[0],
            family_name=names(n)[1],
            date_of_birth=today - dt.timedelta(days=2000 + n),
        )
        for n in range(count)
    )
    cases = Case.objects.bulk_create(
        Case(
            child=child,
            team=team,
            level="FAMILY_HELP",
            status=CaseStatus.ALLOCATED,
            allocated_to=worker,
            referral_date=today,
            assessment_due_date=today + dt.timedelta(days=60),
            opened_at=now,
        )
        for child in children
    )
    plans = Plan.objects.bulk_create(
        Plan(
            child=case.child,
            case=case,
            level=PlanLevel.FAMILY_HELP,
            started_on=today - dt.timedelta(days=30),
            next_review_date=today + dt.timedelta(days=(n % 70) - 10),
            created_by=worker,
            created_at=now,
        )
        for n, case in enumerate(cases)
    )
    outcomes = Outcome.objects.bulk_create(
        Outcome(plan=plan, position=position, title=f"Outcome {position}")
        for plan in plans
        for position in (1, 2)
    )
    Action.objects.bulk_create(
        Action(
            outcome=outcome,
            what="Something useful",
            owner=ActionOwner.WORKER,
            worker=worker,
            due_date=today,
            created_by=worker,
            created_at=now,
        )
        for outcome in outcomes
        for _ in range(1 + outcome.position % 2)
    )
    return plans
