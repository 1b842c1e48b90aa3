"""The issue's journey: a referral authorised at the front door reaches the Rugby team, is
accepted, allocated, worked, stepped up to the MACPT, allocated to an LCPP and closed; a new call
about the child within 12 months shows the re-referral. axe on every page and state."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case, CaseStatus
from people.models import Person, PersonAddress, Relationship
from referrals.models import Outcome
from referrals.services import consultation_child_add, consultation_start
from tests.browser.conftest import assert_accessible, signed_in
from tests.cases.conftest import refer  # noqa: F401 - fixture
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _as(browser, live_server, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def _brother(family):
    alfie = Person.objects.create(
        given_name="Alfie",
        family_name="Dawson",
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 5),
    )
    Relationship.objects.create(
        from_person=family["mother"], to_person=alfie, kind="PARENT", parental_responsibility=True
    )
    PersonAddress.objects.create(
        person=alfie,
        postcode=family["postcode"],
        postcode_outward=family["postcode"].split()[0],
        start_date=timezone.localdate(),
    )
    return alfie


def test_a_referral_goes_from_the_front_door_to_the_team_to_the_macpt_and_is_closed(
    browser,
    live_server,
    refer,  # noqa: F811
    rugby_family,  # noqa: F811
    practitioner,
    fc_manager,
    team_manager,
    rugby_fhlp,
    macpt_manager,
    lcpp,
):
    mia = rugby_family["child"]
    # The front door's part, already tested through its own pages: Mia's referral authorised by
    # a second person; her brother's too.
    refer(mia, mother=rugby_family["mother"])
    refer(_brother(rugby_family), mother=rugby_family["mother"])

    # The Rugby team manager accepts Mia's case and allocates it; sends Alfie's back.
    manager = _as(browser, live_server, team_manager)
    manager.get_by_role("link", name="Team cases").click()
    expect(manager.get_by_test_id("team-counts")).to_contain_text("2 new, waiting to be accepted")
    assert_accessible(manager, "team caseload")
    manager.get_by_role("link", name="2 new, waiting to be accepted").click()
    expect(manager.get_by_test_id("incoming")).to_contain_text("Often arrives hungry and tired")
    assert_accessible(manager, "incoming queue")
    manager.get_by_role("link", name="Accept or send back the case for Alfie Dawson").click()
    manager.get_by_label("Send it back to Family Connect").check()
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text(
        "Say why the case is going back"
    )
    assert_accessible(manager, "intake with an error")
    manager.get_by_label("Why it is going back").fill("Alfie is already supported by the CWD team")
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.get_by_role("alert", name="Success")).to_contain_text("Sent the case for Alfie")
    manager.get_by_role("link", name="Accept or send back the case for Mia Dawson").click()
    assert_accessible(manager, "intake")
    manager.get_by_label("Accept the case").check()
    manager.get_by_role("button", name="Save decision").click()
    manager.wait_for_url(re.compile(r"/allocate/"))
    assert_accessible(manager, "allocate")
    manager.get_by_label("Worker").select_option(
        label="Rhiannon Evans (Family Help Lead Practitioner, 0 open cases)"
    )
    manager.get_by_role("button", name="Allocate").click()
    expect(manager.get_by_test_id("case-worker")).to_have_text("Rhiannon Evans")
    assert_accessible(manager, "case page, allocated")

    # Family Connect sees the case that came back and settles it.
    front = _as(browser, live_server, fc_manager)
    front.get_by_role("link", name="Sent back", exact=True).click()
    expect(front.get_by_test_id("sent-back")).to_contain_text("already supported by the CWD team")
    assert_accessible(front, "sent-back queue")
    front.get_by_role("link", name="Alfie Dawson").click()
    assert_accessible(front, "sent-back case")
    front.get_by_label("No team needed: Family Connect will deal with it").check()
    front.get_by_label("Note").fill("Passed to the CWD team directly")
    front.get_by_role("button", name="Save").click()
    expect(front.get_by_test_id("sent-back")).to_contain_text("No cases have been sent back.")

    # The FHLP opens it, records a visit, reads the consultation and letter, steps it up.
    fhlp = _as(browser, live_server, rugby_fhlp)
    fhlp.get_by_role("link", name="My cases").click()
    assert_accessible(fhlp, "my cases")
    fhlp.get_by_role("link", name="Mia Dawson").click()
    fhlp.get_by_role("link", name="Record a contact or note").click()
    fhlp.get_by_label("Home visit").check()
    fhlp.get_by_label("When").fill("tomorrow")
    fhlp.get_by_label("What happened").fill("Mia showed me her room; Claire was tired but warm.")
    fhlp.get_by_label("The child was seen", exact=True).check()
    fhlp.get_by_label("The child was seen alone").check()
    fhlp.get_by_role("button", name="Save").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter a day and time like")
    expect(fhlp.get_by_label("What happened")).to_have_value(
        "Mia showed me her room; Claire was tired but warm."
    )
    assert_accessible(fhlp, "note with an error")
    fhlp.get_by_label("When").fill(timezone.localtime().strftime("%d/%m/%Y %H:%M"))
    fhlp.get_by_role("button", name="Save").click()
    expect(fhlp.get_by_test_id("case-note")).to_contain_text("Yes, and seen alone")
    fhlp.get_by_role("link", name="Add a task").click()
    assert_accessible(fhlp, "add a task")
    fhlp.get_by_label("What needs doing").fill("Speak to the school nurse")
    fhlp.get_by_label("Due by").fill(timezone.localdate().strftime("%d/%m/%Y"))
    fhlp.get_by_role("button", name="Add task").click()
    expect(fhlp.get_by_test_id("case-tasks")).to_contain_text("Speak to the school nurse")
    fhlp.get_by_role("link", name=re.compile(r"^FC-\d{4}-\d{6}$")).click()
    expect(fhlp.get_by_test_id("concern-answers")).to_contain_text("Often arrives hungry")
    assert_accessible(fhlp, "consultation record")
    fhlp.go_back()
    fhlp.get_by_role("link", name="its feedback letter").click()
    expect(fhlp.locator("main")).to_contain_text("letter")
    assert_accessible(fhlp, "letters page for a case worker")
    fhlp.go_back()
    fhlp.get_by_role("link", name="Transfer or step up/down").click()
    fhlp.get_by_label("Step up to the MACPT (child protection)").check()
    fhlp.get_by_label("Team taking the case").select_option(label="MACPT North")
    fhlp.get_by_label("What the receiving team needs to know").fill("Mia disclosed being hit")
    assert_accessible(fhlp, "transfer")
    fhlp.get_by_role("button", name="Transfer the case").click()
    expect(fhlp.get_by_test_id("case-status")).to_contain_text("Transferred")

    # The MACPT manager accepts it and allocates the LCPP.
    macpt = _as(browser, live_server, macpt_manager)
    macpt.get_by_role("link", name="Team cases").click()
    macpt.get_by_role("link", name="1 new, waiting to be accepted").click()
    expect(macpt.get_by_test_id("incoming")).to_contain_text("Rugby Family Help team")
    macpt.get_by_role("link", name="Accept or send back the case for Mia Dawson").click()
    macpt.get_by_label("Accept the case").check()
    macpt.get_by_role("button", name="Save decision").click()
    expect(macpt.locator("main")).to_contain_text("it can only go to a registered social worker")
    macpt.get_by_label("Worker").select_option(
        label="Leon Barker (Lead Child Protection Practitioner, registered social worker, "
        "0 open cases)"
    )
    macpt.get_by_role("button", name="Allocate").click()
    expect(macpt.get_by_test_id("case-worker")).to_have_text("Leon Barker")
    expect(macpt.get_by_test_id("case-chain")).to_contain_text("Rugby Family Help team")
    assert_accessible(macpt, "MACPT case page with its history")

    # Closed with a census reason.
    macpt.get_by_role("link", name="Close the case").click()
    macpt.get_by_role("button", name="Close the case").click()
    expect(macpt.locator(".govuk-error-summary")).to_contain_text("Choose the reason for closing")
    assert_accessible(macpt, "close with an error")
    macpt.get_by_label("RC8: Case closed after assessment, no further action").check()
    macpt.get_by_label("The child's primary need (CIN census)").select_option(
        label="N1: Abuse or neglect"
    )
    macpt.get_by_role("button", name="Close the case").click()
    expect(macpt.get_by_test_id("case-status")).to_contain_text("Closed")
    assert_accessible(macpt, "closed case")
    assert Case.objects.get(team__slug="macpt-north").status == CaseStatus.CLOSED

    # A new call about Mia within 12 months shows the re-referral on the children step.
    consultation = consultation_start(practitioner=practitioner)
    consultation_child_add(consultation=consultation, child=mia, added_by=practitioner)
    call = _as(browser, live_server, practitioner)
    call.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/children/")
    expect(call.get_by_test_id("open-cases")).to_contain_text("Re-referral")
    assert_accessible(call, "children step with a re-referral")
    for page in (manager, front, fhlp, macpt, call):
        page.context.close()


def test_a_call_about_a_child_already_open_shows_the_worker_and_passes_to_them(
    browser,
    live_server,
    refer,  # noqa: F811
    rugby_family,  # noqa: F811
    practitioner,
    team_manager,
    rugby_fhlp,
):
    from cases.services import case_accept, case_allocate

    link = refer(rugby_family["child"], mother=rugby_family["mother"])
    case = Case.objects.get(opened_by=link)
    case_accept(case=case, manager=team_manager)
    case_allocate(case=case, worker=rugby_fhlp, manager=team_manager)
    consultation = consultation_start(practitioner=practitioner)
    consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )

    call = _as(browser, live_server, practitioner)
    call.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/children/")

    expect(call.get_by_test_id("open-cases")).to_contain_text(
        f"open to Rugby Family Help team, worker Rhiannon Evans, since {case.opened_at:%-d %B}"
    )
    assert_accessible(call, "children step, child already open")
    call.goto(
        f"{live_server.url}/front-door/consultations/{consultation.pk}/children/"
        f"{consultation.children.get().pk}/outcome/"
    )
    call.get_by_label(Outcome.PASS_TO_WORKER.label).check()
    assert_accessible(call, "outcome: pass to the allocated worker")
    call.context.close()


def test_a_worker_records_their_registration(browser, live_server, rugby_fhlp):
    page = _as(browser, live_server, rugby_fhlp)
    page.goto(f"{live_server.url}/cases/registration/")
    page.get_by_label("Social Work England number").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a Social Work England number"
    )
    assert_accessible(page, "registration with an error")
    page.get_by_label("Social Work England number").fill("SW123456")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Saved your registration")
    assert_accessible(page, "registration")
    page.context.close()


def test_a_worker_in_two_teams_picks_a_team_and_a_manager_filters_by_worker(
    browser,
    live_server,
    refer,  # noqa: F811
    rugby_family,  # noqa: F811
    team_manager,
    rugby_fhlp,
):
    from cases.services import case_accept, case_allocate
    from locality.models import Team, TeamMembership

    TeamMembership.objects.create(
        user=rugby_fhlp, team=Team.objects.get(slug="fast-east"), start_date=timezone.localdate()
    )
    case = Case.objects.get(opened_by=refer(rugby_family["child"], mother=rugby_family["mother"]))

    worker = _as(browser, live_server, rugby_fhlp)
    worker.get_by_role("link", name="Team cases").click()
    expect(worker.locator("main")).to_contain_text("FAST East")
    assert_accessible(worker, "team list")
    worker.get_by_role("link", name="Rugby Family Help team").click()
    worker.get_by_role("link", name="Mia Dawson").click()
    expect(worker.get_by_test_id("case-status")).to_contain_text("New: waiting to be accepted")
    assert_accessible(worker, "case page, incoming")

    case_accept(case=case, manager=team_manager)
    case_allocate(case=case, worker=rugby_fhlp, manager=team_manager)
    manager = _as(browser, live_server, team_manager)
    manager.goto(f"{live_server.url}/cases/teams/family-help-rugby/")
    manager.get_by_test_id("worker-loads").get_by_role("link", name="Rhiannon Evans").click()
    expect(manager.get_by_test_id("caseload")).to_contain_text("Allocated to Rhiannon Evans: 1")
    assert_accessible(manager, "team caseload for one worker")
    for page in (worker, manager):
        page.context.close()
