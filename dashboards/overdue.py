"""Overdue work of every kind, as a registry the apps add their clocks to (docs/dashboards.md,
"Overdue work").

A provider is one kind of overdue work. It answers two questions, each with one query however
many cases a team has:

``counts(team, today)``
    a queryset of ``{"worker": <user id or None>, "n": <how many>}`` rows: how much of this work
    is overdue for each worker in the team (``None``: nobody holds it yet);
``items(team, today)``
    a queryset of the overdue things themselves, soonest due first, each annotated with
    ``due`` (a date), ``worker_id`` and ``child_id``; the provider's ``link(item)`` is the page
    where the work is done, and ``case_id(item)`` the case a manager can re-allocate from the
    list (or None).

The apps that own the clocks register their providers with ``overdue_provider_register`` in
their ``AppConfig.ready`` (as ``cases`` registers its people scope), so this module imports
nothing above ``cases``. Today ``cases`` has two clocks and the front door one; the providers for
them are below. Pathway's assessments, plans' reviews and visits, and protection's ICPCs plug in
the same way: see docs/dashboards.md for the recipe.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Value
from django.urls import reverse

from cases.models import OPEN_STATUSES, Case, CaseTask
from referrals.models import Consultation
from referrals.selectors import OPEN_STATUSES as CONSULTATION_OPEN


@dataclass(frozen=True)
class OverdueProvider:
    key: str
    label: str  # plural, for a column heading: "Assessments past 45 working days"
    item_label: str  # what one item is, for the list: "Assessment"
    counts: Callable[[object, date], QuerySet]
    items: Callable[[object, date], QuerySet]
    link: Callable[[object], str]
    case_id: Callable[[object], object] = lambda item: None
    # Who may see the items: the team's manager always; a provider may narrow it.
    order: int = 100


_PROVIDERS: dict[str, OverdueProvider] = {}


def overdue_provider_register(provider: OverdueProvider) -> None:
    """Add (or replace, by key) a kind of overdue work. Replacing lets an app with a better
    clock take over a kind: pathway's assessment provider replaces the ``assessments`` one here,
    which can only tell that a case is still open past its assessment due date."""
    _PROVIDERS[provider.key] = provider


def overdue_providers() -> list[OverdueProvider]:
    return sorted(_PROVIDERS.values(), key=lambda provider: (provider.order, provider.key))


def overdue_provider(key: str) -> OverdueProvider | None:
    return _PROVIDERS.get(key)


# The providers for the clocks that exist today ----------------------------------------------


def _open_cases_past_assessment(team, today):
    """Open cases past their assessment due date whose assessment is not yet signed off
    (pathway.Assessment.authorised_date, the census's AssessmentAuthorisationDate): a case whose
    assessment was signed off in time stops counting."""
    from pathway.models import Assessment

    authorised = Assessment.objects.filter(case=OuterRef("pk"), authorised_date__isnull=False)
    return (
        Case.objects.filter(team=team, status__in=OPEN_STATUSES, assessment_due_date__lt=today)
        .filter(~Exists(authorised))
        .order_by()
    )


def _assessment_counts(team, today):
    return (
        _open_cases_past_assessment(team, today)
        .values(worker=F("allocated_to"))
        .annotate(n=Count("pk"))
    )


def _assessment_items(team, today):
    return (
        _open_cases_past_assessment(team, today)
        .annotate(due=F("assessment_due_date"), worker_id=F("allocated_to"))
        .select_related("child", "allocated_to")
        .order_by("assessment_due_date", "pk")
    )


ASSESSMENTS = OverdueProvider(
    key="assessments",
    label="Assessments past 45 working days",
    item_label="Assessment",
    counts=_assessment_counts,
    items=_assessment_items,
    link=lambda case: reverse("cases:case", args=[case.pk]),
    case_id=lambda case: case.pk,
    order=10,
)


def _overdue_tasks(team, today):
    return CaseTask.objects.filter(
        case__team=team,
        case__status__in=OPEN_STATUSES,
        done_at__isnull=True,
        due_date__lt=today,
    ).order_by()


TASKS = OverdueProvider(
    key="tasks",
    label="Tasks past their due date",
    item_label="Task",
    counts=lambda team, today: (
        _overdue_tasks(team, today).values(worker=F("assigned_to")).annotate(n=Count("pk"))
    ),
    items=lambda team, today: (
        _overdue_tasks(team, today)
        .annotate(due=F("due_date"), worker_id=F("assigned_to"), child_id=F("case__child"))
        .select_related("case__child", "assigned_to")
        .order_by("due_date", "pk")
    ),
    link=lambda task: reverse("cases:case", args=[task.case_id]) + f"#task-{task.pk}",
    case_id=lambda task: task.case_id,
    order=40,
)


def _overdue_decisions(team, today):
    """Front-door decisions past their one working day, for consultations taken by the team's
    members (only the Family Connect team takes consultations)."""
    from django.utils import timezone

    from locality.models import TeamMembership

    members = TeamMembership.objects.current(on=today).filter(team=team).values("user")
    return Consultation.objects.filter(
        status__in=CONSULTATION_OPEN,
        decision_due_at__lt=timezone.now(),
        practitioner__in=members,
    ).order_by()


def _decision_items(team, today):
    from django.db.models import OuterRef, Subquery

    from referrals.models import ConsultationChild

    first_child = ConsultationChild.objects.filter(consultation=OuterRef("pk")).order_by("pk")
    return (
        _overdue_decisions(team, today)
        .annotate(
            due=F("decision_due_at"),
            worker_id=F("practitioner"),
            child_id=Subquery(first_child.values("child")[:1]),
        )
        .select_related("practitioner")
        .order_by("decision_due_at", "pk")
    )


DECISIONS = OverdueProvider(
    key="decisions",
    label="Front-door decisions past one working day",
    item_label="Decision",
    counts=lambda team, today: (
        _overdue_decisions(team, today).values(worker=F("practitioner")).annotate(n=Count("pk"))
    ),
    items=_decision_items,
    link=lambda consultation: reverse("referrals:consultation-record", args=[consultation.pk]),
    order=5,
)


def _overdue_icpcs(team, today):
    """Initial child protection conferences not yet held past their 15-working-day date
    (protection.Conference.due_date, docs/protection.md)."""
    from protection.models import Conference, ConferenceKind, ConferenceStatus

    return Conference.objects.filter(
        case__team=team,
        kind=ConferenceKind.INITIAL,
        status=ConferenceStatus.DUE,
        due_date__lt=today,
    ).order_by()


ICPCS = OverdueProvider(
    key="icpcs",
    label="Initial conferences past 15 working days",
    item_label="Initial conference",
    counts=lambda team, today: (
        _overdue_icpcs(team, today).values(worker=F("case__allocated_to")).annotate(n=Count("pk"))
    ),
    items=lambda team, today: (
        _overdue_icpcs(team, today)
        .annotate(
            due=F("due_date"),
            worker_id=F("case__allocated_to"),
            child_id=F("case__child"),
            title=Value("Initial child protection conference"),
        )
        .select_related("case__child", "case__allocated_to")
        .order_by("due_date", "pk")
    ),
    link=lambda conference: reverse("protection:conference", args=[conference.pk]),
    case_id=lambda conference: conference.case_id,
    order=20,
)


def _overdue_reviews(team, today):
    """Plans in place past their next review date (plans.Plan.next_review_date, docs/plans.md)."""
    from plans.models import Plan, PlanStatus

    return Plan.objects.filter(
        case__team=team, status=PlanStatus.ACTIVE, next_review_date__lt=today
    ).order_by()


REVIEWS = OverdueProvider(
    key="reviews",
    label="Plan reviews past their date",
    item_label="Plan review",
    counts=lambda team, today: (
        _overdue_reviews(team, today).values(worker=F("case__allocated_to")).annotate(n=Count("pk"))
    ),
    items=lambda team, today: (
        _overdue_reviews(team, today)
        .annotate(
            due=F("next_review_date"),
            worker_id=F("case__allocated_to"),
            title=Value("Plan review"),
        )
        .select_related("case__child", "case__allocated_to")
        .order_by("next_review_date", "pk")
    ),
    link=lambda plan: reverse("plans:plan", args=[plan.pk]),
    case_id=lambda plan: plan.case_id,
    order=30,
)

for _provider in (DECISIONS, ASSESSMENTS, ICPCS, REVIEWS, TASKS):
    overdue_provider_register(_provider)
