import datetime
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import Person
from spectrum.models import Indicator, SpectrumDecision
from spectrum.selectors import framework_current
from spectrum.services import framework_v1_ensure, spectrum_decision_record
from tests.browser.conftest import assert_accessible, signed_in

pytestmark = pytest.mark.browser


@pytest.fixture
def child(transactional_db):
    # The transactional database is flushed between tests, taking the migration's data with it.
    framework_v1_ensure()
    return Person.objects.create(
        given_name="Ava",
        family_name="Morgan",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 9),
    )


def checkbox(page, code):
    pk = Indicator.objects.get(framework=framework_current(), code=code).pk
    return page.locator(f"input[name=indicators][value='{pk}']")


def tick(page, code):
    """Tick an indicator, opening its domain first: domains are collapsed until needed."""
    box = checkbox(page, code)
    details = page.locator("details", has=box)
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    box.check()


def item(page, code):
    return page.locator("[data-spectrum-indicator]").filter(has=checkbox(page, code))


def test_with_javascript_the_picker_filters_as_you_type_and_records_a_decision(
    page, live_server, practitioner, child
):
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/spectrum/children/{child.pk}/decision/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spectrum of Support decision")
    expect(page.locator("summary", has_text="Health").first).to_be_visible()
    assert_accessible(page, "picker, empty")

    page.get_by_label("Filter indicators by keyword or level of need").press_sequentially(
        "targeted", delay=20
    )

    expect(page.locator("[data-spectrum-need-hint]")).to_contain_text(
        "“targeted” means Family Help"
    )
    expect(item(page, "FH-EDUCATION-01")).to_be_visible()
    expect(item(page, "U-HEALTH-01")).to_be_hidden()
    expect(page.locator("[data-spectrum-status]")).to_have_text(
        re.compile(r"^Showing \d+ of 129 indicators$")
    )
    assert_accessible(page, "picker, filtered by need language")

    tick(page, "FH-EDUCATION-01")
    page.get_by_label("Filter indicators by keyword or level of need").fill("")
    page.get_by_label("Filter indicators by keyword or level of need").press_sequentially(
        "attendance", delay=20
    )
    expect(item(page, "FH-EDUCATION-01")).to_be_visible()  # ticked: stays in view
    expect(item(page, "U-HEALTH-01")).to_be_hidden()
    # The button still asks the server, as it does without JavaScript (axe needs JavaScript, so
    # the page the server filters is checked here).
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(checkbox(page, "FH-EDUCATION-01")).to_be_checked()
    expect(item(page, "U-HEALTH-01")).to_be_hidden()
    expect(page.get_by_label("Filter indicators by keyword or level of need")).to_have_value(
        "attendance"
    )
    assert_accessible(page, "picker, filtered on the server with a tick kept")
    page.get_by_label("Filter indicators by keyword or level of need").fill("")
    expect(page.locator("[data-spectrum-status]")).to_have_text(
        "Showing all 129 indicators, 1 selected"
    )
    tick(page, "ES-HEALTH-01")
    page.get_by_role("button", name="Suggest a level").click()

    expect(page.get_by_test_id("suggestion")).to_contain_text("Suggested level: Family Help")
    expect(checkbox(page, "FH-EDUCATION-01")).to_be_checked()
    page.get_by_label("Early Support", exact=True).check()
    page.get_by_role("button", name="Record decision").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Explain why you decided on Early Support when the suggested level is Family Help"
    )
    assert page.title().startswith("Error: ")
    expect(checkbox(page, "FH-EDUCATION-01")).to_be_checked()
    expect(checkbox(page, "ES-HEALTH-01")).to_be_checked()
    expect(page.get_by_label("Early Support", exact=True)).to_be_checked()
    assert_accessible(page, "picker, with an error")

    page.get_by_label("Why have you decided on this level?").fill(
        "The school has put attendance support in place and the family agreed to it."
    )
    page.get_by_role("button", name="Record decision").click()

    page.wait_for_url(re.compile(r"/decisions/(#.*)?$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Decision recorded: Early Support"
    )
    expect(page.get_by_test_id("decision")).to_contain_text("The school has put attendance support")
    assert_accessible(page, "decision history, filled")
    decision = SpectrumDecision.objects.get()
    assert (decision.suggested_level, decision.decided_level) == ("FAMILY_HELP", "EARLY_SUPPORT")


def test_without_javascript_the_filter_button_suggestion_and_decision_all_work(
    no_js_page, live_server, practitioner, child
):
    page = no_js_page
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/spectrum/children/{child.pk}/decision/?q=child+in+need")

    expect(page.locator("[data-spectrum-need-hint]")).to_contain_text(
        "“child in need” means Family Help"
    )
    expect(item(page, "U-HEALTH-01")).to_be_hidden()
    tick(page, "FH-HEALTH-01")
    page.get_by_label("Filter indicators by keyword or level of need").fill("housing")
    page.get_by_role("button", name="Filter").click()

    expect(checkbox(page, "FH-HEALTH-01")).to_be_checked()
    expect(item(page, "ES-HOUSING_FINANCE-01")).to_be_visible()
    expect(item(page, "ES-HEALTH-01")).to_be_hidden()
    tick(page, "ES-HOUSING_FINANCE-01")
    page.get_by_role("button", name="Suggest a level").click()

    expect(page.get_by_test_id("suggestion")).to_contain_text("Suggested level: Family Help")
    page.get_by_label("Family Help", exact=True).check()
    page.get_by_role("button", name="Record decision").click()

    page.wait_for_url(re.compile(r"/decisions/(#.*)?$"))
    expect(page.get_by_test_id("decision")).to_contain_text("Agreed with the suggested level")
    assert SpectrumDecision.objects.get().decided_level == "FAMILY_HELP"


def test_a_manager_reads_the_history_authorises_and_reviews_consistency(
    page, live_server, fc_manager, practitioner, child
):
    framework = framework_current()
    spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[Indicator.objects.get(framework=framework, code="ES-HEALTH-01").pk],
        decided_level="UNIVERSAL",
        rationale="Health visitor already involved; no further help needed.",
        decided_by=practitioner,
    )
    signed_in(page, live_server, fc_manager)

    page.goto(f"{live_server.url}/spectrum/consistency/?date_from=1/1/2020&date_to=2/1/2020")
    expect(page.get_by_test_id("summary")).to_have_text("No decisions were made in this period.")
    assert_accessible(page, "consistency, empty")
    page.goto(f"{live_server.url}/spectrum/consistency/?date_from=31/2/2026&date_to=1/1/2020")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real date")
    assert_accessible(page, "consistency, with an error")
    page.get_by_role("link", name="Spectrum consistency").click()
    expect(page.get_by_test_id("summary")).to_contain_text("1 decision; 1 (100%) differed")
    expect(page.get_by_test_id("indicator-table")).to_contain_text("ES-HEALTH-01")
    assert_accessible(page, "consistency, filled")

    page.goto(f"{live_server.url}/spectrum/children/{child.pk}/decisions/")
    assert_accessible(page, "decision history before authorising")
    page.get_by_role("button", name="Authorise this decision").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("authorised")
    expect(page.get_by_test_id("decision")).to_contain_text("Martin Okafor")
    assert_accessible(page, "decision history after authorising")


def test_a_decision_history_with_no_decisions_is_accessible(page, live_server, practitioner, child):
    signed_in(page, live_server, practitioner)

    page.goto(f"{live_server.url}/spectrum/children/{child.pk}/decisions/")

    expect(page.get_by_test_id("no-decisions")).to_be_visible()
    assert_accessible(page, "decision history, empty")


PARITY_QUERIES = [
    "targeted",
    "child in need",
    "attendance",
    "tar",
    "housing damp",
    "ES-HEALTH",
    "s.47",
    "Tier 2",
]
SHOWN = "els => els.filter(el => !el.closest('.govuk-\\\\!-display-none')).map(el => el.value)"


def test_filtering_as_you_type_shows_exactly_what_the_server_filter_shows(
    page, live_server, practitioner, child
):
    signed_in(page, live_server, practitioner)
    url = f"{live_server.url}/spectrum/children/{child.pk}/decision/"
    hint = page.locator("[data-spectrum-need-hint]")
    status = page.locator("[data-spectrum-status]")

    for query in PARITY_QUERIES:
        page.goto(url)
        page.get_by_label("Filter indicators by keyword or level of need").fill(query)
        expect(status).not_to_have_text("Showing all 129 indicators")
        in_browser = (
            page.locator("input[name=indicators]").evaluate_all(SHOWN),
            hint.inner_text().strip(),
            status.inner_text().strip(),
        )
        page.goto(f"{url}?{urlencode({'q': query})}")
        on_server = (
            page.locator("input[name=indicators]").evaluate_all(SHOWN),
            hint.inner_text().strip(),
            status.inner_text().strip(),
        )

        assert in_browser == on_server, query
