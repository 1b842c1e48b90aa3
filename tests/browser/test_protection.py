"""The issue's journey (issue 15): a police call about a disclosure; the practitioner sees the
urgent banner and records the call to MACPT North; the manager authorises in one click from the
top of the queue; the MACPT manager allocates the LCPP; the strategy discussion decides Section
47; the enquiry ends "substantiated, ICPC needed"; the ICPC is due within 15 working days (over
the August bank holiday); the conference starts a plan and the first review date is set. axe on
every new page and state; the same work without JavaScript."""

import re
from datetime import date, datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from protection.clocks import first_review_due
from protection.models import ProtectionPlan, StrategyDiscussion
from referrals.models import Consultation, Outcome
from tests.browser.conftest import assert_accessible, signed_in
from tests.cases.conftest import refer  # noqa: F401 - fixture
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

# The call came in on Wednesday 19 August 2026; the strategy discussion was the next morning.
# Fifteen working days from Thursday 20 August step over the bank holiday on Monday 31 August.
RECEIVED = timezone.make_aware(datetime(2026, 8, 19, 9, 30))
ICPC_DUE = "Friday 11 September 2026"


def _as(browser, live_server, user, *, javascript=True):
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,
        java_script_enabled=javascript,
    )
    # Six engineers share two cores: a page can take more than the usual ten seconds to load.
    context.set_default_timeout(30_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def _police_call(refer, child):  # noqa: F811
    link = refer(child, Outcome.IMMEDIATE_PROTECTION, authorise=False)
    Consultation.objects.filter(pk=link.consultation_id).update(
        received_at=RECEIVED,
        caller_agency_type="POLICE",
        caller_organisation="Warwickshire Police",
        caller_role="Police constable",
        concerns="Mia told her teacher her stepfather hit her; police attended the school.",
        safe_now="NO",
    )
    return link


def test_a_police_call_about_a_disclosure_goes_from_the_front_door_to_a_child_protection_plan(
    browser,
    live_server,
    refer,  # noqa: F811
    rugby_family,  # noqa: F811
    practitioner,
    fc_manager,
    macpt_manager,
    lcpp,
):
    if date.today() < date(2026, 9, 11):
        pytest.skip("The journey's dates are in August and September 2026")
    mia = rugby_family["child"]
    link = _police_call(refer, mia)

    # The practitioner sees the urgent banner and records the phone call to MACPT North.
    call = _as(browser, live_server, practitioner)
    call.goto(f"{live_server.url}/front-door/consultations/{link.consultation_id}/")
    banner = call.get_by_test_id("macpt-banner")
    expect(banner).to_contain_text("Immediate protection")
    expect(banner).to_contain_text("Phone MACPT North now on 01926 414144")
    assert_accessible(call, "submitted consultation with the MACPT banner")
    call.get_by_role("button", name="I phoned MACPT North").click()
    expect(call.locator("main")).to_contain_text("Enter who you spoke to at the MACPT")
    assert_accessible(call, "MACPT call not recorded: who was it?")
    call.get_by_label("Who you spoke to at MACPT North").fill("Megan Doyle, team manager")
    call.get_by_role("button", name="I phoned MACPT North").click()
    expect(call.get_by_test_id("macpt-call")).to_contain_text("spoke to Megan Doyle")
    assert_accessible(call, "MACPT call recorded")

    # The manager sees it at the top of both queues and authorises it in one click.
    manager = _as(browser, live_server, fc_manager)
    manager.get_by_role("link", name="Front-door queue").click()
    first = manager.get_by_test_id("queue").locator("tbody tr").first
    expect(first).to_contain_text("Immediate protection")
    expect(first).to_contain_text(link.consultation.reference)
    assert_accessible(manager, "front-door queue with immediate protection")
    manager.get_by_role("link", name="Authorisations").click()
    assert_accessible(manager, "authorisations with immediate protection")
    manager.locator("tbody tr").first.get_by_role(
        "button", name=re.compile("Authorise now")
    ).click()
    expect(manager.get_by_role("alert", name="Success")).to_contain_text("Authorised")
    case = Case.objects.get(opened_by=link)
    assert (case.team.slug, case.urgent) == ("macpt-north", True)

    # The MACPT manager accepts and allocates the LCPP; the strategy discussion waits for him.
    macpt = _as(browser, live_server, macpt_manager)
    macpt.get_by_role("link", name="Child protection", exact=True).click()
    expect(macpt.get_by_test_id("protection-queue")).to_contain_text("Strategy discussion")
    expect(macpt.get_by_test_id("protection-queue")).to_contain_text("Not allocated")
    assert_accessible(macpt, "MACPT queue, unallocated")
    macpt.get_by_role("link", name="Accept and allocate the case for Mia Dawson").click()
    macpt.get_by_label("Accept the case").check()
    macpt.get_by_role("button", name="Save decision").click()
    macpt.get_by_label("Worker").select_option(
        label="Leon Barker (Lead Child Protection Practitioner, registered social worker, "
        "0 open cases)"
    )
    macpt.get_by_role("button", name="Allocate").click()
    expect(macpt.get_by_test_id("case-worker")).to_have_text("Leon Barker")
    macpt.get_by_test_id("protection-link").get_by_role("link").click()
    expect(macpt.get_by_test_id("strategy")).to_contain_text("To be held")
    assert_accessible(macpt, "child protection record, strategy discussion to be held")

    # The LCPP records the strategy discussion: Section 47, jointly with the police.
    worker = _as(browser, live_server, lcpp)
    worker.get_by_role("link", name="Child protection", exact=True).click()
    expect(worker.get_by_test_id("protection-queue")).to_contain_text("Leon Barker")
    assert_accessible(worker, "MACPT queue, allocated")
    worker.get_by_role("link", name="Strategy discussion").click()
    assert_accessible(worker, "strategy discussion, empty")
    worker.get_by_role("button", name="Save the strategy discussion").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Choose the decision")
    assert_accessible(worker, "strategy discussion with errors")
    worker.get_by_label("When it was held").fill("20/08/2026 09:15")
    police = worker.get_by_role("group", name="Police")
    police.get_by_label("Name and role").fill("DC Sam Reed, child abuse investigation")
    police.get_by_label("Took part").check()
    police.get_by_label("What they shared").fill("Stepfather arrested in 2024 for assault")
    education = worker.get_by_role("group", name="Education")
    education.get_by_label("Name and role").fill("Ms Patel, designated safeguarding lead")
    education.get_by_label("Took part").check()
    worker.get_by_label("Section 47 joint enquiry with the police").check()
    worker.get_by_label("Immediate safety actions").fill("Mia stays with her grandmother")
    worker.get_by_role("button", name="Save the strategy discussion").click()
    expect(worker.get_by_test_id("strategy-decision")).to_contain_text("joint enquiry")
    expect(worker.get_by_test_id("icpc-target")).to_have_text(ICPC_DUE)
    assert_accessible(worker, "child protection record, enquiry under way")

    # The enquiry ends "substantiated, ICPC needed".
    worker.get_by_role("link", name="Record the enquiry").click()
    assert_accessible(worker, "Section 47 enquiry, empty")
    worker.get_by_label("Concerns substantiated: ICPC needed").check()
    worker.get_by_role("button", name="Save the enquiry").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("before the child has been")
    assert_accessible(worker, "Section 47 enquiry with an error")
    worker.get_by_label("The child has been seen").check()
    worker.get_by_label("The child was seen alone").check()
    worker.get_by_label("When the child was seen").fill("21/08/2026")
    worker.get_by_label("Concerns substantiated: ICPC needed").check()
    worker.get_by_label("What the enquiry found").fill("Bruising consistent with her account")
    worker.get_by_label("When the enquiry ended").fill("04/09/2026")
    worker.get_by_role("button", name="Save the enquiry").click()
    expect(worker.get_by_test_id("enquiry-outcome")).to_contain_text("ICPC needed")
    expect(worker.get_by_test_id("conference-initial")).to_contain_text("11 Sep 2026")

    # The initial conference starts a plan; the first review date is set.
    worker.get_by_role("link", name=re.compile("Record the conference")).click()
    assert_accessible(worker, "initial conference, empty")
    worker.get_by_label("Date held").fill("12/09/2026")  # a Saturday
    worker.get_by_label("Chair").fill("Ruth Cole, independent chair")
    worker.get_by_label("Child protection plan", exact=True).check()
    worker.get_by_label("Category of abuse").select_option(label="Physical abuse")
    worker.get_by_label("Who leads the plan").select_option(label="Leon Barker")
    worker.get_by_role("button", name="Save the conference").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("never at a weekend")
    expect(worker.get_by_label("Chair")).to_have_value("Ruth Cole, independent chair")
    assert_accessible(worker, "initial conference with an error")
    worker.get_by_label("Date held").fill("10/09/2026")
    worker.get_by_label("The family's views").fill("Mother agrees to the plan")
    worker.get_by_label("The child's views").fill("Mia wants to stay at her school")
    worker.get_by_role("button", name="Save the conference").click()
    plan = ProtectionPlan.objects.get(case=case)
    review = first_review_due(date(2026, 9, 10))
    expect(worker.get_by_test_id("plan")).to_contain_text("Physical abuse")
    expect(worker.get_by_test_id("conference-review")).to_contain_text(f"{review:%-d %b %Y}")
    assert review == date(2026, 12, 10)
    assert plan.core_group_due_date == date(2026, 9, 24)
    assert_accessible(worker, "child protection record with a plan")
    worker.get_by_role("link", name="Record it").click()
    # The next page, not the one the click leaves: checked before it had loaded, it had no body.
    core_group_date = worker.get_by_label("Date of the first core group meeting")
    expect(core_group_date).to_be_visible()
    assert_accessible(worker, "first core group")
    core_group_date.fill("17/09/2026")
    worker.get_by_role("button", name="Save").click()
    expect(worker.get_by_test_id("plan")).to_contain_text("Held 17 Sep 2026")
    worker.get_by_role("link", name="End the plan").click()
    worker.get_by_role("button", name="End the plan").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Choose why the plan ends")
    assert_accessible(worker, "end the plan with an error")
    worker.get_by_role("link", name="Child protection", exact=True).click()
    expect(worker.get_by_test_id("protection-queue")).to_contain_text(
        "Review child protection conference"
    )
    worker.get_by_role("link", name="Review child protection conference").click()
    assert_accessible(worker, "review conference, empty")
    worker.goto(f"{live_server.url}/protection/mine/")
    assert_accessible(worker, "LCPP caseload")
    for page in (call, manager, macpt, worker):
        page.context.close()


def test_the_strategy_discussion_and_the_macpt_call_work_without_javascript(
    browser,
    live_server,
    refer,  # noqa: F811
    rugby_family,  # noqa: F811
    practitioner,
    macpt_manager,
    lcpp,
):
    from cases.services import case_accept, case_allocate

    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION, authorise=False)
    call = _as(browser, live_server, practitioner, javascript=False)
    call.goto(f"{live_server.url}/front-door/consultations/{link.consultation_id}/")
    call.get_by_label("Who you spoke to at MACPT North").fill("Duty LCPP")
    call.get_by_role("button", name="I phoned MACPT North").click()
    expect(call.get_by_test_id("macpt-call")).to_contain_text("spoke to Duty LCPP")

    from accounts.models import User
    from referrals.services import consultation_child_authorise

    consultation_child_authorise(link=link, manager=User.objects.get(username="martin.manager"))
    case = Case.objects.get(opened_by=link)
    case_accept(case=case, manager=macpt_manager)
    case_allocate(case=case, worker=lcpp, manager=macpt_manager)
    discussion = StrategyDiscussion.objects.get(case=case)

    worker = _as(browser, live_server, lcpp, javascript=False)
    worker.goto(f"{live_server.url}/protection/strategy/{discussion.pk}/")
    worker.get_by_label("When it was held").fill(timezone.localtime().strftime("%d/%m/%Y %H:%M"))
    police = worker.get_by_role("group", name="Police")
    police.get_by_label("Name and role").fill("DC Sam Reed")
    police.get_by_label("Took part").check()
    worker.get_by_label("No Section 47 enquiry", exact=True).check()
    worker.get_by_role("button", name="Save the strategy discussion").click()
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Say why there is no Section")
    expect(police.get_by_label("Name and role")).to_have_value("DC Sam Reed")
    worker.get_by_label("Why there is no Section 47 enquiry").fill("An accident seen by staff")
    worker.get_by_label("The next step").fill("Family Help Assessment by Rugby")
    worker.get_by_role("button", name="Save the strategy discussion").click()
    expect(worker.get_by_test_id("strategy-decision")).to_contain_text("No Section 47 enquiry")
    for page in (call, worker):
        page.context.close()
