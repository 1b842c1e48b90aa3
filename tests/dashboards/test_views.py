"""The dashboards through the pages: what a manager sees, re-allocation, CSV downloads, the
dip-sample journey, access logging and constant queries."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case, CaseStatus
from conftest import verified_client
from dashboards.models import DipReview
from locality.models import MembershipRole, TeamMembership
from referrals.models import Outcome
from tests.dashboards.helpers import at, case, consultation, decision, team, worker

pytestmark = pytest.mark.django_db


def _member(user, in_team):
    TeamMembership.objects.create(
        user=user, team=in_team, role_in_team=MembershipRole.MEMBER, start_date=date(2026, 1, 1)
    )
    return user


def _overdue_cases(n, *, allocated_to=None):
    today = timezone.localdate()
    return [
        case(
            in_team=team("family-help-rugby"),
            status=CaseStatus.ALLOCATED if allocated_to else CaseStatus.UNALLOCATED,
            allocated_to=allocated_to,
            referral_date=today - timedelta(days=90),
            due=today - timedelta(days=1 + i),
        )
        for i in range(n)
    ]


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_caseload_shows_overdue_assessments_linked_to_the_list(team_manager, rugby_fhlp):
    _overdue_cases(2, allocated_to=rugby_fhlp)
    client = verified_client(team_manager)

    page = client.get(reverse("dashboards:caseload", args=["family-help-rugby"]))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Assessments past 45 working days: 2" in body
    assert reverse("dashboards:overdue", args=["family-help-rugby", "assessments"]) in body
    assert (
        'role="img"' in body
        and 'aria-labelledby="chart-caseload-title chart-caseload-desc"' in body
    )
    assert "<style" not in body and "<script" not in body.split("</header>")[1].split("<footer")[0]


def test_the_team_manager_of_another_team_sees_no_caseload(macpt_manager):
    client = verified_client(macpt_manager)

    assert client.get(reverse("dashboards:caseload", args=["family-help-rugby"])).status_code == 404
    assert client.get(reverse("dashboards:index")).status_code == 302


def test_the_overdue_list_logs_each_child_shown_and_links_to_the_case(team_manager, rugby_fhlp):
    cases = _overdue_cases(3, allocated_to=rugby_fhlp)
    client = verified_client(team_manager)
    before = AccessLog.objects.count()

    page = client.get(
        reverse("dashboards:overdue", args=["family-help-rugby", "assessments"]),
        {"worker": rugby_fhlp.pk},
    )

    assert page.status_code == 200
    assert AccessLog.objects.count() - before == 3
    assert set(
        AccessLog.objects.filter(record_type="overdue-assessments").values_list(
            "person_id", flat=True
        )
    ) == {c.child_id for c in cases}
    for c in cases:
        assert reverse("cases:case", args=[c.pk]) in page.content.decode()
        assert reverse("dashboards:reallocate", args=[c.pk]) in page.content.decode()


def test_an_unknown_kind_of_work_is_not_found(team_manager):
    client = verified_client(team_manager)

    assert (
        client.get(
            reverse("dashboards:overdue", args=["family-help-rugby", "no-such-work"])
        ).status_code
        == 404
    )


def test_re_allocating_from_the_dashboard(team_manager, rugby_fhlp):
    other = _member(worker("nia"), team("family-help-rugby"))
    [overdue] = _overdue_cases(1, allocated_to=rugby_fhlp)
    client = verified_client(team_manager)
    url = reverse("dashboards:reallocate", args=[overdue.pk])

    refused = client.post(url, {"worker": rugby_fhlp.pk})
    assert "The case is already allocated to" in refused.content.decode()
    empty = client.post(url, {})
    assert "Choose who will hold the case" in empty.content.decode()
    done = client.post(url, {"worker": other.pk, "reason": "Covering leave"}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("dashboards:caseload", args=["family-help-rugby"])
    assert f"Allocated to {other}" in done.content.decode()
    overdue.refresh_from_db()
    assert overdue.allocated_to == other
    assert overdue.allocations.get(ended_at__isnull=True).reason == "Covering leave"


def test_the_timeliness_chart_and_its_csv_agree(team_manager):
    rugby = team("family-help-rugby")
    case(
        in_team=rugby,
        status=CaseStatus.UNALLOCATED,
        referral_date=date(2026, 8, 12),
        due=date(2026, 10, 14),
    )
    client = verified_client(team_manager)
    query = {
        "start_0": "1",
        "start_1": "10",
        "start_2": "2026",
        "end_0": "31",
        "end_1": "10",
        "end_2": "2026",
    }

    page = client.get(reverse("dashboards:timeliness", args=["family-help-rugby"]), query)
    download = client.get(reverse("dashboards:timeliness-csv", args=["family-help-rugby"]), query)

    assert page.status_code == 200
    assert "Showing 1 October 2026 to 31 October 2026" in page.content.decode()
    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    assert _csv_rows(download) == [
        ["Month due", "By the due date", "Past the due date", "Not yet due", "% in time"],
        ["2026-10-01", "0", "1", "0", "0.0"],
    ]


def test_wrong_dates_are_explained_beside_the_field(team_manager):
    client = verified_client(team_manager)
    query = {
        "start_0": "31",
        "start_1": "2",
        "start_2": "2026",
        "end_0": "1",
        "end_1": "1",
        "end_2": "2026",
    }

    page = client.get(reverse("dashboards:timeliness", args=["family-help-rugby"]), query)

    body = page.content.decode()
    assert page.status_code == 200
    assert "govuk-error-summary" in body and "From must be a real date" in body
    assert 'value="31"' in body  # what was typed is kept


def test_the_front_door_dashboard_and_a_csv_with_its_filters(fc_manager, practitioner):
    rugby = team("family-help-rugby")
    call = consultation(received_at=at(date(2026, 11, 2)), practitioner=practitioner)
    decision(call, outcome=Outcome.FAMILY_HELP_ASSESSMENT, to_team=rugby, authorised_by=fc_manager)
    decision(call, outcome=Outcome.ADVICE)
    client = verified_client(fc_manager)
    query = {
        "start_0": "2",
        "start_1": "11",
        "start_2": "2026",
        "end_0": "3",
        "end_1": "11",
        "end_2": "2026",
        "team": str(rugby.pk),
    }

    page = client.get(reverse("dashboards:front-door"), query)
    download = client.get(reverse("dashboards:front-door-csv", args=["contacts-by-day"]), query)

    body = page.content.decode()
    assert page.status_code == 200
    for title in [
        "Contacts and referrals by day",
        "Decisions within one working day",
        "Re-referrals within 12 months",
        "Feedback letters sent, opened and failed",
    ]:
        assert title in body
    assert body.count('role="img"') == 9
    assert _csv_rows(download) == [
        ["Day", "Contacts", "Referrals"],
        ["2026-11-02", "1", "1"],
        ["2026-11-03", "0", "0"],
    ]
    assert client.get(reverse("dashboards:front-door-csv", args=["nonsense"])).status_code == 404


def test_the_chart_stylesheet_is_served_from_our_origin(client):
    css = client.get(reverse("dashboards:chart-css"))

    assert css["Content-Type"].startswith("text/css")
    assert ".app-chart .color-0" in css.content.decode()
    assert "#chart-" not in css.content.decode()


def test_drawing_and_reviewing_a_dip_sample(fc_manager, practitioner):
    last = timezone.localdate().replace(day=1) - timedelta(days=3)
    for n, outcome in enumerate([Outcome.ADVICE, Outcome.ADVICE, Outcome.SINGLE_AGENCY]):
        decision(
            consultation(received_at=at(last - timedelta(days=n)), practitioner=practitioner),
            outcome=outcome,
        )
    client = verified_client(fc_manager)

    refused = client.post(reverse("dashboards:dip-sample-new"), {"per_outcome": "0"})
    assert "Enter a number between 1 and 20" in refused.content.decode()
    drawn = client.post(reverse("dashboards:dip-sample-new"), {"per_outcome": "1"}, follow=True)
    assert "Drew 2 decisions to review" in drawn.content.decode()
    review = DipReview.objects.filter(outcome="ADVICE").get()
    url = reverse("dashboards:dip-review", args=[review.sample_id, review.pk])
    before = AccessLog.objects.filter(record_type="consultation").count()

    form = client.get(url)
    assert form.status_code == 200
    assert AccessLog.objects.filter(record_type="consultation").count() - before == 1
    logged = AccessLog.objects.filter(record_type="consultation").order_by("-at").first()
    assert (logged.person_id, logged.reason) == (review.decision.child_id, "Dip sample review")
    wrong = client.post(url, {"verdict": "DIFFERENT", "reason": "More need than that"})
    assert "Choose the level you would have decided" in wrong.content.decode()
    assert "More need than that" in wrong.content.decode()
    saved = client.post(
        url, {"verdict": "DIFFERENT", "level": "EARLY_SUPPORT", "reason": "More need"}
    )
    assert saved.status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.level, review.reviewed_by) == (
        "DIFFERENT",
        "EARLY_SUPPORT",
        fc_manager,
    )
    results = client.get(reverse("dashboards:dip-results"))
    assert "Agreement with front-door decisions, by outcome" in results.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_caseload_page_takes_the_same_queries_however_many_cases(
    rows, team_manager, django_assert_max_num_queries
):
    holders = [_member(worker(f"w{n}"), team("family-help-rugby")) for n in range(min(rows, 10))]
    for n in range(rows):
        _overdue_cases(1, allocated_to=holders[n % len(holders)])
    client = verified_client(team_manager)
    url = reverse("dashboards:caseload", args=["family-help-rugby"])
    client.get(url)

    # One grouped count per kind of overdue work (five kinds registered), the rest fixed.
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_overdue_list_takes_the_same_queries_however_many(
    rows, team_manager, rugby_fhlp, django_assert_max_num_queries
):
    _overdue_cases(rows, allocated_to=rugby_fhlp)
    client = verified_client(team_manager)
    url = reverse("dashboards:overdue", args=["family-help-rugby", "assessments"])

    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_front_door_dashboard_takes_the_same_queries_however_many(
    rows, fc_manager, practitioner, django_assert_max_num_queries
):
    for n in range(rows):
        decision(
            consultation(
                received_at=at(timezone.localdate() - timedelta(days=n % 20)),
                practitioner=practitioner,
            )
        )
    client = verified_client(fc_manager)

    with django_assert_max_num_queries(20):
        assert client.get(reverse("dashboards:front-door")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_the_dip_sample_page_takes_the_same_queries_however_many(
    rows, fc_manager, practitioner, django_assert_max_num_queries
):
    last = timezone.localdate().replace(day=1) - timedelta(days=3)
    for n in range(rows):
        decision(consultation(received_at=at(last - timedelta(hours=n)), practitioner=practitioner))
    client = verified_client(fc_manager)
    client.post(reverse("dashboards:dip-sample-new"), {"per_outcome": "20"})
    sample = DipReview.objects.first().sample

    with django_assert_max_num_queries(12):
        assert client.get(reverse("dashboards:dip-sample", args=[sample.pk])).status_code == 200
    assert Case.objects.count() == 0
