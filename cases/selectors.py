"""Who sees which cases, and the lists the teams work from (docs/cases.md, "Who sees what").

A member of a team sees that team's cases: every open case, and closed ones for
``CASE_CLOSED_VISIBLE_DAYS`` after they end (default 365: long enough to read the history when a
child is re-referred within the CIN census's 12 months). The allocated worker keeps sight of an
open case even if they move team. Front-door staff see no case pages; they see a child's open
cases only as the one-line summary on the consultation (``open_cases_for_children``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts import rules
from accounts.models import User
from audit.access import record_get_for_user
from cases.models import OPEN_STATUSES, Case, CaseNote, CaseStatus, CaseTask
from locality.models import MembershipRole, Team, TeamMembership
from locality.selectors import memberships_current
from people.restriction import people_hidden_from

CASELOAD_PAGE_SIZE = 50
RE_REFERRAL_MONTHS = 12


def _memberships(user) -> dict:
    """{team id: role in team} for the user's current teams, read once per request
    (``locality.selectors.memberships_current`` caches them on the user object)."""
    return {m.team_id: m.role_in_team for m in memberships_current(user=user)}


def team_ids_of(*, user) -> set[int]:
    """The teams the user belongs to today."""
    return set(_memberships(user))


def teams_managed_by(*, user):
    if not rules.can_manage_cases(user):
        return Team.objects.none()
    managed = [pk for pk, role in _memberships(user).items() if role == MembershipRole.MANAGER]
    return Team.objects.filter(pk__in=managed)


def team_is_managed_by(*, team: Team, user) -> bool:
    return rules.can_manage_cases(user) and _memberships(user).get(team.pk) == (
        MembershipRole.MANAGER
    )


def team_members_who_can_hold(*, team: Team):
    """The team's current members a case can be allocated to."""
    return (
        User.objects.filter(
            is_active=True,
            role__in=sorted(rules.ALLOCATABLE),
            memberships__in=TeamMembership.objects.current(on=timezone.localdate()).filter(
                team=team
            ),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def _closed_visible_since():
    return timezone.now() - timedelta(days=settings.CASE_CLOSED_VISIBLE_DAYS)


def cases_visible_to(*, user):
    if not rules.can_work_cases(user):
        return Case.objects.none()
    in_my_teams = Q(team_id__in=team_ids_of(user=user)) & (
        Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=_closed_visible_since())
    )
    mine = Q(allocated_to=user, status__in=OPEN_STATUSES)
    # The restriction rule (people.restriction): no case about a child hidden from the user.
    return Case.objects.filter(in_my_teams | mine).exclude(child__in=people_hidden_from(user=user))


CASE_RELATIONS = [
    "child",
    "team",
    "allocated_to",
    "first_referral__consultation",
    "previous_case__team",
]


def case_get_for_user(*, request, case_id, person_ids_shown=None, reason: str = "") -> Case:
    """The one way a page or the API opens a case: an outsider gets a 404, and the read writes
    an access-log row per person shown (the child, and whoever else the page names)."""
    case = record_get_for_user(
        request=request,
        visible=cases_visible_to(user=request.user).select_related(*CASE_RELATIONS),
        pk=case_id,
        record_type="case",
        person_ids_of=lambda case: [
            case.child_id,
            *(person_ids_shown(case) if person_ids_shown else []),
        ],
        reason=reason,
    )
    # What the page reads about the case next (its assessments) need not test the case rules
    # again for this user: ``opened_for`` says they were applied (case_opened_for).
    case.opened_for_user_id = request.user.pk
    return case


def case_opened_for(*, case: Case, user) -> bool:
    """Was this case object opened for this user through ``case_get_for_user`` (so the case
    rules have been applied to it)?"""
    return getattr(case, "opened_for_user_id", None) == user.pk


def people_on_cases_visible_to(*, user):
    """The ids of the people a case worker may open: the children on their teams' cases and the
    people linked to them (household, relatives, parental responsibility holders), as a
    one-column queryset to use in ``pk__in``. Registered with
    ``people.scope`` so ``people.selectors.people_visible_to`` widens by it."""
    from people.models import LivesWith, Person, Relationship

    if not rules.can_work_cases(user):
        return Person.objects.none().values("pk")
    # The children read once, then one UNION of ids looked up by primary key: the same set as
    # five IN-subqueries joined by OR, which made PostgreSQL test every person against each and
    # repeat the restriction rule's subquery five times (350 ms a case page at 100,000 people;
    # docs/load-test.md).
    children = list(
        cases_visible_to(user=user).order_by().values_list("child_id", flat=True).distinct()
    )
    ids = (
        Person.objects.filter(pk__in=children)
        .order_by()
        .values("pk")
        .union(
            Relationship.objects.filter(to_person__in=children).order_by().values("from_person"),
            Relationship.objects.filter(from_person__in=children).order_by().values("to_person"),
            LivesWith.objects.filter(person_a__in=children).order_by().values("person_b"),
            LivesWith.objects.filter(person_b__in=children).order_by().values("person_a"),
        )
    )
    # The ids themselves, not people filtered by them: wrapped in a second read of the people
    # table, PostgreSQL scanned all of it for every page a case worker opened (21 ms at 100,000).
    return ids


# Lists --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case: Case
    overdue_tasks: int
    open_tasks: int
    last_contact: object
    child_last_seen: object
    assessment_overdue: bool


def _with_work(cases):
    today = timezone.localdate()
    open_tasks = CaseTask.objects.filter(case=OuterRef("pk"), done_at__isnull=True)
    return cases.annotate(
        open_tasks_count=Subquery(
            open_tasks.order_by().values("case").annotate(n=Count("pk")).values("n")
        ),
        overdue_tasks_count=Subquery(
            open_tasks.filter(due_date__lt=today)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        last_contact_at=Subquery(
            CaseNote.objects.filter(case=OuterRef("pk"))
            .order_by()
            .values("case")
            .annotate(at=Max("occurred_at"))
            .values("at")
        ),
        child_last_seen_at=Subquery(
            CaseNote.objects.filter(case=OuterRef("pk"), child_seen=True)
            .order_by()
            .values("case")
            .annotate(at=Max("occurred_at"))
            .values("at")
        ),
    ).select_related("child", "team", "allocated_to", "first_referral__consultation")


def _rows(page: Page) -> Page:
    today = timezone.localdate()
    page.object_list = [
        CaseRow(
            case=case,
            overdue_tasks=case.overdue_tasks_count or 0,
            open_tasks=case.open_tasks_count or 0,
            last_contact=case.last_contact_at,
            child_last_seen=case.child_last_seen_at,
            assessment_overdue=case.assessment_due_date < today,
        )
        for case in page.object_list
    ]
    return page


def my_cases(*, user, page_number=None, per_page: int = CASELOAD_PAGE_SIZE) -> Page:
    cases = _with_work(
        cases_visible_to(user=user).filter(allocated_to=user, status=CaseStatus.ALLOCATED)
    ).order_by("-urgent", "assessment_due_date", "pk")
    return _rows(Paginator(cases, per_page).get_page(page_number))


def team_caseload(
    *,
    user,
    team: Team,
    worker_id=None,
    status: str = "",
    page_number=None,
    per_page=CASELOAD_PAGE_SIZE,
) -> Page:
    """The team's open cases, most urgent and soonest due first, with each case's outstanding work."""
    cases = cases_visible_to(user=user).filter(team=team, status__in=OPEN_STATUSES)
    if worker_id:
        cases = cases.filter(allocated_to_id=worker_id)
    if status:
        cases = cases.filter(status=status)
    cases = _with_work(cases).order_by("-urgent", "assessment_due_date", "pk")
    return _rows(Paginator(cases, per_page).get_page(page_number))


def team_incoming(*, user, team: Team, page_number=None, per_page=CASELOAD_PAGE_SIZE) -> Page:
    """New cases waiting for the team to accept: urgent first, then soonest due."""
    cases = (
        cases_visible_to(user=user)
        .filter(team=team, status=CaseStatus.INCOMING)
        .select_related(
            "child",
            "first_referral__consultation",
            "first_referral__spectrum_decision",
            "previous_case__team",
        )
        .order_by("-urgent", "assessment_due_date", "opened_at", "pk")
    )
    return Paginator(cases, per_page).get_page(page_number)


@dataclass(frozen=True)
class WorkerLoad:
    worker: User
    cases: int
    child_protection: int
    overdue_tasks: int


def team_worker_loads(*, team: Team) -> list[WorkerLoad]:
    """How many open cases each of the team's case holders has: two queries for any team."""
    today = timezone.localdate()
    open_in_team = Q(cases__team=team, cases__status=CaseStatus.ALLOCATED)
    workers = team_members_who_can_hold(team=team).annotate(
        n_cases=Count("cases", filter=open_in_team, distinct=True),
        n_cp=Count(
            "cases", filter=open_in_team & Q(cases__level="IMMEDIATE_PROTECTION"), distinct=True
        ),
    )
    overdue = dict(
        CaseTask.objects.filter(
            case__team=team, done_at__isnull=True, due_date__lt=today, assigned_to__in=workers
        )
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values_list("assigned_to", "n")
    )
    return [
        WorkerLoad(
            worker=w, cases=w.n_cases, child_protection=w.n_cp, overdue_tasks=overdue.get(w.pk, 0)
        )
        for w in workers
    ]


def team_counts(*, team: Team) -> dict:
    """The figures at the top of the team's page, in one query and one pass over the team's
    cases and their tasks. (A subquery for the overdue tasks, grouped with the counts, ran once
    per case: 78 ms for a team of 275 cases, growing with the square of the team's size;
    docs/load-test.md.)"""
    today = timezone.localdate()
    week_ago = timezone.now() - timedelta(days=7)
    open_case = Q(status__in=OPEN_STATUSES)

    def cases(condition):
        # Each case once, however many tasks joined it.
        return Count("pk", filter=condition, distinct=True)

    return Case.objects.filter(team=team).aggregate(
        open=cases(open_case),
        incoming=cases(Q(status=CaseStatus.INCOMING)),
        unallocated=cases(Q(status=CaseStatus.UNALLOCATED)),
        new_this_week=cases(Q(opened_at__gte=week_ago)),
        assessment_overdue=cases(open_case & Q(assessment_due_date__lt=today)),
        overdue_tasks=Count(
            "tasks",
            filter=open_case & Q(tasks__done_at__isnull=True, tasks__due_date__lt=today),
        ),
    )


def case_timeline(*, case: Case):
    """Events, notes, tasks and allocation history for the case page: four queries."""
    return {
        "events": list(case.events.select_related("by")),
        "notes": list(case.notes.select_related("written_by")),
        "tasks": list(case.tasks.select_related("assigned_to", "done_by")),
        "allocations": list(case.allocations.select_related("worker", "allocated_by")),
        "chain": case_chain(case=case),
    }


def case_chain(*, case: Case) -> list[Case]:
    """The cases before this one in the child's line of work (transfers, re-routing), oldest
    first. The chain is short; each step is one query."""
    chain, current, seen = [], case.previous_case, {case.pk}
    while current is not None and current.pk not in seen and len(chain) < 20:
        seen.add(current.pk)
        chain.append(current)
        current = (
            Case.objects.select_related("team", "previous_case")
            .filter(pk=current.previous_case_id)
            .first()
            if current.previous_case_id
            else None
        )
    return list(reversed(chain))


# For the front door -------------------------------------------------------------------------


def open_cases_for_children(*, child_ids) -> dict:
    """Each child's open cases, for the one-line "open to ..." summary the front door sees."""
    result: dict = {}
    for case in (
        Case.objects.filter(child_id__in=list(child_ids), status__in=OPEN_STATUSES)
        .select_related("team", "allocated_to")
        .order_by("opened_at")
    ):
        result.setdefault(case.child_id, []).append(case)
    return result


def previous_referral_case(*, child_id, referral_date: date) -> Case | None:
    """The child's most recent earlier referral within 12 months before ``referral_date``: the
    CIN census re-referral rule (docs/cases.md). Transfers are not referrals; only cases opened
    by a referral count."""
    since = referral_date - relativedelta(months=RE_REFERRAL_MONTHS)
    return (
        Case.objects.filter(
            child_id=child_id,
            opened_by__isnull=False,
            referral_date__gte=since,
            referral_date__lte=referral_date,
        )
        .select_related("team")
        .order_by("-referral_date", "-opened_at")
        .first()
    )


def known_to_teams(*, child_ids, on: date) -> dict:
    """For the consultation's children step, in one query: each child's open cases, and the
    earlier referral that makes a new one a re-referral (docs/cases.md)."""
    since = on - relativedelta(months=RE_REFERRAL_MONTHS)
    result = {pk: {"open": [], "re_referral": None} for pk in child_ids}
    for case in (
        Case.objects.filter(child_id__in=list(child_ids))
        .filter(
            Q(status__in=OPEN_STATUSES)
            | Q(opened_by__isnull=False, referral_date__gte=since, referral_date__lte=on)
        )
        .select_related("team", "allocated_to")
        .order_by("referral_date", "opened_at")
    ):
        known = result[case.child_id]
        if case.status in OPEN_STATUSES:
            known["open"].append(case)
        if case.opened_by_id and since <= case.referral_date <= on:
            known["re_referral"] = case  # the latest wins
    return result


def cases_sent_back(*, user, page_number=None, per_page=CASELOAD_PAGE_SIZE) -> Page:
    """Cases a team sent back, waiting for Family Connect: seen by front-door staff."""
    if not rules.can_see_sent_back_cases(user):
        cases = Case.objects.none()
    else:
        cases = (
            Case.objects.filter(status=CaseStatus.SENT_BACK, front_door_resolved_at__isnull=True)
            .select_related("child", "team", "closed_by", "first_referral__consultation")
            .order_by("-urgent", "closed_at", "pk")
        )
    return Paginator(cases, per_page).get_page(page_number)


def sent_back_visible_to(*, user):
    if not rules.can_see_sent_back_cases(user):
        return Case.objects.none()
    return Case.objects.filter(status=CaseStatus.SENT_BACK)


__all__ = [
    "CaseRow",
    "WorkerLoad",
    "case_chain",
    "case_get_for_user",
    "case_opened_for",
    "known_to_teams",
    "case_timeline",
    "cases_sent_back",
    "cases_visible_to",
    "my_cases",
    "open_cases_for_children",
    "people_on_cases_visible_to",
    "previous_referral_case",
    "sent_back_visible_to",
    "team_caseload",
    "team_counts",
    "team_incoming",
    "team_is_managed_by",
    "team_members_who_can_hold",
    "team_worker_loads",
]
