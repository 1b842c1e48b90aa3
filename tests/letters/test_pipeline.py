"""The letter job: written with the decision, claimed once, delivered once over real SMTP (the
aiosmtpd sink), retried when the mail server is down, failed visibly after three attempts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from consent.models import SharingRecord
from letters.models import EmailStatus, Letter, LetterStatus
from letters.services import letter_job_work, letters_sweep
from referrals.models import Outcome
from tests.letters.conftest import PROFESSIONAL


@pytest.fixture
def smtp(settings, smtp_sink):
    """Send through the real SMTP sink instead of Django's test outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        smtp_sink.port,
        5,
    )
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
    settings.LETTER_RETRY_BASE_SECONDS = 0
    return smtp_sink


def test_the_decision_and_its_letter_job_are_written_together(decide):
    consultation = decide(Outcome.ADVICE)

    letter = consultation.letters.get()

    assert (letter.version, letter.status, letter.audience) == (1, "QUEUED", "PROFESSIONAL")
    assert letter.emails.get().status == EmailStatus.QUEUED
    assert letter.due_at is not None


def test_a_letter_is_rendered_stored_and_emailed_once_with_its_idempotency_key(decide, smtp):
    letter = decide(Outcome.ADVICE).letters.get()

    first = letter_job_work(letter_id=letter.pk)
    second = letter_job_work(letter_id=letter.pk)

    letter.refresh_from_db()
    email = letter.emails.get()
    assert (first.outcome, second.outcome) == ("done", "nothing to do")
    assert letter.status == LetterStatus.SENT and letter.pdf_sha256 and letter.lease_token is None
    assert (email.status, email.receipt_confirmed) == (EmailStatus.SENT, True)
    assert email.smtp_reply.startswith("250")
    [received] = smtp.messages()
    assert received["message_id"] == email.message_id
    assert received["key"] == f"{letter.pk}/1/1" == email.idempotency_key
    assert received["to"] == [PROFESSIONAL["caller_email"]]
    assert "/letters/download/" in received["raw"]
    sharing = SharingRecord.objects.get(source_type="letter", source_id=str(letter.pk))
    assert sharing.agency == "Oakfield Primary School" and sharing.decision == "SHARED"


def test_two_children_write_one_sharing_row_each(decide, smtp):
    letter = decide(Outcome.ADVICE, children=("child", "teenager")).letters.get()

    letter_job_work(letter_id=letter.pk)

    assert SharingRecord.objects.filter(source_id=str(letter.pk)).count() == 2


def test_a_caller_without_email_gets_a_letter_to_print_and_post(decide, smtp):
    letter = decide(Outcome.ADVICE, caller={**PROFESSIONAL, "caller_email": ""}).letters.get()

    letter_job_work(letter_id=letter.pk)

    letter.refresh_from_db()
    assert letter.status == LetterStatus.PRINT and letter.pdf_bytes > 1000
    assert "print the letter and post it" in letter.status_reason
    assert smtp.messages() == []
    assert SharingRecord.objects.filter(source_id=str(letter.pk)).count() == 1


def test_the_attachment_setting_attaches_the_pdf_instead_of_a_link(decide, smtp, settings):
    settings.LETTER_DELIVERY = "attachment"
    letter = decide(Outcome.ADVICE).letters.get()

    letter_job_work(letter_id=letter.pk)

    [received] = smtp.messages()
    assert "application/pdf" in received["raw"] and "/letters/download/" not in received["raw"]


def _left_submitted_by_a_dead_worker(letter) -> None:
    Letter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    letter.emails.update(status=EmailStatus.SUBMITTED)
    # It had no PDF in this arrangement; give it one as the dead worker would have.
    from letters.pdf import letter_render

    rendered = letter_render(letter=letter)
    Letter.objects.filter(pk=letter.pk).update(
        pdf=rendered.pdf, pdf_sha256=rendered.sha256, rendered_at=timezone.now()
    )


def test_an_email_the_last_worker_had_submitted_is_never_sent_again(
    decide, smtp, fc_manager, django_capture_on_commit_callbacks
):
    letter = decide(Outcome.ADVICE).letters.get()
    _left_submitted_by_a_dead_worker(letter)

    with django_capture_on_commit_callbacks(execute=True):
        letter_job_work(letter_id=letter.pk)

    email = letter.emails.get()
    assert (email.status, email.receipt_confirmed) == (EmailStatus.SENT, False)
    assert [message["to"] for message in smtp.messages()] == [[fc_manager.email]]


def test_an_unconfirmed_email_is_shown_on_the_letter_and_the_managers_are_told_once(
    decide, smtp, fc_manager, client_for, django_capture_on_commit_callbacks
):
    letter = decide(Outcome.ADVICE).letters.get()
    _left_submitted_by_a_dead_worker(letter)

    with django_capture_on_commit_callbacks(execute=True):
        letter_job_work(letter_id=letter.pk)
        letter_job_work(letter_id=letter.pk)  # a second look at the letter tells nobody again

    [notice] = smtp.messages()
    assert notice["to"] == [fc_manager.email]
    assert "may not have arrived" in notice["raw"]
    assert letter.consultation.reference in notice["raw"]
    page = client_for("practitioner").get(
        reverse("letters:consultation", args=[letter.consultation_id])
    )
    assert page.status_code == 200
    assert "This email may not have arrived" in page.content.decode()


def test_an_email_the_last_worker_died_sending_goes_once_when_its_lease_ends(decide, smtp):
    letter = decide(Outcome.ADVICE).letters.get()
    letter.emails.update(status=EmailStatus.SENDING)
    Letter.objects.filter(pk=letter.pk).update(
        status=LetterStatus.SENDING, lease_until=timezone.now() + timedelta(seconds=30)
    )

    busy = letter_job_work(letter_id=letter.pk)
    Letter.objects.filter(pk=letter.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    done = letter_job_work(letter_id=letter.pk)

    assert busy.outcome == "busy" and busy.retry_in > 25
    assert done.outcome == "done"
    assert len(smtp.messages()) == 1


def test_a_mail_server_that_is_down_is_retried_with_backoff(decide, smtp, settings):
    settings.LETTER_RETRY_BASE_SECONDS = 30
    letter = decide(Outcome.ADVICE).letters.get()
    smtp.stop()

    result = letter_job_work(letter_id=letter.pk)

    letter.refresh_from_db()
    assert result.outcome == "retry" and result.retry_in == 30
    assert (letter.status, letter.failures) == (LetterStatus.RENDERED, 1)
    assert "Could not connect" in letter.last_error
    assert letter.emails.get().status == EmailStatus.QUEUED

    smtp.start()
    Letter.objects.filter(pk=letter.pk).update(due_at=timezone.now())
    assert letter_job_work(letter_id=letter.pk).outcome == "done"
    assert len(smtp.messages()) == 1


def test_after_three_failed_attempts_the_letter_fails_and_the_manager_is_told(
    decide, smtp, fc_manager
):
    letter = decide(
        Outcome.ADVICE, caller={**PROFESSIONAL, "caller_email": "head@tempfail.invalid"}
    ).letters.get()

    outcomes = [letter_job_work(letter_id=letter.pk).outcome for _ in range(3)]

    letter.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed"]
    assert letter.status == LetterStatus.FAILED and letter.failures == 3
    assert "451" in letter.last_error
    [alert] = smtp.messages()
    assert alert["to"] == [fc_manager.email] and letter.consultation.reference in alert["subject"]


def test_a_refused_address_fails_at_once(decide, smtp):
    letter = decide(
        Outcome.ADVICE, caller={**PROFESSIONAL, "caller_email": "nobody@reject.invalid"}
    ).letters.get()

    assert letter_job_work(letter_id=letter.pk).outcome == "failed"


def test_the_sweeper_republishes_only_letters_whose_message_was_lost(decide, settings):
    settings.LETTER_SWEEP_GRACE_SECONDS = 60
    stuck = decide(Outcome.ADVICE).letters.get()
    fresh = decide(Outcome.ADVICE).letters.get()
    Letter.objects.filter(pk=stuck.pk).update(due_at=timezone.now() - timedelta(minutes=5))

    swept = letters_sweep()

    # With no broker the republished job runs at once (eagerly); with one it is queued.
    assert swept == {"republished": 1}
    fresh.refresh_from_db()
    assert fresh.status == LetterStatus.QUEUED


def test_without_a_broker_the_letter_is_made_as_the_decision_commits(
    decide, django_capture_on_commit_callbacks, settings
):
    from familyfirst.celery import app

    if not app.conf.task_always_eager:
        pytest.skip("With a broker the job is published; tests/letters/test_worker.py covers it")
    with django_capture_on_commit_callbacks(execute=True):
        consultation = decide(Outcome.ADVICE)

    letter = consultation.letters.get()
    assert letter.status == LetterStatus.SENT
    assert len(mail.outbox) == 1
