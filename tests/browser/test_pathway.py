"""The issue's journey (docs/pathway.md): the FHLP starts a Family Help Assessment from a case,
fills Situation, Understanding and Plan over two sittings (a new browser between them loses
nothing), adds a chronology event, sees the genogram, submits; the team manager signs it off;
later the FHLP revisits it and the manager compares versions 1 and 2. axe on every page in its
empty, error and filled states; the same journey with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from cases.services import case_accept, case_allocate
from pathway.models import AssessmentVersion, ChronologyEntry, SituationEntry, VersionStatus
from people.models import Relationship
from tests.browser.conftest import assert_accessible, signed_in
from tests.browser.test_spectrum import tick
from tests.cases.conftest import refer, rugby_case  # noqa: F401 - fixtures
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _browser_as(browser, live_server, user, *, javascript: bool):
    context = browser.new_context(
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,
        java_script_enabled=javascript,
    )
    # Generous: the shared test machine is often busy; nothing here waits on a timer.
    context.set_default_timeout(30_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return context, page


def _field(page, name):
    return page.locator(f'[name="{name}"]')


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_an_assessment_is_written_over_two_sittings_signed_off_revisited_and_compared(
    browser,
    live_server,
    rugby_case,  # noqa: F811
    rugby_family,  # noqa: F811
    team_manager,
    rugby_fhlp,
    javascript,
):
    def check(page, label):
        # axe runs in the page's JavaScript: the JavaScript run checks every page and state;
        # the run without it checks that the same journey still works.
        if javascript:
            assert_accessible(page, label)

    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    mia, mother = rugby_family["child"], rugby_family["mother"]

    # First sitting: from the case, start a Family Help Assessment.
    context, fhlp = _browser_as(browser, live_server, rugby_fhlp, javascript=javascript)
    fhlp.goto(f"{live_server.url}/cases/{rugby_case.pk}/")
    expect(fhlp.get_by_test_id("case-assessments")).to_contain_text("No assessment started yet")
    check(fhlp, "case page, no assessment")
    fhlp.get_by_role("link", name="Start an assessment").click()
    check(fhlp, "start, empty")
    fhlp.get_by_role("button", name="Start the assessment").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose the kind of assessment")
    check(fhlp, "start, error")
    fhlp.get_by_label("Family Help Assessment").check()
    fhlp.get_by_role("button", name="Start the assessment").click()
    expect(fhlp.get_by_role("heading", name="Situation", exact=True)).to_be_visible()
    check(fhlp, "situation, empty")

    # Situation: the family's words kept as theirs; a row with a mistake keeps its words.
    _field(fhlp, "situation-now-0-text").fill("Mornings are a battle since we moved")
    _field(fhlp, "situation-now-0-voice").select_option("FAMILY")
    _field(fhlp, "situation-now-0-nature").select_option("OPINION")
    _field(fhlp, "situation-affected-0-text").fill("Mia has been late to school 14 times")
    fhlp.get_by_role("button", name="Save and add more rows").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose who is affected")
    expect(_field(fhlp, "situation-affected-0-text")).to_have_value(
        "Mia has been late to school 14 times"
    )
    check(fhlp, "situation, error")
    _field(fhlp, "situation-affected-0-person").select_option(str(mia.pk))
    _field(fhlp, "context_housing").fill("Rented two-bedroom flat")
    fhlp.get_by_role("button", name="Save and add more rows").click()
    expect(fhlp.get_by_test_id("message-success")).to_contain_text("Situation saved")
    check(fhlp, "situation, filled")
    if javascript:
        # Typed and never submitted: the page saves it as the worker types.
        _field(fhlp, "situation-past-0-text").fill("Two moves of house in a year")
        expect(fhlp.locator("[data-autosave-status]")).to_contain_text("Saved at", timeout=15_000)
    else:
        _field(fhlp, "situation-past-0-text").fill("Two moves of house in a year")
        fhlp.get_by_role("button", name="Save and come back later").click()
        expect(fhlp.get_by_test_id("message-success")).to_contain_text("Saved")
    context.close()  # the browser is closed between the two sittings

    # Second sitting, a new browser: nothing lost.
    context, fhlp = _browser_as(browser, live_server, rugby_fhlp, javascript=javascript)
    fhlp.goto(f"{live_server.url}/cases/{rugby_case.pk}/")
    fhlp.get_by_role("link", name=re.compile("Family Help Assessment")).click()
    check(fhlp, "assessment overview, draft")
    expect(fhlp.get_by_test_id("situation-past")).to_contain_text("Two moves of house in a year")
    expect(fhlp.get_by_test_id("situation-now")).to_contain_text("Mornings are a battle")
    fhlp.get_by_role("link", name="Continue the assessment").click()
    expect(_field(fhlp, "situation-past-0-text")).to_have_value("Two moves of house in a year")
    fhlp.get_by_role("button", name="Save and continue").click()

    # Understanding, resting on the Situation entries.
    check(fhlp, "understanding, empty")
    _field(fhlp, "understanding-keeps_going-0-text").fill("No routine since the moves")
    fhlp.get_by_role("button", name="Save and continue").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose the Situation entries")
    check(fhlp, "understanding, error")
    fhlp.get_by_test_id("row-understanding-keeps_going-0").get_by_label(
        re.compile("Two moves of house")
    ).check()
    fhlp.get_by_role("button", name="Save and continue").click()

    # Plan.
    check(fhlp, "plan, empty")
    _field(fhlp, "plan-0-need").fill("A morning routine agreed with Mia")
    fhlp.get_by_role("button", name="Save and continue").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Say what this should achieve")
    check(fhlp, "plan, error")
    _field(fhlp, "plan-0-outcome").fill("Mia on time four days in five")
    fhlp.get_by_role("button", name="Save and continue").click()

    # Agreement, factors and the Spectrum level.
    check(fhlp, "agreement, empty")
    fhlp.get_by_label("The family agree with the assessment").check()
    fhlp.get_by_role("button", name="Save and continue").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("in their words")
    check(fhlp, "agreement, error")
    fhlp.get_by_label("What the family said about it, in their words").fill("That's us")
    fhlp.get_by_label("Mental health: a parent or carer").check()
    fhlp.get_by_role("button", name="Save and add more rows").click()
    check(fhlp, "agreement, filled")
    # The level, weighed again through the Spectrum picker, which comes back here.
    expect(fhlp.get_by_test_id("spectrum-decisions")).to_contain_text("Not recorded since")
    fhlp.get_by_role("link", name=f"Record the level for {mia}").click()
    check(fhlp, "spectrum picker from the assessment")
    tick(fhlp, "FH-HEALTH-01")
    fhlp.get_by_role("button", name="Suggest a level").click()
    fhlp.get_by_label("Family Help", exact=True).check()
    fhlp.get_by_role("button", name="Record decision").click()
    expect(fhlp.get_by_test_id("spectrum-decisions")).to_contain_text("Family Help")
    expect(fhlp.get_by_label("What the family said about it, in their words")).to_have_value(
        "That's us"
    )
    fhlp.get_by_role("button", name="Save and continue").click()

    # A significant event on the chronology, from the assessment.
    fhlp.get_by_role("link", name="Chronology").first.click()
    check(fhlp, "chronology")
    fhlp.get_by_role("link", name="Add a significant event").click()
    fhlp.get_by_role("button", name="Add event").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter the date it happened")
    check(fhlp, "chronology event, error")
    fhlp.get_by_label("When it happened").fill("03/03/2026")
    fhlp.get_by_label("What happened").fill("Family evicted from their flat")
    fhlp.get_by_label("Source").fill("Housing officer")
    fhlp.get_by_label("Impact on the child").fill("Mia changed school mid-year")
    fhlp.get_by_role("button", name="Add event").click()
    expect(fhlp.get_by_test_id("chronology")).to_contain_text("Family evicted from their flat")
    expect(fhlp.get_by_test_id("chronology")).to_contain_text("Assessment started")
    check(fhlp, "chronology, filled")
    fhlp.get_by_label("Show").select_option("significant")
    fhlp.get_by_role("button", name="Filter").click()
    expect(fhlp.get_by_test_id("chronology")).not_to_contain_text("Assessment started")
    assert ChronologyEntry.objects.filter(case=rugby_case).count() == 1

    # The genogram, with a relationship added from the assessment.
    fhlp.get_by_role("link", name="Back to the assessment").click()
    fhlp.get_by_role("link", name="Genogram and ecomap", exact=True).click()
    expect(fhlp.get_by_test_id("genogram-people")).to_contain_text(str(mother))
    expect(fhlp.locator("[data-testid=genogram] svg")).to_be_visible()
    check(fhlp, "genogram and ecomap")
    fhlp.get_by_role("link", name="Add a relationship").click()
    fhlp.get_by_role("button", name="Add relationship").click()
    check(fhlp, "add relationship, error")
    grandmother = rugby_family["grandmother"]
    fhlp.get_by_label("This person", exact=True).select_option(str(grandmother.pk))
    fhlp.get_by_label("is the").select_option("PARENT")
    fhlp.get_by_label("of this person").select_option(str(mother.pk))
    fhlp.get_by_role("button", name="Add relationship").click()
    expect(fhlp.get_by_test_id("genogram-ties")).to_contain_text(
        f"{grandmother} is the parent of {mother}"
    )
    assert Relationship.objects.filter(from_person=grandmother, to_person=mother).exists()

    # Submit.
    fhlp.get_by_role("link", name="Overview", exact=True).click()
    fhlp.get_by_role("link", name="Submit for sign-off").click()
    check(fhlp, "submit")
    fhlp.get_by_role("button", name="Submit for sign-off").click()
    expect(fhlp.get_by_test_id("assessment-status")).to_contain_text("Submitted for sign-off")
    context.close()

    # The team manager signs it off.
    context, manager = _browser_as(browser, live_server, team_manager, javascript=javascript)
    manager.goto(f"{live_server.url}/cases/{rugby_case.pk}/")
    manager.get_by_role("link", name=re.compile("Family Help Assessment")).click()
    manager.get_by_role("link", name="Sign off or return").click()
    expect(manager.get_by_test_id("spectrum-decisions")).to_contain_text("Family Help")
    check(manager, "sign-off, empty")
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Choose whether to sign")
    check(manager, "sign-off, error")
    manager.get_by_label("Sign it off").check()
    manager.get_by_role("button", name="Save decision").click()
    expect(manager.get_by_test_id("assessment-status")).to_contain_text("Signed off")
    check(manager, "assessment, signed off")
    manager.get_by_role("link", name="Compare versions").first.click()
    expect(manager.get_by_test_id("one-version")).to_be_visible()
    check(manager, "compare, one version")
    context.close()

    # Later, the FHLP revisits it.
    context, fhlp = _browser_as(browser, live_server, rugby_fhlp, javascript=javascript)
    fhlp.goto(f"{live_server.url}/cases/{rugby_case.pk}/")
    fhlp.get_by_role("link", name=re.compile("Family Help Assessment")).click()
    fhlp.get_by_role("link", name="Revisit the assessment").click()
    fhlp.get_by_role("button", name="Start a new version").click()
    check(fhlp, "revisit, error")
    fhlp.get_by_label("What has changed").fill("Mia's father has moved back in")
    fhlp.get_by_role("button", name="Start a new version").click()
    expect(fhlp.get_by_test_id("assessment-status")).to_contain_text("Version 2")
    _field(fhlp, "situation-now-0-text").fill("Mornings are calmer with Dad home")
    fhlp.get_by_role("button", name="Save and come back later").click()
    context.close()
    first = AssessmentVersion.objects.get(assessment__case=rugby_case, number=1)
    assert first.status == VersionStatus.SIGNED_OFF
    # Version 1 is as it was signed off.
    assert SituationEntry.objects.filter(
        version=first, text="Mornings are a battle since we moved"
    ).exists()

    # The manager compares versions 1 and 2.
    context, manager = _browser_as(browser, live_server, team_manager, javascript=javascript)
    manager.goto(f"{live_server.url}/cases/{rugby_case.pk}/")
    manager.get_by_role("link", name=re.compile("Family Help Assessment")).click()
    manager.get_by_role("link", name="Compare versions").first.click()
    expect(manager.get_by_test_id("changes-count")).to_contain_text(
        "1 change between version 1 and version 2"
    )
    changed = manager.locator("[data-change=changed]")
    expect(changed).to_contain_text("Mornings are a battle since we moved")
    expect(changed).to_contain_text("Mornings are calmer with Dad home")
    check(manager, "compare, filled")
    context.close()


def test_the_other_assessment_pages_are_accessible_empty_with_errors_and_filled(
    browser,
    live_server,
    rugby_case,  # noqa: F811
    rugby_family,  # noqa: F811
    team_manager,
    rugby_fhlp,
):
    from pathway.services import (
        assessment_start,
        chronology_entry_record,
        family_copy_work,
        version_sign_off,
        version_submit,
    )
    from tests.pathway.test_services import _fill

    case_accept(case=rugby_case, manager=team_manager)
    case = case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    assessment = assessment_start(
        case=case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    version = _fill(assessment.versions.get(), rugby_fhlp, rugby_family["child"])
    version_submit(version=version, submitted_by=rugby_fhlp)
    version_sign_off(version=version, manager=team_manager)
    entry = chronology_entry_record(
        case=case,
        occurred_on=rugby_case.referral_date,
        what="Referred by the school",
        source="School",
        impact="Support offered",
        by=rugby_fhlp,
    )
    context, fhlp = _browser_as(browser, live_server, rugby_fhlp, javascript=True)
    base = f"{live_server.url}/assessments/{assessment.pk}"

    fhlp.goto(f"{base}/versions/1/")
    expect(fhlp.get_by_test_id("version-summary")).to_contain_text("Signed off")
    assert_accessible(fhlp, "version 1")

    fhlp.goto(f"{base}/family-copy/")
    expect(fhlp.get_by_test_id("family-copies")).to_contain_text("None yet")
    assert_accessible(fhlp, "family copy, empty")
    fhlp.get_by_label("Email it to the family").check()
    fhlp.get_by_role("button", name="Prepare the family's copy").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter who the copy is for")
    assert_accessible(fhlp, "family copy, error")
    fhlp.get_by_label("Print it to give to the family").check()
    fhlp.get_by_label("Who it is for").fill("Claire Dawson")
    fhlp.get_by_role("button", name="Prepare the family's copy").click()
    copy = assessment.versions.get().family_copies.get()
    family_copy_work(copy_id=copy.pk)  # what the worker does (tests/pathway/test_worker.py)
    fhlp.reload()
    expect(fhlp.get_by_test_id("family-copies")).to_contain_text("Ready to print")
    assert_accessible(fhlp, "family copy, filled")
    with fhlp.expect_download() as download:
        fhlp.get_by_role("link", name=re.compile("Download the PDF")).click()
    assert download.value.suggested_filename == "assessment.pdf"

    fhlp.goto(f"{base}/family-map/agencies/new/")
    assert_accessible(fhlp, "agency, empty")
    fhlp.get_by_role("button", name="Add agency").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter the agency's name")
    assert_accessible(fhlp, "agency, error")
    fhlp.get_by_label("Agency").fill("Rugby Food Bank")
    fhlp.get_by_label("Strong, helpful").check()
    fhlp.get_by_role("button", name="Add agency").click()
    expect(fhlp.get_by_test_id("ecomap-ties")).to_contain_text("Rugby Food Bank")
    assert_accessible(fhlp, "ecomap, filled")
    fhlp.get_by_role("link", name="Add someone from the family network").click()
    assert_accessible(fhlp, "family network, empty")
    fhlp.get_by_role("button", name="Add relationship").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose the first person")
    assert_accessible(fhlp, "family network, error")
    grandmother = rugby_family["grandmother"]
    fhlp.get_by_label("This person", exact=True).select_option(str(grandmother.pk))
    fhlp.get_by_label("is the").select_option("PARENT")
    fhlp.get_by_label("of this person").select_option(str(rugby_family["mother"].pk))
    fhlp.get_by_role("button", name="Add relationship").click()
    expect(fhlp.get_by_test_id("ecomap-ties")).to_contain_text(f"{grandmother} (Family network)")

    fhlp.goto(f"{live_server.url}/assessments/cases/{case.pk}/chronology/{entry.pk}/")
    assert_accessible(fhlp, "chronology event, change")
    fhlp.get_by_label("What happened").fill("")
    fhlp.get_by_role("button", name="Save changes").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Say what happened")
    assert_accessible(fhlp, "chronology event, change error")
    fhlp.get_by_role("link", name="Remove this event").click()
    assert_accessible(fhlp, "chronology event, remove")
    fhlp.get_by_role("button", name="Remove it from the chronology").click()
    expect(fhlp.get_by_test_id("chronology")).not_to_contain_text("Referred by the school")
    fhlp.goto(f"{live_server.url}/assessments/cases/{case.pk}/chronology/?since=nonsense")
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Enter a date like")
    assert_accessible(fhlp, "chronology, filter error")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_case_worker_records_someone_new_from_the_family_map(
    browser,
    live_server,
    rugby_case,  # noqa: F811
    rugby_family,  # noqa: F811
    team_manager,
    rugby_fhlp,
    javascript,
):
    """Issue 13: the relationship picker on the family map finds people on the worker's cases
    by name or records someone new in place, tied to a child; the worker comes back to the
    family map, in the assessment."""
    from pathway.services import assessment_start

    case_accept(case=rugby_case, manager=team_manager)
    case = case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    assessment = assessment_start(
        case=case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    context, fhlp = _browser_as(browser, live_server, rugby_fhlp, javascript=javascript)
    check = (lambda label: assert_accessible(fhlp, label)) if javascript else (lambda label: None)
    fhlp.goto(f"{live_server.url}/assessments/{assessment.pk}/family-map/")
    fhlp.get_by_role("link", name="Add a relationship").click()
    check("family map relationship, empty")

    fhlp.get_by_label("Find someone else by name").fill("Tomasz Nowak")
    fhlp.get_by_role("button", name="Search").click()
    expect(fhlp.get_by_test_id("picker-found-count")).to_contain_text("0 possible matches")
    fhlp.get_by_role("button", name="Add them to the family map").click()
    expect(fhlp.locator(".govuk-error-summary")).to_contain_text("Choose how they are related")
    check("family map relationship, someone new with an error")
    expect(fhlp.get_by_label("Given name")).to_have_value("Tomasz")
    fhlp.get_by_label("They are the").select_option("PARTNER_OF_PARENT")
    fhlp.get_by_label("of this child").select_option(str(rugby_family["child"].pk))
    fhlp.get_by_label("They live with the child").check()
    check("family map relationship, someone new filled")
    fhlp.get_by_role("button", name="Add them to the family map").click()

    expect(fhlp.get_by_test_id("genogram-people")).to_contain_text("Tomasz Nowak")
    check("family map with someone new")
    newcomer = Relationship.objects.get(to_person=rugby_family["child"], kind="PARTNER_OF_PARENT")
    assert str(newcomer.from_person) == "Tomasz Nowak"
    context.close()
