"""Family Connect on a consultation: each child's flags on their card, and a referral to a
Family Network Meeting made from the consultation, refused until a person with parental
responsibility agrees, then on the co-ordinator's queue (docs/plans.md). axe on each state."""

import pytest
from playwright.sync_api import expect

from people.models import FlagKind
from plans.services import flag_set
from tests.browser.conftest import assert_accessible, signed_in
from tests.plans.test_consultation import _consent, consultation  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _as(browser, live_server, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    signed_in(page, live_server, user)
    return page


def test_the_front_door_sees_flags_and_refers_children_from_a_consultation(
    browser,
    live_server,
    consultation,  # noqa: F811
    family,
    practitioner,
    fnm_coordinator,
):
    from django.utils import timezone

    mia, leo = family["child"], family["teenager"]
    flag_set(
        person=mia, by=practitioner, kind=FlagKind.YOUNG_CARER, start_date=timezone.localdate()
    )
    _consent(family, mia, practitioner)  # for Mia only: nobody has answered for Leo

    page = _as(browser, live_server, practitioner)
    page.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/")
    mia_card = page.get_by_test_id("child-outcome").filter(has_text="Mia Dawson")
    expect(mia_card.get_by_test_id("child-flags")).to_contain_text("Young carer")
    leo_card = page.get_by_test_id("child-outcome").filter(has_text="Leo Dawson")
    expect(leo_card.get_by_test_id("child-flags")).to_have_count(0)
    assert_accessible(page, "consultation with a child's flags and the referral link")

    page.get_by_role("link", name="Refer for a Family Network Meeting").click()
    expect(page.get_by_label("Mia Dawson")).to_be_checked()
    expect(page.get_by_label("Leo Dawson")).to_be_checked()
    expect(page.get_by_label("The family and the people around them (optional)")).to_contain_text(
        "Claire Dawson: Parent of Mia Dawson"
    )
    assert_accessible(page, "referral from a consultation, prefilled")

    page.get_by_label("Why a Family Network Meeting would help").fill(
        "Their grandmother Joan wants to help with school runs"
    )
    page.get_by_role("button", name="Refer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Leo Dawson:")
    expect(page.get_by_label("Why a Family Network Meeting would help")).to_have_value(
        "Their grandmother Joan wants to help with school runs"
    )
    assert_accessible(page, "referral from a consultation, refused without consent")

    page.get_by_label("Leo Dawson").uncheck()
    page.get_by_role("button", name="Refer").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "Referred to the Family Network Service: Mia Dawson"
    )
    assert_accessible(page, "consultation after the referral")

    coordinator = _as(browser, live_server, fnm_coordinator)
    coordinator.goto(f"{live_server.url}/plans/family-network/")
    queue = coordinator.get_by_test_id("network-queue")
    expect(queue).to_contain_text("Mia Dawson")
    expect(queue.get_by_test_id("from-consultation")).to_contain_text(consultation.reference)
    assert_accessible(coordinator, "co-ordinator queue with a referral from a consultation")
    coordinator.get_by_role("link", name="Mia Dawson").click()
    expect(coordinator.get_by_test_id("network-family")).to_contain_text("Joan Dawson")
    assert_accessible(coordinator, "referral from a consultation, as the co-ordinator sees it")
    assert leo.family_network_referrals.count() == 0


def test_without_javascript_the_front_door_refers_a_child_from_the_consultation(
    no_js_page,
    live_server,
    consultation,  # noqa: F811
    family,
    practitioner,
):
    page = no_js_page
    mia = family["child"]
    _consent(family, mia, practitioner)
    signed_in(page, live_server, practitioner)
    page.goto(f"{live_server.url}/front-door/consultations/{consultation.pk}/")
    page.get_by_role("link", name="Refer for a Family Network Meeting").click()
    page.get_by_label("Leo Dawson").uncheck()
    page.get_by_label("Why a Family Network Meeting would help").fill("Wider family can help")
    page.get_by_role("button", name="Refer").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text("Mia Dawson")
    assert mia.family_network_referrals.get().consultation_id == consultation.pk
