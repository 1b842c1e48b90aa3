import pytest
from playwright.sync_api import expect

from people.models import RestrictionCategory
from tests.browser.conftest import assert_accessible, signed_in
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.browser


def test_break_glass_and_its_review_are_accessible_in_every_state(
    browser, browser_context, page, live_server, practitioner, fc_manager
):
    child = PersonFactory(
        given_name="Ottilie",
        family_name="Brandwood",
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
        created_by=fc_manager,
    )
    signed_in(page, live_server, practitioner)

    page.goto(f"{live_server.url}/people/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page, "a restricted record's 404, offering break-glass")

    page.get_by_role("link", name="Ask for emergency (break-glass) access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Emergency access to a record")
    expect(page.locator("main")).not_to_contain_text("Ottilie")
    assert_accessible(page, "break-glass form")

    page.get_by_label("Explain what you need it for").fill("School on the phone: a disclosure")
    page.get_by_role("button", name="Open the record and record my reason").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select why you need this record")
    expect(page.get_by_label("Explain what you need it for")).to_have_value(
        "School on the phone: a disclosure"
    )
    assert_accessible(page, "break-glass form with an error")

    page.get_by_label("The family or a professional is on the phone now").check()
    page.get_by_role("button", name="Open the record and record my reason").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ottilie Brandwood")
    expect(page.locator("main")).to_contain_text("Break-glass access is open until")
    assert_accessible(page, "the record during break-glass")

    manager_context = browser.new_context(locale="en-GB", bypass_csp=True)
    manager = manager_context.new_page()
    signed_in(manager, live_server, fc_manager)
    manager.goto(f"{live_server.url}/people/break-glass/")
    expect(manager.get_by_test_id("break-glass-waiting")).to_contain_text("Ottilie Brandwood")
    assert_accessible(manager, "break-glass uses to review")

    manager.get_by_role("link", name="Review").first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Review a break-glass use")
    manager.get_by_label("Referred to information governance").check()
    manager.get_by_role("button", name="Record review").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text(
        "Say what information governance should look at"
    )
    assert_accessible(manager, "break-glass review with an error")

    manager.get_by_label("Agreed: the access was justified").check()
    manager.get_by_role("button", name="Record review").click()
    expect(manager.locator("main")).to_contain_text("No break-glass use is waiting for review")
    expect(manager.locator("main")).to_contain_text("Agreed: the access was justified")
    assert_accessible(manager, "break-glass uses after a review")

    manager.goto(f"{live_server.url}/people/{child.pk}/restriction/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Restriction")
    assert_accessible(manager, "restriction page")
    manager.get_by_label("Username of the worker who may see this record").fill("no.one")
    manager.get_by_role("button", name="Name this worker").click()
    expect(manager.locator(".govuk-error-summary")).to_contain_text(
        "No active worker has this username"
    )
    assert_accessible(manager, "restriction page with an error")
    manager.get_by_label("Username of the worker who may see this record").fill(
        practitioner.username
    )
    manager.get_by_role("button", name="Name this worker").click()
    expect(manager.get_by_test_id("named-workers")).to_contain_text("Priya Shah")
    manager_context.close()
