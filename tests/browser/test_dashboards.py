"""The issue's journey: the Rugby team manager sees an overdue assessment on the caseload,
re-allocates it, opens the timeliness chart and downloads its CSV; the Family Connect manager
draws a dip sample and records three reviews. axe on every page and state, charts included;
and the same pages without JavaScript."""

import csv
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseStatus
from dashboards.models import DipReview
from locality.models import MembershipRole, TeamMembership
from referrals.models import Outcome
from tests.browser.conftest import assert_accessible, signed_in
from tests.dashboards.helpers import at, case, consultation, decision, team, worker

pytestmark = pytest.mark.browser


def _as(browser, live_server, user):
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", bypass_csp=True, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def _rugby_with_an_overdue_assessment(rugby_fhlp):
    rugby = team("family-help-rugby")
    nia = worker("nia.newton")
    TeamMembership.objects.create(
        user=nia, team=rugby, role_in_team=MembershipRole.MEMBER, start_date=date(2026, 1, 1)
    )
    today = timezone.localdate()
    overdue = case(
        in_team=rugby,
        allocated_to=rugby_fhlp,
        referral_date=today - timedelta(days=80),
        due=today - timedelta(days=5),
    )
    case(
        in_team=rugby,
        allocated_to=rugby_fhlp,
        referral_date=today - timedelta(days=3),
        due=today + timedelta(days=60),
    )
    return overdue, nia


def _last_months_decisions(practitioner):
    last = timezone.localdate().replace(day=1) - timedelta(days=2)
    outcomes = [
        Outcome.ADVICE,
        Outcome.ADVICE,
        Outcome.SINGLE_AGENCY,
        Outcome.EARLY_SUPPORT_ASSESSMENT,
    ]
    for n, outcome in enumerate(outcomes):
        call = consultation(received_at=at(last - timedelta(days=n)), practitioner=practitioner)
        call.concerns = "Often arrives at school hungry; mother recently unwell."
        call.save(update_fields=["concerns"])
        decision(call, outcome=outcome)


def test_the_team_manager_re_allocates_an_overdue_assessment_and_downloads_the_timeliness_csv(
    browser, live_server, team_manager, rugby_fhlp, tmp_path
):
    overdue, nia = _rugby_with_an_overdue_assessment(rugby_fhlp)
    page = _as(browser, live_server, team_manager)

    page.get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rugby Family Help team")
    expect(page.get_by_test_id("overdue-totals")).to_contain_text(
        "Assessments past 45 working days: 1"
    )
    expect(page.locator("svg[role=img]")).to_have_count(1)
    assert_accessible(page, "caseload dashboard")

    page.get_by_role("link", name="Assessments past 45 working days: 1").click()
    expect(page.get_by_test_id("overdue-items")).to_contain_text(str(overdue.child))
    assert_accessible(page, "overdue assessments")
    page.get_by_role("link", name=re.compile(f"Re-allocate the case: {overdue.child}")).click()
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who will hold the case")
    assert_accessible(page, "re-allocate, error")
    page.get_by_label("Worker").select_option(value=str(nia.pk))
    page.get_by_label("Note (optional)").fill("Rhiannon is on leave")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_test_id("message-success")).to_contain_text(f"Allocated to {nia}")
    overdue.refresh_from_db()
    assert overdue.allocated_to == nia
    assert_accessible(page, "caseload after re-allocating")

    page.get_by_role("link", name="Assessment timeliness chart").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("assessment timeliness")
    expect(page.locator("#chart-timeliness-title")).to_have_text(
        "Assessment timeliness, Rugby Family Help team"
    )
    assert_accessible(page, "timeliness chart")
    page.get_by_role("group", name="From").get_by_label("Day").fill("31")
    page.get_by_role("group", name="From").get_by_label("Month").fill("2")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("From must be a real date")
    assert_accessible(page, "timeliness chart, wrong date")
    page.get_by_role("group", name="From").get_by_label("Day").fill("1")
    page.get_by_role("group", name="From").get_by_label("Month").fill(
        str(overdue.assessment_due_date.month)
    )
    page.get_by_role("group", name="From").get_by_label("Year").fill(
        str(overdue.assessment_due_date.year)
    )
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("Download the table as CSV")).click()
    saved = Path(tmp_path) / "timeliness.csv"
    downloading.value.save_as(saved)
    rows = list(csv.reader(saved.open()))
    assert rows[0] == [
        "Month due",
        "By the due date",
        "Past the due date",
        "Not yet due",
        "% in time",
    ]
    due_month = overdue.assessment_due_date.replace(day=1).isoformat()
    assert [due_month, "0", "1"] == next(row for row in rows if row[0] == due_month)[:3]
    page.context.close()


def test_the_family_connect_manager_draws_a_dip_sample_and_records_three_reviews(
    browser, live_server, fc_manager, practitioner
):
    _last_months_decisions(practitioner)
    page = _as(browser, live_server, fc_manager)

    page.get_by_role("link", name="Dashboards").click()
    assert_accessible(page, "dashboards index")
    page.get_by_role("link", name="The front door: contacts, referrals and decisions").click()
    expect(page.locator("svg[role=img]")).to_have_count(9)
    assert_accessible(page, "front-door dashboard")
    page.go_back()
    page.get_by_role("link", name="Dip samples of front-door decisions").click()
    expect(page.get_by_test_id("dip-samples")).to_contain_text("No samples drawn yet")
    assert_accessible(page, "dip samples, none yet")
    page.get_by_label("How many decisions to sample for each outcome").fill("0")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number between 1 and 20")
    assert_accessible(page, "draw a sample, error")
    page.get_by_label("How many decisions to sample for each outcome").fill("2")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.get_by_test_id("dip-progress")).to_contain_text("0 of 4 reviewed")
    assert_accessible(page, "the sample")

    page.get_by_test_id("dip-reviews").get_by_role("link").first.click()
    expect(page.get_by_test_id("dip-decision")).to_contain_text("Often arrives at school hungry")
    assert_accessible(page, "review form")
    page.get_by_label("I would have decided differently").check()
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose the level you would have decided"
    )
    assert_accessible(page, "review form, error")
    page.get_by_label("The level you would have decided").select_option(label="Early Support")
    page.get_by_label("Why").fill("Needs across two domains: Early Support, not advice")
    page.get_by_role("button", name="Save the review").click()
    for _ in range(2):  # the next waiting review opens each time
        expect(page.get_by_role("heading", level=1)).to_contain_text("Review FC-")
        page.get_by_label("I agree with the decision").check()
        page.get_by_role("button", name="Save the review").click()
    assert DipReview.objects.filter(reviewed_at__isnull=False).count() == 3
    assert DipReview.objects.filter(verdict="DIFFERENT", level="EARLY_SUPPORT").count() == 1

    page.get_by_role("link", name="Dashboards").click()
    page.get_by_role("link", name="Dip-sample results: agreement rates").click()
    expect(page.get_by_test_id("figure-agreement-practitioner")).to_contain_text("66.7")
    assert_accessible(page, "dip-sample results")
    page.context.close()


def test_the_dashboards_work_without_javascript(
    no_js_page, live_server, team_manager, fc_manager, rugby_fhlp, practitioner
):
    overdue, nia = _rugby_with_an_overdue_assessment(rugby_fhlp)
    page = no_js_page
    signed_in(page, live_server, team_manager)
    page.goto(f"{live_server.url}/dashboards/")
    expect(page.get_by_test_id("caseload-table")).to_contain_text("Rhiannon")
    page.get_by_role("link", name="Assessments past 45 working days: 1").click()
    page.get_by_role("link", name=re.compile("Re-allocate the case")).click()
    page.get_by_label("Worker").select_option(value=str(nia.pk))
    page.get_by_role("button", name="Allocate").click()
    assert Case.objects.get(pk=overdue.pk).allocated_to == nia
    page.get_by_role("link", name="Assessment timeliness chart").click()
    expect(page.locator("svg[role=img]")).to_have_count(1)
    assert Case.objects.filter(status=CaseStatus.ALLOCATED).count() == 2

    page.context.clear_cookies()
    _last_months_decisions(practitioner)
    signed_in(page, live_server, fc_manager)
    page.goto(f"{live_server.url}/dashboards/front-door/")
    expect(page.locator("svg[role=img]")).to_have_count(9)
    page.goto(f"{live_server.url}/dashboards/dip-samples/")
    page.get_by_label("How many decisions to sample for each outcome").fill("1")
    page.get_by_role("button", name="Draw the sample").click()
    page.get_by_test_id("dip-reviews").get_by_role("link").first.click()
    page.get_by_label("I agree with the decision").check()
    page.get_by_role("button", name="Save the review").click()
    assert DipReview.objects.filter(verdict="AGREE").count() == 1
