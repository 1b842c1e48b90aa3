import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from people.models import RestrictionCategory
from people.services import person_search_names_ensure
from tests.browser.conftest import assert_accessible, signed_in
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.browser


def test_search_before_create_journey_is_accessible_in_every_state(page, live_server, practitioner):
    PersonFactory(
        given_name="Leo",
        family_name="Hart",
        date_of_birth=dt.date(2018, 2, 14),
        postcode="CV21 2AB",
    )
    PersonFactory(
        given_name="Leon",
        family_name="Hart",
        date_of_birth=dt.date(2016, 5, 1),
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
    )
    signed_in(page, live_server, practitioner)

    page.get_by_role("link", name="Find a person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    assert_accessible(page, "empty search")

    page.get_by_label("Name").fill("Leo Hartt")
    page.get_by_label("NHS number").fill("123")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a valid NHS number")
    expect(page.get_by_label("Name")).to_have_value("Leo Hartt")
    assert_accessible(page, "search with an error")

    page.get_by_label("NHS number").fill("")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("matches")).to_contain_text("Leo Hart")
    expect(page.get_by_test_id("matches")).to_contain_text("Family name is like Hart")
    expect(page.get_by_test_id("matches")).to_contain_text(
        "Possible match with a restricted record: ask a manager"
    )
    assert_accessible(page, "search results")

    page.get_by_role("link", name="Add a new person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a new person")
    expect(page.get_by_label("Given name")).to_have_value("Leo")
    assert_accessible(page, "add a person")

    page.get_by_label("Family name").fill("Hart")
    page.locator("#id_date_of_birth_0").fill("14")
    page.locator("#id_date_of_birth_1").fill("2")
    page.locator("#id_date_of_birth_2").fill("2018")
    page.get_by_label("NHS number").fill("485 777 3456")
    page.get_by_role("button", name="Check and add person").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a valid NHS number, like 485 777 3456"
    )
    expect(page.get_by_label("Family name")).to_have_value("Hart")
    assert_accessible(page, "add a person with an error")

    page.get_by_label("NHS number").fill("")
    page.get_by_role("button", name="Check and add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Is this someone already recorded?")
    expect(page.get_by_test_id("matches")).to_contain_text("Same date of birth")
    assert_accessible(page, "possible duplicates")

    page.get_by_label("None of these: add a new person").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Hart")
    assert page.url != f"{live_server.url}/people/search/"
    assert_accessible(page, "new person's page")

    page.get_by_role("link", name="Household timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Household timeline")
    assert_accessible(page, "household timeline")


def test_adding_a_relationship_is_accessible_empty_with_errors_and_filled(
    page, live_server, practitioner
):
    child = PersonFactory(given_name="Mia", family_name="Dawson")
    mother = PersonFactory(given_name="Claire", family_name="Dawson")
    person_search_names_ensure(person=mother)
    signed_in(page, live_server, practitioner)

    page.goto(f"{live_server.url}/people/{child.pk}/relationships/add/")
    expect(page.get_by_test_id("no-candidates")).to_be_visible()
    assert_accessible(page, "add a relationship")
    # The other person is found by name (the people search), never pasted as an ID.
    page.get_by_label("Find someone else by name").fill("Claire Dawson")
    page.get_by_role("button", name="Search").click()
    page.get_by_test_id("picker-found").get_by_role("link", name="Choose Claire Dawson").click()
    expect(page.get_by_label("Claire Dawson")).to_be_checked()
    page.get_by_role("button", name="Add relationship").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select how they are related")
    assert_accessible(page, "add a relationship with errors")

    page.get_by_label("The other person is this person's").select_option("PARENT")
    page.get_by_label("The other person holds parental responsibility for this person").check()
    page.get_by_label("They live together").check()
    page.get_by_role("button", name="Add relationship").click()

    expect(page.get_by_test_id("relationships")).to_contain_text(str(mother))
    expect(page.get_by_test_id("household")).to_contain_text(str(mother))
    assert_accessible(page, "person with a relationship")


def test_a_manager_merges_two_records_and_undoes_it(page, live_server, fc_manager):
    kept = PersonFactory(given_name="Ava", family_name="Morgan", date_of_birth=dt.date(2016, 4, 4))
    duplicate = PersonFactory(
        given_name="Eva", family_name="Morgan", date_of_birth=dt.date(2016, 4, 4)
    )
    signed_in(page, live_server, fc_manager)

    page.goto(f"{live_server.url}/people/{kept.pk}/")
    page.get_by_role("link", name="Merge a duplicate into this record").click()
    expect(page.get_by_text("Eva Morgan")).to_be_visible()
    assert_accessible(page, "merge: choose")
    page.get_by_label("Person ID of the duplicate record").fill("not an id")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a person ID")
    assert_accessible(page, "merge: choose with an error")

    page.get_by_label("Person ID of the duplicate record").fill(str(duplicate.pk))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("table")).to_contain_text("Eva Morgan")
    assert_accessible(page, "merge: compare")
    page.get_by_label("Why are these the same person?").fill("Same school, same date of birth")
    page.get_by_role("button", name="Merge records").click()

    expect(page.get_by_test_id("merge-status")).to_have_text("In effect")
    assert_accessible(page, "merge record")
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.get_by_test_id("merge-status")).to_contain_text(re.compile("Undone by"))
    assert_accessible(page, "merge undone")


def _relationship_journey(page, live_server, child, *, check):
    """The person page's "Add a relationship": the household offered, someone found by name,
    someone new recorded in place, and back to the person page."""
    page.goto(f"{live_server.url}/people/{child.pk}/")
    page.get_by_role("link", name="Add a relationship").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a relationship")
    expect(page.locator("main")).not_to_contain_text("Person ID of the other person")
    check("add a relationship, empty")

    page.get_by_role("button", name="Add relationship").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select who the other person is")
    check("add a relationship, error")

    page.get_by_label("Find someone else by name").fill("Tomasz Nowak")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("picker-found-count")).to_contain_text("0 possible matches")
    page.get_by_label("Family name").fill("")
    page.get_by_role("button", name="Record them and choose them").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the new person's family name"
    )
    expect(page.get_by_label("Given name")).to_have_value("Tomasz")
    check("add a relationship, someone new with an error")
    page.get_by_label("Family name").fill("Nowak")
    page.get_by_role("button", name="Record them and choose them").click()

    expect(page.get_by_label("Tomasz Nowak")).to_be_checked()
    page.get_by_label("The other person is this person's").select_option("PARTNER_OF_PARENT")
    page.get_by_label("They live together").check()
    check("add a relationship, filled")
    page.get_by_role("button", name="Add relationship").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(child))
    expect(page.locator("main")).to_contain_text("Tomasz Nowak")


def test_a_relationship_is_added_from_the_person_page_without_a_person_id(
    page, live_server, practitioner, family
):
    signed_in(page, live_server, practitioner)
    _relationship_journey(
        page, live_server, family["child"], check=lambda label: assert_accessible(page, label)
    )


def test_a_relationship_is_added_from_the_person_page_without_javascript(
    no_js_page, live_server, practitioner, family
):
    signed_in(no_js_page, live_server, practitioner)
    _relationship_journey(no_js_page, live_server, family["child"], check=lambda label: None)
