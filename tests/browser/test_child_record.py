"""Issue 19, points 2 and 7 in the browser: the household picker for relationships from the
children step, and the work on the child's record, accessible in every state."""

import pytest
from playwright.sync_api import expect

from referrals.services import consultation_child_add, consultation_start
from tests.browser.conftest import assert_accessible, signed_in
from tests.cases.conftest import refer, rugby_case  # noqa: F401 - fixtures
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.referrals.helpers import fill_in_the_call

pytestmark = pytest.mark.browser


def test_a_relationship_is_picked_from_the_household_and_saving_returns_to_the_step(
    page,
    live_server,
    practitioner,
    rugby_family,  # noqa: F811
):
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose="REFERRAL")
    for child in (rugby_family["child"], rugby_family["teenager"]):
        consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/children/")

    page.get_by_role("link", name=f"Add a relationship for {rugby_family['teenager']}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add a relationship")
    expect(page.get_by_text("Person ID")).to_have_count(0)
    assert_accessible(page, "relationship picker, empty")

    page.get_by_label("The other person is this person's").select_option("SIBLING")
    page.get_by_role("button", name="Save and return to the children").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the other person is")
    expect(page.get_by_label("The other person is this person's")).to_have_value("SIBLING")
    assert_accessible(page, "relationship picker, error")

    page.get_by_label(str(rugby_family["child"])).check()
    assert_accessible(page, "relationship picker, filled")
    page.get_by_role("button", name="Save and return to the children").click()
    expect(page.get_by_role("heading", name="Children in this consultation")).to_be_visible()
    expect(page.get_by_test_id("message-success")).to_contain_text("Relationship between")


def test_the_childs_record_and_household_show_the_work_with_links(
    page,
    live_server,
    practitioner,
    rugby_case,  # noqa: F811
    rugby_family,  # noqa: F811
):
    mother = rugby_family["mother"]
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/people/{mother.pk}/")
    expect(page.get_by_test_id("work")).to_contain_text("No consultations, levels of need or cases")
    assert_accessible(page, "person page, no work yet")

    child = rugby_case.child
    reference = rugby_case.opened_by.consultation.reference
    page.goto(f"{live_server.url}/people/{child.pk}/")
    work = page.get_by_test_id("work")
    expect(work).to_contain_text("Level of need decided")
    expect(work).to_contain_text(f"{rugby_case.team} case")
    assert_accessible(page, "person page with the work")

    page.goto(f"{live_server.url}/people/{child.pk}/household/")
    expect(page.get_by_test_id("work")).to_contain_text(str(child))
    assert_accessible(page, "household page with the work")
    page.get_by_test_id("work").get_by_role("link", name=f"Consultation {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The consultation as recorded")
    expect(page.get_by_text(reference).first).to_be_visible()
