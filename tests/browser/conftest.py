"""Browser tests: Playwright drives Debian's Chromium against the live test server, and every
page visited is checked with axe-core for WCAG 2.0, 2.1 and 2.2 A and AA."""

import os
import re
import time
from datetime import timedelta
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

from conftest import PERSONA_PASSWORD, verified_client  # noqa: E402

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
    """Inject axe-core and fail with a readable list of any WCAG A/AA violation on the page
    (once the page in hand has loaded: a test checks the page it waited for, not one a click is
    still leaving)."""
    page.wait_for_load_state()
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
    """The code the user's authenticator app shows now.

    django-otp accepts each time step's code once. When this device's code for the current step
    has been used, the test moves the device's clock on a step (its time origin back by one step,
    on the server's copy and the app's alike, as if the phone's clock ran 30 seconds fast),
    rather than waiting for the next step."""
    device.refresh_from_db()
    counter = int(time.time() - device.t0) // device.step
    if device.last_t is not None and counter <= device.last_t:
        device.t0 -= (device.last_t - counter + 1) * device.step
        device.save(update_fields=["t0"])
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wait_out_throttle(device: TOTPDevice) -> None:
    """django-otp refuses any code for a second (doubling each time) after a wrong one, which a
    person typing never notices. The test moves the device's record of the last failure back by
    that delay, as if the person had taken that long to type, instead of sleeping through it."""
    device.refresh_from_db()
    allowed, data = device.verify_is_allowed()
    if not allowed and data and data.get("locked_until"):
        delay = data["locked_until"] - timezone.now() + timedelta(milliseconds=100)
        device.throttling_failure_timestamp -= delay
        device.save(update_fields=["throttling_failure_timestamp"])
        assert device.verify_is_allowed()[0]


def sign_in(page: Page, live_server, user, *, check_accessibility: bool = True) -> None:
    """Sign in through the real pages: password, then the TOTP code from the user's device.
    For the tests about signing in; every other test starts signed in with ``signed_in``."""
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
    page.get_by_label("Security code").fill(current_totp(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))


def signed_in(page: Page, live_server, user) -> None:
    """Start the browser signed in as ``user``, verified with a security code: the session the
    sign-in pages would have made (as django-otp records a verified device), handed to the
    browser as its cookie, then the home page opened. Signing in through the pages is tested by
    tests/browser/test_foundation.py and tests/accounts/test_sign_in.py; doing it in every test
    cost seconds each."""
    session_id = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_id,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    page.goto(f"{live_server.url}/")
    page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))
