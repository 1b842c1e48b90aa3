"""The team caseload, the overdue-work registry and assessment timeliness, from known data."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from cases.models import CaseStatus
from dashboards.overdue import overdue_provider, overdue_providers
from dashboards.selectors import (
    Filters,
    caseload_figure,
    team_assessment_timeliness,
    team_caseload_summary,
)
from locality.models import MembershipRole, TeamMembership
from tests.dashboards.helpers import at, case, consultation, task, team, worker

pytestmark = pytest.mark.django_db


def _member(user, in_team):
    TeamMembership.objects.create(
        user=user, team=in_team, role_in_team=MembershipRole.MEMBER, start_date=date(2026, 1, 1)
    )
    return user


@pytest.fixture
def rugby_work():
    rugby, warwick = team("family-help-rugby"), team("family-help-warwick")
    today = timezone.localdate()
    now = timezone.now()
    ann = _member(worker("ann"), rugby)
    bob = _member(worker("bob", Role.SOCIAL_WORKER, social_work_england_number="SW123456"), rugby)
    overdue_case = case(
        in_team=rugby,
        allocated_to=ann,
        referral_date=today - timedelta(days=90),
        due=today - timedelta(days=3),
        opened_at=now - timedelta(days=30),
    )
    case(
        in_team=rugby,
        level="EARLY_SUPPORT",
        allocated_to=ann,
        referral_date=today - timedelta(days=2),
        due=today + timedelta(days=60),
        opened_at=now - timedelta(days=2),
    )
    case(
        in_team=rugby,
        level="IMMEDIATE_PROTECTION",
        allocated_to=bob,
        referral_date=today - timedelta(days=10),
        due=today + timedelta(days=50),
        opened_at=now - timedelta(days=10),
    )
    case(
        in_team=rugby,
        status=CaseStatus.CLOSED,
        referral_date=today - timedelta(days=200),
        due=today - timedelta(days=100),
        closed_at=now - timedelta(days=90),
    )
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=today - timedelta(days=80),
        due=today - timedelta(days=1),
        opened_at=now - timedelta(days=20),
    )
    case(
        in_team=rugby,
        level="EARLY_SUPPORT",
        status=CaseStatus.INCOMING,
        referral_date=today,
        due=today + timedelta(days=63),
        opened_at=now,
    )
    # Another team's overdue case is not Rugby's.
    case(
        in_team=warwick,
        status=CaseStatus.UNALLOCATED,
        referral_date=today - timedelta(days=90),
        due=today - timedelta(days=5),
    )
    task(overdue_case, due=today - timedelta(days=1), assigned_to=ann)
    task(overdue_case, due=today - timedelta(days=4), assigned_to=ann, done=True)
    task(overdue_case, due=today + timedelta(days=4), assigned_to=bob)
    return {"rugby": rugby, "ann": ann, "bob": bob, "overdue_case": overdue_case}


def _row(caseload, user):
    return next(row for row in caseload.workers if row.worker == user)


def test_caseload_per_worker_weighted_by_level(rugby_work, rugby_fhlp):
    caseload = team_caseload_summary(team=rugby_work["rugby"])

    ann, bob = _row(caseload, rugby_work["ann"]), _row(caseload, rugby_work["bob"])
    assert (ann.open, ann.weighted, ann.child_protection, ann.new_this_week) == (2, 3, 0, 1)
    assert ann.overdue == {"decisions": 0, "assessments": 1, "icpcs": 0, "reviews": 0, "tasks": 1}
    assert (bob.open, bob.weighted, bob.child_protection, bob.new_this_week) == (1, 3, 1, 0)
    assert bob.overdue_total == 0
    rhiannon = _row(caseload, rugby_fhlp)
    assert (rhiannon.open, rhiannon.weighted) == (0, 0)
    nobody = caseload.unallocated
    assert (nobody.open, nobody.weighted, nobody.new_this_week) == (2, 3, 1)
    assert nobody.overdue == {
        "decisions": 0,
        "assessments": 1,
        "icpcs": 0,
        "reviews": 0,
        "tasks": 0,
    }
    assert caseload.totals == {
        "open": 5,
        "weighted": 9,
        "new_this_week": 2,
        "incoming": 1,
        "unallocated": 1,
        "overdue": {"decisions": 0, "assessments": 2, "icpcs": 0, "reviews": 0, "tasks": 1},
    }


def test_the_weights_come_from_settings(rugby_work, settings):
    settings.CASELOAD_LEVEL_WEIGHTS = {
        "EARLY_SUPPORT": 1,
        "FAMILY_HELP": 5,
        "IMMEDIATE_PROTECTION": 10,
    }

    caseload = team_caseload_summary(team=rugby_work["rugby"])

    assert _row(caseload, rugby_work["ann"]).weighted == 6
    assert _row(caseload, rugby_work["bob"]).weighted == 10
    assert caseload.totals["weighted"] == 22
    figure = caseload_figure(caseload)
    assert figure.rows[-1] == ["Nobody yet (new or not allocated)", 6, 2, 0, 1, 1]
    assert "Family Help 5, child protection 10" in figure.description


def test_a_worker_who_left_the_team_still_shows_with_the_work_they_hold(rugby_work):
    TeamMembership.objects.filter(user=rugby_work["bob"]).update(end_date=date(2026, 2, 1))

    caseload = team_caseload_summary(team=rugby_work["rugby"])

    assert _row(caseload, rugby_work["bob"]).open == 1


def test_overdue_items_link_straight_to_the_work(rugby_work):
    today = timezone.localdate()
    assessments = list(overdue_provider("assessments").items(rugby_work["rugby"], today))

    assert [c.due for c in assessments] == [today - timedelta(days=3), today - timedelta(days=1)]
    first = assessments[0]
    assert overdue_provider("assessments").link(first) == f"/cases/{first.pk}/"
    tasks = list(overdue_provider("tasks").items(rugby_work["rugby"], today))
    assert len(tasks) == 1 and tasks[0].child_id == rugby_work["overdue_case"].child_id
    assert overdue_provider("tasks").case_id(tasks[0]) == rugby_work["overdue_case"].pk


def test_front_door_decisions_past_their_clock_count_for_the_family_connect_team(practitioner):
    fc = team("family-connect")
    consultation(received_at=at(date(2026, 11, 2)), practitioner=practitioner, decided_after=None)
    consultation(received_at=at(date(2026, 11, 3)), practitioner=practitioner)

    counts = list(overdue_provider("decisions").counts(fc, timezone.localdate()))

    assert counts == [{"worker": practitioner.pk, "n": 1}]
    assert [p.key for p in overdue_providers()] == [
        "decisions",
        "assessments",
        "icpcs",
        "reviews",
        "tasks",
    ]


def test_assessment_timeliness_by_the_month_each_fell_due():
    rugby = team("family-help-rugby")
    today = date(2026, 12, 2)
    # Due in October: one ended in time, one ended late, one still open past its date.
    case(
        in_team=rugby,
        status=CaseStatus.CLOSED,
        referral_date=date(2026, 8, 10),
        due=date(2026, 10, 12),
        closed_at=at(date(2026, 10, 12), 16),
    )
    case(
        in_team=rugby,
        status=CaseStatus.CLOSED,
        referral_date=date(2026, 8, 11),
        due=date(2026, 10, 13),
        closed_at=at(date(2026, 10, 20)),
    )
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 8, 12),
        due=date(2026, 10, 14),
    )
    # Due in December: one already past, one still to come.
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 10, 1),
        due=date(2026, 12, 1),
    )
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 10, 20),
        due=date(2026, 12, 21),
    )
    # Another team's and another month's are not counted.
    case(
        in_team=team("family-help-warwick"),
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 8, 12),
        due=date(2026, 10, 14),
    )
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 7, 1),
        due=date(2026, 9, 1),
    )

    figure = team_assessment_timeliness(
        team=rugby, filters=Filters(start=date(2026, 10, 1), end=date(2026, 12, 31)), today=today
    )

    assert figure.rows == [
        [date(2026, 10, 1), 1, 2, 0, 33.3],
        [date(2026, 11, 1), 0, 0, 0, None],
        [date(2026, 12, 1), 0, 1, 1, 0.0],
    ]
    assert figure.totals == {"in_time": 1, "late": 3, "rate": 25.0}


def test_signed_off_assessments_late_conferences_and_reviews_count_where_they_belong(rugby_work):
    """The apps after cases plug their clocks in: a case whose assessment was signed off stops
    counting as overdue; an initial conference not held past its date counts for the case's
    worker; so does a plan in place past its review date. Held conferences and ended plans do not."""
    from pathway.models import Assessment
    from plans.models import Plan, PlanStatus
    from protection.models import (
        Conference,
        ConferenceKind,
        ConferenceStatus,
        Section47Enquiry,
        StrategyDiscussion,
    )

    today = timezone.localdate()
    now = timezone.now()
    ann, bob, overdue_case = rugby_work["ann"], rugby_work["bob"], rugby_work["overdue_case"]
    Assessment.objects.create(
        case=overdue_case,
        kind="FHA",
        start_date=today - timedelta(days=80),
        due_date=today - timedelta(days=3),
        authorised_date=today - timedelta(days=4),
        started_by=ann,
        started_at=now - timedelta(days=80),
    )
    protection_case = case(
        in_team=rugby_work["rugby"],
        level="IMMEDIATE_PROTECTION",
        allocated_to=bob,
        referral_date=today - timedelta(days=30),
        due=today + timedelta(days=20),
    )

    def enquiry():
        discussion = StrategyDiscussion.objects.create(
            case=protection_case, due_at=now - timedelta(days=20), created_at=now
        )
        return Section47Enquiry.objects.create(
            case=protection_case,
            strategy_discussion=discussion,
            start_date=today - timedelta(days=20),
            icpc_target_date=today - timedelta(days=2),
            lcpp=bob,
        )

    late = Conference.objects.create(
        case=protection_case,
        kind=ConferenceKind.INITIAL,
        enquiry=enquiry(),
        due_date=today - timedelta(days=2),
    )
    Conference.objects.create(
        case=protection_case,
        kind=ConferenceKind.INITIAL,
        enquiry=enquiry(),
        due_date=today - timedelta(days=9),
        status=ConferenceStatus.HELD,
        held_on=today - timedelta(days=10),
        decision="PLAN",
    )
    for status, review in (
        (PlanStatus.ACTIVE, today - timedelta(days=1)),
        ("ENDED", today - timedelta(days=5)),
    ):
        Plan.objects.create(
            child=overdue_case.child,
            case=overdue_case,
            level="FAMILY_HELP",
            status=status,
            started_on=today - timedelta(days=60),
            next_review_date=review,
            created_by=ann,
            created_at=now - timedelta(days=60),
            ended_at=None if status == PlanStatus.ACTIVE else now,
            ended_reason="" if status == PlanStatus.ACTIVE else "Closed",
        )

    caseload = team_caseload_summary(team=rugby_work["rugby"])
    assert _row(caseload, ann).overdue == {
        "decisions": 0,
        "assessments": 0,
        "icpcs": 0,
        "reviews": 1,
        "tasks": 1,
    }
    assert _row(caseload, bob).overdue["icpcs"] == 1
    icpcs = list(overdue_provider("icpcs").items(rugby_work["rugby"], today))
    assert [c.pk for c in icpcs] == [late.pk]
    assert overdue_provider("icpcs").link(icpcs[0]) == f"/protection/conferences/{late.pk}/"
    assert overdue_provider("icpcs").case_id(icpcs[0]) == protection_case.pk
    reviews = list(overdue_provider("reviews").items(rugby_work["rugby"], today))
    assert len(reviews) == 1 and reviews[0].child_id == overdue_case.child_id
