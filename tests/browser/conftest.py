"""Browser tests: Playwright drives Debian's Chromium against the live test server, and every
page visited is checked with axe-core for WCAG 2.0, 2.1 and 2.2 A and AA."""

import os
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from a
# thread with a running loop unless told the caller knows what it is doing.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from conftest import PERSONA_PASSWORD  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists() or not AXE_SCRIPT.exists():
        message = (
            f"Browser tests need {CHROMIUM} (apt-get install chromium) and {AXE_SCRIPT} (npm ci)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(browser, transactional_db):
    # bypass_csp lets the test inject axe-core; the app's own CSP is tested without a browser.
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context) -> Page:
    return browser_context.new_page()


@pytest.fixture
def no_js_page(browser, transactional_db) -> Page:
    context = browser.new_context(locale="en-GB", java_script_enabled=False, bypass_csp=True)
    yield context.new_page()
    context.close()


def assert_accessible(page: Page, label: str = "") -> None:
    """Inject axe-core and fail with a readable list of any WCAG A/AA violation on the page."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    problems = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results["violations"]
    ]
    assert problems == [], f"axe found problems on {label or page.url}:\n" + "\n".join(problems)


def current_totp(device: TOTPDevice) -> str:
    """The code the user's authenticator app would show now, avoiding a code already used."""
    step = device.step
    counter = int(time.time() - device.t0) // step
    if device.last_t is not None and counter <= device.last_t:
        time.sleep(step - (time.time() - device.t0) % step + 0.5)
    return f"{totp(device.bin_key, step=step, t0=device.t0, digits=device.digits):06d}"


def wait_out_throttle(device: TOTPDevice) -> None:
    """django-otp refuses any code for a second (doubling each time) after a wrong one, as a
    person would never notice; a test typing at machine speed must wait like they do."""
    device.refresh_from_db()
    allowed, data = device.verify_is_allowed()
    if not allowed and data and data.get("locked_until"):
        time.sleep(max((data["locked_until"] - timezone.now()).total_seconds(), 0) + 0.2)


def sign_in(page: Page, live_server, user, *, check_accessibility: bool = True) -> None:
    """Sign in through the real pages: password, then the TOTP code from the user's device."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Phone", defaults={"confirmed": True}
    )
    page.goto(f"{live_server.url}/sign-in/")
    if check_accessibility:
        assert_accessible(page, "sign-in page")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PERSONA_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/sign-in/verify/"))
    if check_accessibility:
        assert_accessible(page, "security code page")
    device.refresh_from_db()
    page.get_by_label("Security code").fill(current_totp(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))
