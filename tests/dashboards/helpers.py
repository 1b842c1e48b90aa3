"""Known data for the dashboards' figures: records written straight to the tables, each with the
dates and states a figure counts, so a test can state the figure it expects exactly."""

import itertools
from datetime import date, datetime, time, timedelta

from accounts.models import Role, User
from cases.models import Case, CaseStatus, CaseTask
from familyfirst.clocks import UK, add_working_days
from locality.models import Team
from people.models import Person
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)

_numbers = itertools.count(1)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK)


def team(slug: str = "family-help-rugby") -> Team:
    return Team.objects.get(slug=slug)


def worker(username: str, role=Role.FHLP, **extra) -> User:
    return User.objects.create(
        username=username, first_name=username.title(), last_name="Worker", role=role, **extra
    )


def child(name: str = "Child") -> Person:
    return Person.objects.create(given_name=name, family_name=f"Known{next(_numbers)}")


def consultation(
    *,
    received_at: datetime,
    practitioner: User,
    agency="SCHOOL",
    purpose="REFERRAL",
    decided_after: timedelta | None = timedelta(hours=2),
    status=ConsultationStatus.COMPLETE,
) -> Consultation:
    decided_at = received_at + decided_after if decided_after is not None else None
    return Consultation.objects.create(
        reference=f"FC-T-{next(_numbers):06d}",
        practitioner=practitioner,
        received_at=received_at,
        decision_due_at=add_working_days(received_at, 1),
        caller_agency_type=agency,
        purpose=purpose,
        status=status if decided_at else ConsultationStatus.DRAFT,
        decided_at=decided_at,
        completed_at=decided_at,
    )


def decision(
    consultation: Consultation,
    *,
    outcome=Outcome.ADVICE,
    to_team: Team | None = None,
    authorised: bool = True,
    decided_by: User | None = None,
    authorised_by: User | None = None,
    person: Person | None = None,
) -> ConsultationChild:
    referral = outcome in (
        Outcome.EARLY_SUPPORT_REFERRAL,
        Outcome.FAMILY_HELP_ASSESSMENT,
        Outcome.IMMEDIATE_PROTECTION,
    )
    return ConsultationChild.objects.create(
        consultation=consultation,
        child=person or child(),
        outcome=outcome,
        team=to_team,
        decided_by=decided_by or consultation.practitioner,
        authorisation=(
            (AuthorisationStatus.AUTHORISED if authorised else AuthorisationStatus.AWAITING)
            if referral
            else AuthorisationStatus.NOT_NEEDED
        ),
        authorised_by=authorised_by if referral and authorised else None,
        authorised_at=consultation.decided_at
        if referral and authorised and authorised_by
        else None,
    )


def case(
    *,
    in_team: Team,
    level="FAMILY_HELP",
    status=CaseStatus.ALLOCATED,
    allocated_to: User | None = None,
    referral_date: date,
    due: date,
    opened_at: datetime | None = None,
    closed_at: datetime | None = None,
    opened_by: ConsultationChild | None = None,
    re_referral_of: Case | None = None,
    person: Person | None = None,
) -> Case:
    return Case.objects.create(
        child=opened_by.child if opened_by else (person or child()),
        team=in_team,
        opened_by=opened_by,
        first_referral=opened_by,
        level=level,
        status=status,
        allocated_to=allocated_to if status == CaseStatus.ALLOCATED else None,
        referral_date=referral_date,
        assessment_due_date=due,
        opened_at=opened_at or at(referral_date),
        closed_at=closed_at,
        closure_reason="RC8" if status == CaseStatus.CLOSED else "",
        re_referral_of=re_referral_of,
    )


def task(on_case: Case, *, due: date, assigned_to: User, done: bool = False) -> CaseTask:
    return CaseTask.objects.create(
        case=on_case,
        title="Visit the family",
        due_date=due,
        assigned_to=assigned_to,
        created_by=assigned_to,
        created_at=at(due - timedelta(days=7)),
        done_at=at(due) if done else None,
        done_by=assigned_to if done else None,
    )
