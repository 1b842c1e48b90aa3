"""The issue's journey: the Rugby FHLP turns the signed-off assessment's Plan into a Family
Help plan with three outcomes and five actions across two agencies, sends it (a real worker
delivers each copy), holds a review a month later with progress scores, steps Mia down to Early
Support (the case moves, nothing typed again), and refers the family for a Family Network
Meeting, which the co-ordinator records. axe on every new page and state; a no-JavaScript
journey too."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseLevel
from plans.models import PartnerAgency, Plan, PlanSending, SendingStatus
from tests.browser.conftest import assert_accessible, signed_in
from tests.cases.conftest import refer, rugby_case  # noqa: F401 - fixtures
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.plans.conftest import (  # noqa: F401 - fixtures
    PLAN_ITEMS,
    agencies,
    allocated_case,
    assessment,
    network_consent,
)
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _as(browser, live_server, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


ACTIONS = [
    (0, "Breakfast club place", "AGENCY", "Rugby Primary School", "Mrs Patel"),
    (0, "Alarm set and bags packed the night before", "FAMILY", "Claire Dawson", ""),
    (1, "Introduce Claire to the parents' group", "AGENCY", "Rugby Health Visiting", "Sam Green"),
    (2, "Ask the landlord to fix the damp", "WORKER", "Rhiannon Evans", ""),
    (2, "Check on the heating at the home visit", "AGENCY", "Rugby Health Visiting", "Sam Green"),
]


def _add_action(page, outcome_index, what, owner, who, contact):
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Which outcome it helps").select_option(index=outcome_index)
    page.get_by_label("What will be done").fill(what)
    if owner == "AGENCY":
        page.get_by_label("Someone at a partner agency").check()
        page.get_by_label("The partner agency").select_option(label=who)
        page.get_by_label("The named person at the agency").fill(contact)
    elif owner == "FAMILY":
        page.get_by_label("A family member").check()
        page.get_by_label("The family member").select_option(label=who)
    else:
        page.get_by_label("A worker in the team").check()
        page.get_by_label("The worker").select_option(label=who)
    page.get_by_label("By when").fill(_day(timezone.localdate() + dt.timedelta(days=21)))
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Action added")


def test_a_plan_from_the_assessment_is_sent_reviewed_stepped_down_and_a_family_network_meeting_held(
    browser,
    live_server,
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    allocated_case,  # noqa: F811
    assessment,  # noqa: F811
    agencies,  # noqa: F811
    network_consent,  # noqa: F811
    rugby_fhlp,
    fnm_coordinator,
):
    fhlp = _as(browser, live_server, rugby_fhlp)

    # The plan's pages, empty.
    fhlp.get_by_role("link", name="Plans").click()
    expect(fhlp.get_by_role("main")).to_contain_text("No plans in place.")
    assert_accessible(fhlp, "plans caseload, empty")
    fhlp.goto(f"{live_server.url}/plans/agencies/")
    expect(fhlp.get_by_test_id("agencies")).to_contain_text("Rugby Primary School")
    fhlp.get_by_role("button", name="Add the agency").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter the agency's name")
    assert_accessible(fhlp, "partner agencies with an error")

    # From the case, start the plan: the assessment's Plan fills in the three outcomes.
    fhlp.get_by_role("link", name="My cases").click()
    fhlp.get_by_role("link", name="Mia Dawson").click()
    fhlp.get_by_test_id("case-plan").get_by_role("link", name="Start the plan").click()
    expect(fhlp.get_by_test_id("assessment-plan")).to_contain_text(PLAN_ITEMS[0][0])
    assert_accessible(fhlp, "start the plan, from the assessment")
    first = fhlp.get_by_label("What the family and workers want to be different").first
    expect(first).to_have_value(PLAN_ITEMS[0][0])
    first.fill("")
    fhlp.get_by_role("button", name="Start the plan").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Write at least one outcome")
    assert_accessible(fhlp, "start the plan with an error")
    first.fill(PLAN_ITEMS[0][0])
    fhlp.get_by_label("In the family's own words").first.fill("We want calmer mornings")
    fhlp.get_by_role("button", name="Start the plan").click()
    expect(fhlp.get_by_test_id("outcome")).to_have_count(3)
    assert_accessible(fhlp, "the plan, no actions")

    # Five actions across two agencies, the family and the worker; one mistake on the way.
    fhlp.get_by_role("link", name="Add an action").click()
    fhlp.get_by_label("What will be done").fill("Homework club")
    fhlp.get_by_label("Someone at a partner agency").check()
    fhlp.get_by_label("The partner agency").select_option(label="Rugby Primary School")
    fhlp.get_by_label("By when").fill(_day(timezone.localdate()))
    fhlp.get_by_role("button", name="Add the action").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Name the person at the agency")
    expect(fhlp.get_by_label("What will be done")).to_have_value("Homework club")
    assert_accessible(fhlp, "add an action with an error")
    fhlp.get_by_role("link", name="Back to the plan").click()
    for action in ACTIONS:
        _add_action(fhlp, *action)
    expect(fhlp.get_by_test_id("action")).to_have_count(5)
    assert_accessible(fhlp, "the plan, filled")

    fhlp.get_by_role("link", name="Record the family's agreement").click()
    assert_accessible(fhlp, "family agreement")
    fhlp.get_by_label("Who in the family agreed the plan").select_option(label="Claire Dawson")
    fhlp.get_by_label("What they said (optional)").fill("This feels doable")
    fhlp.get_by_role("button", name="Record the agreement").click()
    expect(fhlp.get_by_test_id("agreement")).to_contain_text("Agreed by Claire Dawson")

    # Send it: the family, and the two agencies with actions.
    fhlp.get_by_role("link", name="Send the plan").click()
    assert_accessible(fhlp, "send the plan")
    fhlp.get_by_role("button", name="Send the plan").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose who to send the plan to")
    assert_accessible(fhlp, "send the plan with an error")
    fhlp.get_by_label("Family member's name").fill("Claire Dawson")
    fhlp.get_by_label("Family member's email address").fill("claire@example.com")
    fhlp.get_by_label(re.compile("Rugby Primary School")).check()
    fhlp.get_by_label(re.compile("Rugby Health Visiting")).check()
    fhlp.get_by_role("button", name="Send the plan").click()
    expect(fhlp.get_by_role("alert", name="Success")).to_contain_text("Sending the plan to 3")
    plan = Plan.objects.get(child=allocated_case.child)
    deadline = timezone.now() + dt.timedelta(seconds=90)
    while PlanSending.objects.filter(plan=plan, status=SendingStatus.SENT).count() < 3:
        assert timezone.now() < deadline, celery_worker.log.read_text()[-3000:]
        fhlp.wait_for_timeout(250)
    fhlp.reload()
    expect(fhlp.get_by_test_id("plan-sendings")).to_contain_text("Rugby Health Visiting")
    expect(fhlp.get_by_test_id("plan-sendings")).not_to_contain_text("waiting")

    # A month passes: the plan started a month ago.
    Plan.objects.filter(pk=plan.pk).update(
        started_on=plan.started_on - dt.timedelta(days=31),
        next_review_date=plan.next_review_date - dt.timedelta(days=31),
    )
    fhlp.get_by_role("link", name="Plans").click()
    expect(fhlp.get_by_test_id("plan-caseload")).to_contain_text("Mia Dawson")
    assert_accessible(fhlp, "plans caseload")
    fhlp.get_by_role("link", name="Mia Dawson").click()

    # The review: scores from the family and the worker, then a step down to Early Support.
    fhlp.get_by_role("link", name="Record a review").click()
    assert_accessible(fhlp, "record a review")
    fhlp.get_by_label("Who came").fill("Claire, Mia, Mrs Patel, Sam Green")
    fhlp.get_by_label("Step down to Early Support").check()
    fhlp.get_by_role("button", name="Record the review").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("score from 0 to 10")
    expect(fhlp.get_by_label("Who came")).to_have_value("Claire, Mia, Mrs Patel, Sam Green")
    assert_accessible(fhlp, "record a review with errors")
    for title, _need in PLAN_ITEMS:
        fhlp.get_by_label(f"The family: {title}").fill("8")
        fhlp.get_by_label(f"The worker: {title}").fill("7")
    fhlp.get_by_label("What changes to the plan").fill("Mornings are calmer; keep the club")
    fhlp.get_by_role("button", name="Record the review").click()
    expect(fhlp.get_by_role("alert", name="Success")).to_contain_text("Step down to Early Support")
    expect(fhlp.get_by_role("heading", level=1)).to_have_text("Early Support Plan for Mia Dawson")
    expect(fhlp.get_by_test_id("review")).to_contain_text("8 and 7 out of 10")
    assert_accessible(fhlp, "the plan after the review")
    new_case = Case.objects.get(pk=Plan.objects.get(pk=plan.pk).case_id)
    assert new_case.level == CaseLevel.EARLY_SUPPORT
    assert new_case.previous_case_id == allocated_case.pk
    assert new_case.first_referral_id == allocated_case.first_referral_id

    # The Family Network Meeting referral, through the consent gate (Claire agreed).
    fhlp.get_by_role("link", name="Refer for a Family Network Meeting").first.click()
    expect(fhlp.get_by_test_id("consent-gate")).to_contain_text("Consent")
    assert_accessible(fhlp, "refer for a Family Network Meeting")
    fhlp.get_by_role("button", name="Refer").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Say why")
    assert_accessible(fhlp, "refer with an error")
    fhlp.get_by_label("Why a Family Network Meeting would help").fill(
        "Mia's grandmother Joan wants to help with school runs"
    )
    fhlp.get_by_role("button", name="Refer").click()
    expect(fhlp.get_by_test_id("network-status")).to_contain_text("Waiting for a co-ordinator")
    assert_accessible(fhlp, "Family Network referral, as the worker sees it")

    # The co-ordinator's queue and the meeting record.
    coordinator = _as(browser, live_server, fnm_coordinator)
    coordinator.get_by_role("link", name="Family Network").click()
    expect(coordinator.get_by_test_id("network-queue")).to_contain_text("Mia Dawson")
    assert_accessible(coordinator, "co-ordinator queue")
    coordinator.get_by_role("link", name="Mia Dawson").click()
    coordinator.get_by_role("button", name="Arrange this meeting").click()
    expect(coordinator.get_by_test_id("network-status")).to_contain_text("Being arranged")
    assert_accessible(coordinator, "referral being arranged")
    coordinator.get_by_role("link", name="Record the meeting").click()
    coordinator.get_by_role("button", name="Record the meeting").click()
    expect(coordinator.locator(".govuk-error-summary")).to_contain_text("Write the family's plan")
    assert_accessible(coordinator, "meeting record with errors")
    today = timezone.localdate()
    coordinator.get_by_label("Date of the meeting").fill(_day(today))
    coordinator.get_by_label("Who was invited").fill("Claire, Joan, Uncle Dave, Mia")
    coordinator.get_by_label("Who came").fill("Claire, Joan, Mia")
    coordinator.get_by_label("The child's contribution").fill("Mia drew who helps her at home")
    coordinator.get_by_label("The family's plan").fill("Joan does Tuesday and Thursday school runs")
    coordinator.get_by_label("Review date").fill(_day(today + dt.timedelta(weeks=6)))
    coordinator.get_by_role("button", name="Record the meeting").click()
    expect(coordinator.get_by_test_id("network-status")).to_contain_text("Meeting held")
    expect(coordinator.get_by_test_id("network-review")).to_contain_text(
        (today + dt.timedelta(weeks=6)).strftime("%-d %B %Y")
    )
    assert_accessible(coordinator, "meeting recorded")

    # A flag on Mia: shown on her case.
    fhlp.goto(f"{live_server.url}/plans/people/{allocated_case.child_id}/flags/")
    assert_accessible(fhlp, "flags, none")
    fhlp.get_by_label("Kinship care").check()
    fhlp.get_by_role("button", name="Set the flag").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose the kind of kinship care")
    assert_accessible(fhlp, "flags with an error")
    fhlp.get_by_label("Special guardianship order").check()
    fhlp.get_by_role("button", name="Set the flag").click()
    expect(fhlp.get_by_test_id("flags")).to_contain_text("Special guardianship order")
    assert_accessible(fhlp, "flags, set")
    fhlp.get_by_role("link", name="End the kinship care flag").click()
    assert_accessible(fhlp, "end a flag")
    fhlp.goto(f"{live_server.url}/cases/{new_case.pk}/")
    expect(fhlp.get_by_test_id("case-flags")).to_contain_text("Kinship care")


def test_without_javascript_the_fhlp_starts_a_plan_adds_an_action_and_sets_a_flag(
    no_js_page,
    live_server,
    allocated_case,  # noqa: F811
    agencies,  # noqa: F811
    rugby_fhlp,
):
    page = no_js_page
    signed_in(page, live_server, rugby_fhlp)
    page.goto(f"{live_server.url}/cases/{allocated_case.pk}/")
    page.get_by_test_id("case-plan").get_by_role("link", name="Start the plan").click()
    page.get_by_label("What the family and workers want to be different").first.fill(
        "Mia gets to school on time"
    )
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_test_id("outcome")).to_have_count(1)
    _add_action(page, 0, "Breakfast club place", "AGENCY", "Rugby Primary School", "Mrs Patel")
    expect(page.get_by_test_id("action")).to_contain_text("Mrs Patel, Rugby Primary School")
    page.goto(f"{live_server.url}/plans/people/{allocated_case.child_id}/flags/")
    page.get_by_role("radio", name="Private fostering").check()
    page.get_by_label("Private fostering: the date the council was told").fill(
        _day(timezone.localdate())
    )
    page.get_by_role("button", name="Set the flag").click()
    expect(page.get_by_test_id("visit-due")).to_be_visible()
    assert PartnerAgency.objects.count() == 2
