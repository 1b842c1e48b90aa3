# ruff: noqa: F811 - pytest fixtures imported from other conftest modules are test arguments
"""The consultation in a browser: the whole call through its steps, each outcome, a second
person authorising, keyboard only, no JavaScript, autosave, an expired session and a conflict.
axe-core checks every step empty, with errors and filled."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from cases.tasks import case_arrival_notify
from consent.models import Capacity, ConsentStatus, Method, Purpose
from consent.services import consent_record_answer
from people.models import LivesWith
from people.services import person_search_names_ensure
from referrals.models import Consultation, ConsultationChild, ConsultationStatus
from referrals.services import consultation_child_add, consultation_start
from spectrum.models import LevelCode
from spectrum.selectors import framework_current
from spectrum.services import framework_v1_ensure
from tests.browser.conftest import assert_accessible, signed_in
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.referrals.helpers import fill_in_the_call, level_recorded

pytestmark = pytest.mark.browser


@pytest.fixture
def framework(transactional_db):
    # The transactional database is emptied between tests, taking the migration's data with it.
    framework_v1_ensure()
    return framework_current()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signed-out/"))


def _consented(family, user):
    consent_record_answer(
        child=family["child"],
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=user,
        given_by=family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )


def test_a_whole_call_through_every_step_then_a_second_person_authorises(
    page,
    live_server,
    practitioner,
    fc_manager,
    rugby_family,
    framework,
):
    LivesWith.objects.create(person_a=rugby_family["mother"], person_b=rugby_family["child"])
    person_search_names_ensure(person=rugby_family["child"])
    signed_in(page, live_server, practitioner)

    page.get_by_role("link", name="Consultations").click()
    assert_accessible(page, "consultations, none in progress")
    page.get_by_role("button", name="Start a new consultation").click()

    # 1. The caller
    expect(page.get_by_role("heading", level=1)).to_have_text("Caller and purpose")
    assert_accessible(page, "caller step, empty")
    page.get_by_label("Caller's name").fill("Priya Shah")
    page.get_by_label("Email address").fill("priya at school")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    expect(page.get_by_label("Caller's name")).to_have_value("Priya Shah")
    assert page.title().startswith("Error: ")
    assert_accessible(page, "caller step, with an error")
    page.get_by_label("Email address").fill("p.shah@school.example.org")
    page.get_by_label("Their role").fill("Designated safeguarding lead")
    page.get_by_label("Type of agency").select_option(label="School")
    page.get_by_label("Organisation").fill("Dunchurch Infant School")
    page.get_by_label("Relationship to the family").fill("Mia's class teacher")
    page.get_by_label("Making a referral").check()
    assert_accessible(page, "caller step, filled")
    page.get_by_role("button", name="Save and continue").click()

    # 2. The children: search before adding
    expect(page.get_by_role("heading", level=1)).to_have_text("Children and household")
    assert_accessible(page, "children step, empty")
    page.get_by_label("Date of birth").fill("31/2/2018")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a date of birth")
    assert_accessible(page, "children step, search with an error")
    page.get_by_label("Date of birth").fill("")
    page.get_by_label("Name").fill("Mia Dawson")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("possible match")
    assert_accessible(page, "children step, search results")
    page.get_by_role("button", name="Add Mia Dawson to this consultation").click()
    expect(page.get_by_test_id("consultation-child")).to_contain_text("Claire Dawson")
    assert_accessible(page, "children step, a child added")
    page.get_by_role("link", name="Continue").click()

    # Not everything is done yet: the check page says what is missing.
    page.get_by_role("link", name="8. Check and submit").click()
    expect(page.get_by_test_id("missing")).to_contain_text("Enter the worries the caller described")
    assert_accessible(page, "check answers, with things missing")
    page.get_by_role("link", name="3. Family history").click()

    # 3. The family's history
    expect(page.get_by_test_id("household-timeline")).to_be_visible()
    assert_accessible(page, "family history")
    page.get_by_role("link", name="Continue").click()

    # 4. Worries and strengths
    assert_accessible(page, "worries step, empty")
    page.get_by_label("What are the worries?").fill("Mia often arrives hungry and tired.")
    page.get_by_label("Yes").check()
    page.get_by_label("Strengths and protective factors").fill("Mum asked school for help.")
    assert_accessible(page, "worries step, filled")
    page.get_by_role("button", name="Save and continue").click()

    # 5. Consent
    expect(page.get_by_test_id("consent-referral")).to_contain_text("Cannot go ahead yet")
    assert_accessible(page, "consent step, nothing recorded")
    page.get_by_role("link", name="Record an answer for Mia Dawson").click()
    page.get_by_label("Agreement to an Early Support or Family Help referral").check()
    page.get_by_label("Given").check()
    page.get_by_label("Claire Dawson").check()
    page.get_by_label("A person with parental responsibility").check()
    page.get_by_label("Verbally").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_test_id("consent-referral")).to_contain_text("Can go ahead")
    assert_accessible(page, "consent step, consent given")
    page.get_by_role("link", name="Continue").click()

    # 6. The Spectrum of Support
    assert_accessible(page, "spectrum step, nothing decided")
    page.get_by_role("link", name="Choose indicators and decide for Mia Dawson").click()
    indicator = framework.indicators.filter(level=LevelCode.FAMILY_HELP).first()
    # Domains are collapsed, so the page is short on a call: open the indicator's domain.
    page.locator("details", has=page.locator(f"input[value='{indicator.pk}']")).locator(
        "summary"
    ).click()
    page.locator(f"input[name=indicators][value='{indicator.pk}']").check()
    page.get_by_label("Family Help", exact=True).check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_test_id("decided-level")).to_have_text("Family Help")
    assert_accessible(page, "spectrum step, decided")
    page.get_by_role("link", name="Continue").click()

    # 7. The outcome: the routing service proposes the team
    assert_accessible(page, "outcome step, nothing agreed")
    page.get_by_role("link", name="Agree an outcome for Mia Dawson").click()
    assert_accessible(page, "child outcome, empty")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the outcome agreed")
    assert_accessible(page, "child outcome, with an error")
    page.get_by_label("Family Help Assessment").check()
    page.get_by_label("Why this outcome?").fill("Needs are long-standing; Mum wants help.")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_test_id("team")).to_contain_text("Family Help")
    expect(page.get_by_test_id("routing-reasons")).not_to_be_empty()
    page.get_by_label("The agreed action plan").fill("School to share attendance weekly.")
    assert_accessible(page, "outcome step, filled")
    page.get_by_role("button", name="Save and check answers").click()

    # Check and submit
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and submit")
    assert_accessible(page, "check answers")
    page.get_by_role("button", name="Submit the consultation").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "sent to a Family Connect manager"
    )
    expect(page.get_by_test_id("consultation-status")).to_contain_text("Waiting for a manager")
    consultation = Consultation.objects.get()
    assert consultation.spectrum_decisions.get().decided_level == LevelCode.FAMILY_HELP
    _sign_out(page)

    # A second person, a manager, authorises: the case opens in the locality team's queue.
    signed_in(page, live_server, fc_manager)
    page.get_by_role("link", name="Authorisations").click()
    page.get_by_role("link", name=f"Review {consultation.reference} for Mia Dawson").click()
    page.get_by_label("Authorise").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Authorised")
    page.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/")
    expect(page.get_by_test_id("case")).to_contain_text("Rugby Family Help team")
    assert_accessible(page, "consultation, authorised")
    case = Case.objects.get()
    assert (case.team.slug, case.status) == ("family-help-rugby", "INCOMING")


def _prepared(practitioner, family, *, purpose="ADVICE", consent=True):
    """A call already under way: caller and worries recorded, the child added."""
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose=purpose)
    consultation_child_add(consultation=consultation, child=family["child"], added_by=practitioner)
    if consent:
        _consented(family, practitioner)
    if purpose == "REFERRAL":
        # A referral rests on the child's level of need, recorded at the Spectrum step.
        level_recorded(
            family["child"],
            practitioner,
            "IMMEDIATE_PROTECTION" if not consent else "FAMILY_HELP_ASSESSMENT",
        )
    return Consultation.objects.get(pk=consultation.pk)


def _url(live_server, consultation, step=""):
    return f"{live_server.url}/front-door/consultations/{consultation.pk}/{step}"


OUTCOMES = {
    # outcome label, the call's purpose, whether a manager authorises, the team a case opens in
    "advice": ("Advice, information and guidance", "ADVICE", False, None),
    "single agency": ("Single agency support", "ADVICE", False, None),
    "early support assessment": (
        "Early Support Assessment led by the caller's agency",
        "ADVICE",
        False,
        None,
    ),
    "early support referral": ("Referral for Early Support", "REFERRAL", True, "family-help-rugby"),
    "immediate protection": (
        "Immediate protection through the MACPT",
        "REFERRAL",
        True,
        "macpt-north",
    ),
}


@pytest.mark.parametrize("key", OUTCOMES)
def test_each_outcome_is_agreed_submitted_and_where_needed_authorised_by_someone_else(
    key,
    page,
    live_server,
    practitioner,
    fc_manager,
    rugby_family,
    framework,
):
    from django.core import mail

    label, purpose, authorised, team = OUTCOMES[key]
    consultation = _prepared(
        practitioner, rugby_family, purpose=purpose, consent=key != "immediate protection"
    )
    signed_in(page, live_server, practitioner)

    if key == "immediate protection":
        # No consent is sought; the reason for going ahead without it is recorded.
        page.goto(_url(live_server, consultation, "consent/"))
        page.get_by_role("link", name="Go ahead without consent for Mia Dawson").click()
        page.get_by_label("Immediate protection (child protection response)").check()
        page.get_by_label("Child protection: risk of significant harm").check()
        page.get_by_label("Explain the decision").fill("Mia disclosed being hit with a belt.")
        page.get_by_label("Not yet").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_test_id("consent-immediate_protection")).to_contain_text("Can go ahead")
    page.goto(_url(live_server, consultation, "outcome/"))
    page.get_by_role("link", name="Agree an outcome for Mia Dawson").click()
    page.get_by_label(label, exact=True).check()
    if key == "advice":
        page.get_by_role("button", name="Save outcome").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "Enter the services you signposted"
        )
        page.get_by_label("Services signposted").fill("Family Information Service")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_test_id("outcome")).to_have_text(label)
    if key == "immediate protection":
        expect(page.get_by_test_id("child-outcome")).to_contain_text("Urgent")
    page.get_by_role("link", name="8. Check and submit").click()
    page.get_by_role("button", name="Submit the consultation").click()
    status = page.get_by_test_id("consultation-status")

    if not authorised:
        expect(status).to_contain_text("Complete")
        assert ConsultationChild.objects.get().authorisation == "NOT_NEEDED"
        assert not Case.objects.exists()
        return
    expect(status).to_contain_text("Waiting for a manager")
    _sign_out(page)
    signed_in(page, live_server, fc_manager)
    page.get_by_role("link", name="Authorisations").click()
    page.get_by_role("link", name=f"Review {consultation.reference} for Mia Dawson").click()
    page.get_by_label("Authorise").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Authorised")
    case = Case.objects.get()
    assert case.team.slug == team
    assert Consultation.objects.get().status == ConsultationStatus.COMPLETE
    if key == "immediate protection":
        assert case.urgent
        # The MACPT's email is a Celery task published after the commit (tests/cases/
        # test_worker.py runs it on a worker); with no broker it has run already.
        case_arrival_notify.apply(args=[str(case.pk)])
        assert any("URGENT" in message.subject for message in mail.outbox)


def _tab_to(page, name: str, *, limit: int = 80) -> None:
    """Press Tab until the focused element's accessible name (label or text) contains ``name``."""
    page.wait_for_load_state()
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            r"""() => {
              const el = document.activeElement;
              const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
              return (label + ' ' + (el.textContent || '') + ' ' + (el.value || '')).replace(/\s+/g, ' ').trim();
            }"""
        )
        if name in focused:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_a_call_can_be_taken_with_the_keyboard_alone(
    page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    person_search_names_ensure(person=rugby_family["child"])
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/front-door/consultations/new/")

    _tab_to(page, "Start a new consultation")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/caller/$"))
    _tab_to(page, "Caller's name")
    page.keyboard.type("Priya Shah")
    _tab_to(page, "Type of agency")
    page.keyboard.type("School")
    _tab_to(page, "Organisation")
    page.keyboard.type("Dunchurch Infant School")
    _tab_to(page, "Asking for advice")
    page.keyboard.press("Space")
    _tab_to(page, "Save and continue")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/children/$"))
    _tab_to(page, "Name")
    page.keyboard.type("Mia Dawson")
    page.keyboard.press("Enter")  # submits the search
    expect(page.get_by_test_id("result-count")).to_be_visible()
    _tab_to(page, "Add Mia Dawson to this consultation")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("consultation-child")).to_contain_text("Mia Dawson")
    page.wait_for_load_state()
    page.goto(page.url.replace("/children/", "/worries/"))
    _tab_to(page, "What are the worries?")
    page.keyboard.type("Mia has been arriving late and hungry.")
    _tab_to(page, "Yes")
    page.keyboard.press("Space")
    _tab_to(page, "Save and continue")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/consent/$"))
    page.goto(page.url.replace("/consent/", "/outcome/"))
    _tab_to(page, "Agree an outcome for Mia Dawson")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/children/.+/outcome/$"))
    _tab_to(page, "Advice, information and guidance")  # Tab reaches the group's first radio
    page.keyboard.press("ArrowDown")  # ...and the arrow keys choose within the group
    _tab_to(page, "Save outcome")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("outcome")).to_have_text("Single agency support")
    _tab_to(page, "Check and submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/consultations/[0-9a-f-]+/$"))
    _tab_to(page, "Submit the consultation")
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("consultation-status")).to_contain_text("Complete")
    consultation = Consultation.objects.get()
    assert (consultation.caller_agency_type, consultation.safe_now) == ("SCHOOL", "YES")


def test_a_call_can_be_taken_without_javascript(
    no_js_page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    page = no_js_page
    person_search_names_ensure(person=rugby_family["child"])
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/front-door/consultations/new/")
    page.get_by_role("button", name="Start a new consultation").click()

    page.get_by_label("Caller's name").fill("Dr Ellis")
    page.get_by_label("Type of agency").select_option(label="GP")
    page.get_by_label("Asking for advice").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Name").fill("Mia Dawson")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add Mia Dawson to this consultation").click()
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("link", name="Continue").click()
    page.get_by_label("What are the worries?").fill("Missed three appointments.")
    page.get_by_label("Not known").check()
    # Leaving for a break: every step saves when its form is sent.
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_test_id("drafts")).to_contain_text("Dr Ellis")
    page.get_by_role("link", name=Consultation.objects.get().reference).click()
    page.get_by_role("link", name="4. Worries and strengths").click()
    expect(page.get_by_label("What are the worries?")).to_have_value("Missed three appointments.")
    page.get_by_role("link", name="7. Outcome and action plan").click()
    page.get_by_role("link", name="Agree an outcome for Mia Dawson").click()
    page.get_by_label("Advice, information and guidance").check()
    page.get_by_label("Services signposted").fill("Family Information Service")
    page.get_by_role("button", name="Save outcome").click()
    page.get_by_role("button", name="Save and check answers").click()
    page.get_by_role("button", name="Submit the consultation").click()

    expect(page.get_by_test_id("consultation-status")).to_contain_text("Complete")
    assert Consultation.objects.get().caller_agency_type == "GP"


def test_autosave_keeps_the_words_when_the_browser_is_closed(
    browser,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    consultation = _prepared(practitioner, rugby_family)
    first = browser.new_context(bypass_csp=True)
    page = first.new_page()
    signed_in(page, live_server, practitioner)
    page.goto(_url(live_server, consultation, "worries/"))
    page.get_by_label("Where is the child now?").fill("At school until 3.15pm")

    expect(page.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=12_000)
    assert_accessible(page, "worries step, saved in the background")
    first.close()  # the browser is closed without pressing anything

    second = browser.new_context(bypass_csp=True)
    try:
        page = second.new_page()
        page.goto(f"{live_server.url}/sign-in/")
        _sign_in_on_this_page(page, practitioner)
        page.get_by_role("link", name="Consultations").click()
        assert_accessible(page, "consultations, one in progress")
        page.get_by_role("link", name=consultation.reference).click()
        page.get_by_role("link", name="4. Worries and strengths").click()
        expect(page.get_by_label("Where is the child now?")).to_have_value("At school until 3.15pm")
    finally:
        second.close()


def _sign_in_on_this_page(page, user):
    """Sign in on the sign-in page the app sent the browser to, keeping where it came from."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import PERSONA_PASSWORD
    from tests.browser.conftest import current_totp

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/sign-in/verify/"))
    # A second authenticator, so the test need not wait for the first one's next code.
    backup = TOTPDevice.objects.create(user=user, name="Backup phone", confirmed=True)
    page.get_by_label("Security code").fill(current_totp(backup))
    page.get_by_role("button", name="Continue").click()


def test_words_typed_as_the_session_expires_are_kept_through_signing_in_again(
    page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    consultation = _prepared(practitioner, rugby_family)
    signed_in(page, live_server, practitioner)
    page.goto(_url(live_server, consultation, "worries/"))
    Session.objects.all().delete()  # the session ends on the server (a long phone call)

    page.get_by_label("What has the child said?").fill("Mia said she is scared of Dad's friend.")
    alert = page.locator("[data-autosave-alert]")
    expect(alert).to_contain_text("You have been signed out", timeout=12_000)
    assert_accessible(page, "worries step, signed out while typing")
    alert.get_by_role("button", name="Sign in and save").click()
    page.wait_for_url(re.compile(r"/sign-in/"))
    _sign_in_on_this_page(page, practitioner)

    page.wait_for_url(re.compile(r"/worries/$"))
    expect(page.locator("main")).to_contain_text("What you typed has been kept and saved")
    expect(page.get_by_label("What has the child said?")).to_have_value(
        "Mia said she is scared of Dad's friend."
    )
    consultation.refresh_from_db()
    assert consultation.child_views == "Mia said she is scared of Dad's friend."


def test_two_people_on_one_draft_see_a_conflict_not_a_silent_overwrite(
    browser,
    live_server,
    practitioner,
    fc_manager,
    rugby_family,
    framework,
):
    consultation = _prepared(practitioner, rugby_family)
    contexts = [browser.new_context(bypass_csp=True) for _ in range(2)]
    try:
        mine, theirs = (context.new_page() for context in contexts)
        signed_in(mine, live_server, practitioner)
        signed_in(theirs, live_server, fc_manager)
        for page in (mine, theirs):
            page.goto(_url(live_server, consultation, "worries/"))

        theirs.get_by_label("Strengths and protective factors").fill("Grandmother helps daily.")
        expect(theirs.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=12_000)
        mine.get_by_label("Strengths and protective factors").fill("Mum has a new job.")

        alert = mine.locator("[data-autosave-alert]")
        expect(alert).to_contain_text("Someone else changed this consultation", timeout=12_000)
        alert.get_by_role("button", name="Review their changes and keep yours").click()
        expect(mine.get_by_test_id("differences")).to_contain_text("Grandmother helps daily.")
        expect(mine.get_by_label("Strengths and protective factors")).to_have_value(
            "Mum has a new job."
        )
        assert_accessible(mine, "worries step, conflict")
        consultation.refresh_from_db()
        assert consultation.strengths == "Grandmother helps daily."

        mine.get_by_role("button", name="Save and continue").click()  # a deliberate choice
        mine.wait_for_url(re.compile(r"/consent/$"))
        consultation.refresh_from_db()
        assert consultation.strengths == "Mum has a new job."
    finally:
        for context in contexts:
            context.close()


def test_autosave_shows_an_answer_it_could_not_save_and_never_calls_it_saved(
    page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    consultation = _prepared(practitioner, rugby_family)
    saved_email = consultation.caller_email
    signed_in(page, live_server, practitioner)
    page.goto(_url(live_server, consultation, "caller/"))
    status = page.locator("[data-autosave-status]")
    email = page.get_by_label("Email address")

    page.get_by_label("Their role").fill("School nurse")
    email.fill("priya.shah.school")

    expect(status).to_contain_text("Not saved: Email address", timeout=12_000)
    expect(status).not_to_contain_text("Saved at")
    error = page.locator("#div_id_caller_email .govuk-error-message")
    expect(error).to_contain_text("Enter an email address in the correct format")
    expect(email).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "caller step, an answer autosave could not save")
    consultation.refresh_from_db()
    assert (consultation.caller_role, consultation.caller_email) == ("School nurse", saved_email)

    # Moving on would lose the mistyped address: the page stays and says so.
    page.get_by_role("link", name="Worries and strengths").click()
    alert = page.locator("[data-autosave-alert]")
    expect(alert).to_contain_text("Some answers are not saved")
    assert page.url.endswith("/caller/")
    expect(email).to_be_focused()
    expect(email).to_have_value("priya.shah.school")

    email.fill("priya.shah@bilton.example.org")
    expect(status).to_contain_text("Saved at", timeout=12_000)
    expect(error).to_have_count(0)
    expect(alert).to_be_hidden()
    consultation.refresh_from_db()
    assert consultation.caller_email == "priya.shah@bilton.example.org"


def _time_received(page):
    group = page.locator("#div_id_received_at")
    return {
        part: group.get_by_label(part, exact=True)
        for part in ("Day", "Month", "Year", "Hour", "Minute")
    }


def test_a_half_typed_time_received_is_autosaved_as_typed_and_shown_again(
    page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    """The time received is GOV.UK's date input (day, month, year, hour, minute). Autosave sends
    its parts; a half-typed time is kept in the draft as typed, shown next to the field with the
    parts missing bordered red, comes back when the page is opened again, and once whole it is
    saved and the step moves on."""
    consultation = _prepared(practitioner, rugby_family)
    signed_in(page, live_server, practitioner)
    page.goto(_url(live_server, consultation, "caller/"))
    status = page.locator("[data-autosave-status]")
    parts = _time_received(page)
    assert_accessible(page, "caller step, the time received filled")

    parts["Year"].fill("20")
    parts["Hour"].fill("")
    parts["Minute"].fill("")
    expect(status).to_contain_text("Not saved: When was it received?", timeout=12_000)
    error = page.locator("#div_id_received_at .govuk-error-message")
    expect(error).to_contain_text("When it was received must include an hour and a minute")
    expect(parts["Hour"]).to_have_class(re.compile(r"govuk-input--error"))
    expect(parts["Minute"]).to_have_class(re.compile(r"govuk-input--error"))
    expect(parts["Day"]).not_to_have_class(re.compile(r"govuk-input--error"))
    assert_accessible(page, "caller step, a half-typed time received")
    consultation.refresh_from_db()
    assert consultation.typed_not_saved["received_at"][2:] == ["20", "", ""]

    # Opened again (a reload, or another day): the parts come back as typed, with the message.
    page.reload()
    parts = _time_received(page)
    expect(parts["Year"]).to_have_value("20")
    expect(parts["Hour"]).to_have_value("")
    expect(page.locator(".govuk-error-summary")).to_contain_text("must include an hour")
    expect(parts["Hour"]).to_have_class(re.compile(r"govuk-input--error"))
    assert_accessible(page, "caller step, a half-typed time received shown again")

    parts["Day"].fill("20")
    parts["Month"].fill("11")
    parts["Year"].fill("2026")
    parts["Hour"].fill("16")
    parts["Minute"].fill("05")
    expect(status).to_contain_text("Saved at", timeout=12_000)
    expect(error).to_have_count(0)
    expect(parts["Hour"]).not_to_have_class(re.compile(r"govuk-input--error"))
    page.get_by_role("link", name="Children and household").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children and household")
    consultation.refresh_from_db()
    assert consultation.typed_not_saved == {}
    assert timezone.localtime(consultation.received_at).strftime("%d/%m/%Y %H:%M") == (
        "20/11/2026 16:05"
    )


def test_without_javascript_the_time_received_is_checked_next_to_the_field(
    no_js_page,
    live_server,
    practitioner,
    rugby_family,
    framework,
):
    page = no_js_page
    consultation = _prepared(practitioner, rugby_family)
    signed_in(page, live_server, practitioner)
    page.goto(_url(live_server, consultation, "caller/"))
    parts = _time_received(page)
    parts["Month"].fill("13")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator("#div_id_received_at .govuk-error-message")).to_contain_text(
        "must be a real day and time"
    )
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_received_at_1")
    parts = _time_received(page)
    expect(parts["Month"]).to_have_value("13")
    expect(parts["Month"]).to_have_class(re.compile(r"govuk-input--error"))
    # (axe needs JavaScript: the error state is checked by the autosave test above.)
    parts["Month"].fill("11")
    parts["Year"].fill("2026")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children and household")
