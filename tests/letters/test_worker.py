"""A real Celery worker on a real Redis sends the letter for a decision to a real SMTP sink."""

import time

import pytest

from letters.models import Letter, LetterStatus
from referrals.models import Outcome

pytestmark = pytest.mark.worker


def _wait_for(condition, *, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_decision_becomes_an_accepted_email_through_the_worker(celery_worker, decide, smtp_sink):
    consultation = decide(Outcome.FAMILY_HELP_ASSESSMENT)
    letter = consultation.letters.get()

    def letters():
        # The receiving team's "new case" email goes through the same worker and sink.
        return [m for m in smtp_sink.messages() if "X-Family-Connect-Letter" in m["raw"]]

    assert _wait_for(lambda: len(letters()) == 1), celery_worker.log.read_text()[-3000:]
    assert _wait_for(lambda: Letter.objects.get(pk=letter.pk).status == LetterStatus.SENT), (
        celery_worker.log.read_text()[-3000:]
    )
    [message] = letters()
    assert message["key"] == f"{letter.pk}/1/1"
