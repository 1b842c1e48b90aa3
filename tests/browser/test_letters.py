import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from familyfirst.celery import app as celery_app
from letters.models import LetterEmail
from letters.services import letter_job_work, letter_resend
from referrals.models import Outcome
from tests.browser.conftest import assert_accessible, signed_in
from tests.letters.conftest import ANONYMOUS, PROFESSIONAL, decide  # noqa: F401 - fixture
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.workers import free_port

pytestmark = pytest.mark.browser


def test_the_letter_status_page_shows_each_state_and_resends(
    page,
    live_server,
    decide,  # noqa: F811
    practitioner,
):
    anonymous = decide(Outcome.ADVICE, caller=ANONYMOUS)
    sent = decide(Outcome.FAMILY_HELP_ASSESSMENT)
    signed_in(page, live_server, practitioner)

    # Queued (empty of times but the queued one) and not sent to an anonymous caller. With no
    # broker (SQLite, no services) the task ran in-process as the decision was recorded.
    page.goto(f"{live_server.url}/letters/consultations/{sent.pk}/")
    expect(page.get_by_test_id("letter-status")).to_have_text(
        "Sent" if celery_app.conf.task_always_eager else "Queued"
    )
    assert_accessible(page, "letters page, queued")
    page.goto(f"{live_server.url}/letters/consultations/{anonymous.pk}/")
    expect(page.get_by_test_id("letters")).to_contain_text("anonymous")
    assert_accessible(page, "letters page, anonymous caller")

    # Failed after three attempts (the error state), then sent.
    with override_settings(  # a mail server that is down: nothing listens on the port
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_TIMEOUT=2,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
    ):
        # With no broker the decision's own task already tries (and retries) in-process.
        failing = decide(
            Outcome.ADVICE, caller={**PROFESSIONAL, "caller_email": "head@school.example.org"}
        )
        for _ in range(3):
            letter_job_work(letter_id=failing.letters.get().pk)
    page.goto(f"{live_server.url}/letters/consultations/{failing.pk}/")
    expect(page.get_by_test_id("letter-status")).to_have_text("Failed")
    assert_accessible(page, "letters page, failed")
    letter_job_work(letter_id=sent.letters.get().pk)
    page.goto(f"{live_server.url}/letters/consultations/{sent.pk}/")
    expect(page.get_by_test_id("letter-status")).to_have_text("Sent")
    assert_accessible(page, "letters page, sent")

    # Sent, but the mail server's receipt was never read (a worker died at the end of the data).
    LetterEmail.objects.filter(letter__consultation=sent).update(receipt_confirmed=False)
    page.reload()
    expect(page.get_by_test_id("email-unconfirmed")).to_contain_text("may not have arrived")
    assert_accessible(page, "letters page, sent without a confirmed receipt")
    LetterEmail.objects.filter(letter__consultation=sent).update(receipt_confirmed=True)

    page.get_by_role("button", name=re.compile("^Resend")).click()

    expect(page.get_by_role("alert", name="Success")).to_contain_text("will be sent again")
    page.get_by_label("What changed in the decision (optional)").fill("New information")
    page.get_by_role("button", name="Regenerate the letter").click()
    expect(page.get_by_test_id("letter-v2")).to_be_visible()
    assert_accessible(page, "letters page, two versions")


def test_a_referrer_with_a_broken_or_expired_link_is_told_how_to_get_a_new_one(
    page,
    live_server,
    decide,  # noqa: F811
):
    consultation = decide(Outcome.FAMILY_HELP_ASSESSMENT)
    letter_job_work(letter_id=consultation.letters.get().pk)

    page.goto(f"{live_server.url}/letters/download/not-a-real-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible(page, "letter link, unknown")

    # The referrer's own link, past its date: it names the reference to quote.
    token = re.search(r"/letters/download/([^/\s]+)/", mail.outbox[-1].body).group(1)
    LetterEmail.objects.filter(letter__consultation=consultation).update(
        link_expires_at=timezone.now() - timedelta(days=1)
    )
    page.goto(f"{live_server.url}/letters/download/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(page.locator("main")).to_contain_text(consultation.reference)
    assert_accessible(page, "letter link, expired")

    # A resend has gone since: the old link says a newer letter was sent.
    letter = consultation.letters.get()
    letter_resend(letter=letter, requested_by=letter.requested_by)
    letter_job_work(letter_id=letter.pk)
    page.goto(f"{live_server.url}/letters/download/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A newer letter was sent")
    expect(page.locator("main")).to_contain_text(consultation.reference)
    assert_accessible(page, "letter link, superseded")
