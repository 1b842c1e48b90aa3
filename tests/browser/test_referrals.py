from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Outcome
from referrals.services import consultation_child_add, consultation_child_decide, consultation_start
from tests.browser.conftest import assert_accessible, signed_in

pytestmark = pytest.mark.browser


def test_a_manager_sees_the_queue_and_authorises_a_decision(
    page, live_server, practitioner, fc_manager, family
):
    consultation_start(practitioner=practitioner, received_at=timezone.now() - timedelta(days=5))
    consultation = consultation_start(practitioner=practitioner)
    consultation.purpose = "REFERRAL"
    consultation.save(update_fields=["purpose"])
    link = consultation_child_add(
        consultation=consultation, child=family["child"], added_by=practitioner
    )
    consultation_child_decide(link=link, outcome=Outcome.SINGLE_AGENCY, decided_by=practitioner)
    signed_in(page, live_server, fc_manager)

    page.get_by_role("link", name="Front-door queue").click()
    expect(page.get_by_test_id("queue")).to_contain_text("Overdue")
    assert_accessible(page, "front-door queue")
    page.get_by_role("link", name="Authorisations").click()
    assert_accessible(page, "authorisation queue")
    page.get_by_role("link", name=f"Review {consultation.reference} for Mia Dawson").click()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose whether to authorise or return it"
    )
    assert_accessible(page, "authorise page with an error")
    page.get_by_label("Authorise").check()
    page.get_by_role("button", name="Save decision").click()

    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        f"Authorised {consultation.reference}"
    )
    expect(page.locator("main")).to_contain_text("Nothing is waiting.")
    assert_accessible(page, "authorisation queue, empty")
