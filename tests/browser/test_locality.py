import re
from datetime import date

import pytest
from playwright.sync_api import expect

from locality.models import (
    ConcernKind,
    RoutingLevel,
    RoutingRule,
    RoutingRuleChange,
    Team,
    TeamType,
)
from locality.selectors import routing_resolve
from tests.browser.conftest import assert_accessible, signed_in

# The postcode fixtures live with the locality tests; importing them makes them usable here.
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("postcodes")
def test_an_administrator_reads_and_changes_a_routing_rule_and_it_decides_the_next_case(
    page, live_server, administrator
):
    fast = RoutingRule.objects.get(team_type=TeamType.FAST)
    eleven = dict(
        postcode="CV21 2AB",
        level=RoutingLevel.FAMILY_HELP,
        concerns=[ConcernKind.EXPLOITATION],
        date_of_birth=date(2015, 3, 2),
        on=date(2026, 3, 2),
    )
    assert routing_resolve(**eleven).team.slug == "fast-east"
    signed_in(page, live_server, administrator)

    page.goto(f"{live_server.url}/admin/locality/routingrule/")
    expect(page.get_by_role("link", name=fast.name)).to_be_visible()
    assert_accessible(page, "routing rules list")
    page.get_by_role("link", name=fast.name).click()
    assert_accessible(page, "routing rule form")
    page.get_by_label("Reason").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    assert_accessible(page, "routing rule form with an error")
    page.get_by_label("Reason").fill("Only from 12: the FAST pilot changed.")
    page.get_by_label("Minimum age in years").fill("12")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    result = routing_resolve(**eleven)
    assert result.team.slug == "family-help-rugby"
    change = RoutingRuleChange.objects.filter(rule=fast).latest("changed_at")
    assert (change.changed_by, change.before["min_age_years"], change.after["min_age_years"]) == (
        administrator,
        11,
        12,
    )
    page.goto(f"{live_server.url}/admin/locality/routingrulechange/")
    expect(page.locator("#result_list")).to_contain_text("Changed")
    assert_accessible(page, "routing rule change log")
    page.locator("#result_list tbody a").first.click()
    expect(page.locator("main, #content").first).to_contain_text("min_age_years")
    assert_accessible(page, "one routing rule change")


def test_the_routing_rule_add_form_is_accessible_empty(
    page, live_server, administrator, reference_data
):
    signed_in(page, live_server, administrator)

    page.goto(f"{live_server.url}/admin/locality/routingrule/add/")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Add routing rule")
    assert_accessible(page, "routing rule add form")


def test_an_administrator_maintains_a_team_in_accessible_admin_pages(
    page, live_server, administrator, reference_data
):
    signed_in(page, live_server, administrator)

    page.goto(f"{live_server.url}/admin/locality/team/")
    assert_accessible(page, "teams list")
    page.locator("#result_list").get_by_role(
        "link", name="Family Network Service", exact=True
    ).click()
    assert_accessible(page, "team form")
    page.get_by_label("Phone").fill("01926 414148")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert Team.objects.get(slug="family-network-service").phone == "01926 414148"


@pytest.mark.usefixtures("postcodes")
def test_a_practitioner_checks_postcodes_in_every_state(page, live_server, practitioner):
    signed_in(page, live_server, practitioner)

    page.get_by_role("link", name="Check a postcode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a postcode")
    assert_accessible(page, "postcode checker, empty")

    page.get_by_label("Postcode").fill("CV21-2AB")
    page.get_by_role("button", name="Check postcode").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real postcode")
    expect(page.get_by_label("Postcode")).to_have_value("CV21-2AB")
    assert re.match(r"^Error: ", page.title())
    assert_accessible(page, "postcode checker, error")

    for typed, shows in [
        ("cv21 2ab", "Rugby Family Help team"),
        ("CV23", "Stratford-on-Avon, South area"),
        ("CV1 2AA", "E08000026"),
    ]:
        page.get_by_label("Postcode").fill(typed)
        page.get_by_role("button", name="Check postcode").click()
        expect(page.get_by_test_id("postcode-result")).to_contain_text(shows)
        assert_accessible(page, f"postcode checker, {typed}")


@pytest.mark.usefixtures("postcodes")
def test_the_postcode_checker_works_without_javascript(no_js_page, live_server, practitioner):
    signed_in(no_js_page, live_server, practitioner)

    no_js_page.goto(f"{live_server.url}/locality/postcode-checker/")
    no_js_page.get_by_label("Postcode").fill("B94")
    no_js_page.get_by_role("button", name="Check postcode").click()

    expect(no_js_page.get_by_test_id("postcode-result")).to_contain_text("Warwick, South area")
