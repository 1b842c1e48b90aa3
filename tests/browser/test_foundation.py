import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import PERSONA_PASSWORD
from tests.browser.conftest import (
    assert_accessible,
    current_totp,
    sign_in,
    signed_in,
    wait_out_throttle,
)
from tests.matrix import SIGNED_IN

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_each_persona_signs_in_with_a_security_code_and_every_page_they_can_reach_is_accessible(
    persona, page, live_server, make_persona
):
    user = make_persona(persona)

    sign_in(page, live_server, user)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    assert_accessible(page, f"home for {persona}")
    links = page.locator("nav[aria-label=Menu] a").evaluate_all("links => links.map(a => a.href)")
    for href in links:
        page.goto(href)
        assert_accessible(page, f"{href} for {persona}")


def test_first_sign_in_pairs_an_authenticator_app_from_the_key_on_screen(
    page, live_server, practitioner
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(practitioner.username)
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(r"/sign-in/set-up-authenticator/"))
    assert_accessible(page, "authenticator set-up")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("security code is not right")
    assert_accessible(page, "authenticator set-up with an error")
    device = TOTPDevice.objects.get(user=practitioner)
    shown_key = page.get_by_test_id("totp-key").inner_text().replace(" ", "")
    import base64

    assert base64.b32decode(shown_key) == device.bin_key
    wait_out_throttle(device)
    page.get_by_label("Security code").fill(current_totp(device))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_test_id("role")).to_have_text("Family Connect practitioner")
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_password_is_reported_beside_the_form_and_keeps_the_username(
    page, live_server, practitioner
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(practitioner.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a correct username and password"
    )
    expect(page.get_by_label("Username")).to_have_value(practitioner.username)
    assert_accessible(page, "sign-in with an error")


def test_signing_out_ends_the_session(page, live_server, auditor):
    signed_in(page, live_server, auditor)

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    assert_accessible(page, "signed out")
    page.goto(f"{live_server.url}/audit/access-log/")
    assert "/sign-in/" in page.url


def test_the_idle_warning_appears_before_sign_out_and_staying_signed_in_renews_the_session(
    page, live_server, auditor, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 5
    # The page's timers run on a clock the test moves on, rather than the test waiting 8 s.
    page.clock.install()
    signed_in(page, live_server, auditor)

    banner = page.locator("[data-idle-warning-banner]")
    expect(banner).to_be_hidden()
    page.clock.run_for(3_100)  # 8 s idle less the 5 s warning
    expect(banner).to_be_visible()
    assert_accessible(page, "idle warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(banner).to_be_hidden()
    page.clock.run_for(3_100)
    expect(banner).to_be_visible()
    page.clock.run_for(5_000)
    page.wait_for_url(re.compile(r"/signed-out/\?idle=1"))

    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    expect(page.locator("main")).to_contain_text("30 minutes")


def test_error_pages_are_accessible_and_reveal_nothing(page, live_server, practitioner):
    signed_in(page, live_server, practitioner)

    page.goto(f"{live_server.url}/people/00000000-0000-0000-0000-000000000000/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page, "404 page")
