"""The clock warning is marked sent only once the mail server has taken it: with the SMTP server
down, the consultation stays unwarned and the next sweep, with it back, sends the warning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.services import consultation_start, consultations_clock_sweep
from tests.workers import SmtpSink, free_port


@pytest.fixture
def smtp(settings, tmp_path):
    sink = SmtpSink(free_port(), tmp_path / "sink.jsonl")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
    yield sink
    sink.stop()


def test_a_warning_the_mail_server_refused_is_sent_by_the_next_sweep(
    smtp, practitioner, fc_manager
):
    overdue = consultation_start(
        practitioner=practitioner, received_at=timezone.now() - timedelta(days=5)
    )

    while_down = consultations_clock_sweep()  # nothing listens on the sink's port yet
    overdue.refresh_from_db()
    assert while_down == {"warned": 0, "breached": 1, "unsent": 1}
    assert overdue.escalated_at is None
    assert overdue.breached_at is not None

    smtp.start()
    back_up = consultations_clock_sweep()
    overdue.refresh_from_db()

    assert back_up == {"warned": 1, "breached": 0}
    assert overdue.escalated_at is not None
    [warning] = smtp.messages()
    assert warning["to"] == [fc_manager.email]
    assert overdue.reference in warning["raw"]
