import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, signed_in

pytestmark = pytest.mark.browser


def test_a_practitioner_records_consent_after_a_refusal_beside_the_field(
    page, live_server, practitioner, family
):
    child = family["child"]
    signed_in(page, live_server, practitioner)

    page.goto(f"{live_server.url}/consent/children/{child.pk}/")
    assert_accessible(page, "consent page, nothing recorded")
    page.get_by_role("link", name="Record an answer").click()
    assert_accessible(page, "consent answer form, empty")
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what consent is for")
    assert_accessible(page, "consent answer form, errors")

    page.get_by_label("Agreement to an Early Support or Family Help referral").check()
    page.get_by_label("Given").check()
    page.get_by_label("Joan Dawson").check()
    page.get_by_label("A person with parental responsibility").check()
    page.get_by_label("Verbally").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "not recorded as holding parental responsibility"
    )
    expect(page.get_by_label("Verbally")).to_be_checked()

    page.get_by_label("Claire Dawson").check()
    page.get_by_role("button", name="Save consent").click()

    card = page.get_by_test_id("consent-referral")
    expect(card).to_contain_text("Can go ahead")
    expect(card).to_contain_text("Consent was given by Claire Dawson.")
    assert_accessible(page, "consent page, consent given")


def test_going_ahead_without_consent_is_approved_by_a_second_person(
    browser, live_server, practitioner, fc_manager, family
):
    child = family["child"]
    practitioner_context = browser.new_context(bypass_csp=True)
    manager_context = browser.new_context(bypass_csp=True)
    try:
        page = practitioner_context.new_page()
        signed_in(page, live_server, practitioner)
        page.goto(f"{live_server.url}/consent/children/{child.pk}/without-consent/")
        page.get_by_role("button", name="Record the decision").click()
        assert_accessible(page, "without-consent form, errors")
        page.get_by_label("Agreement to an Early Support or Family Help referral").check()
        page.get_by_label("Seeking consent would increase the risk of harm to the child").check()
        page.get_by_label("Explain the decision").fill(
            "Father is the alleged perpetrator and would be alerted"
        )
        page.get_by_label("Not yet").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_role("alert", name="Success")).to_contain_text(
            "A manager must approve it"
        )

        manager = manager_context.new_page()
        signed_in(manager, live_server, fc_manager)
        manager.goto(f"{live_server.url}/consent/without-consent/")
        assert_accessible(manager, "approval queue")
        manager.get_by_role("link", name="Review the decision about Mia Dawson").click()
        assert_accessible(manager, "approval page")
        manager.get_by_label("I have read the rationale").check()
        manager.get_by_role("button", name="Approve").click()
        expect(manager.locator("main")).to_contain_text("Nothing is waiting.")

        page.goto(f"{live_server.url}/consent/children/{child.pk}/")
        expect(page.get_by_test_id("consent-referral")).to_contain_text("Can go ahead")
    finally:
        practitioner_context.close()
        manager_context.close()
