"""Writes for feedback letters: creating the letter job with the decision, doing the job in a
worker, resending, regenerating, and recording that a link was opened.

The job's life: ``letter_job_create`` writes a QUEUED letter (and, with an address, a QUEUED
email) in the decision's transaction and publishes its id after commit. ``letter_job_work`` claims
the whole letter with a conditional update and a lease (a token and an expiry), renders and stores
the PDF if it has none, sends each email still to go, and releases the lease. Every write it makes
is conditional on still holding the lease, so a duplicate message or a worker that lost its lease
changes nothing. ``letters_sweep`` republishes letters whose message was lost (Redis keeps nothing
across a restart here) or whose worker died. See familyfirst/delivery.py for why an email is never
sent twice.
"""

import hashlib
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from consent.models import LawfulBasis, SharingDecision
from consent.services import sharing_record
from familyfirst.delivery import DeliveryError, DeliveryUncertain, deliver
from letters.content import is_anonymous_caller, is_public_caller
from letters.models import (
    OUTSTANDING,
    Audience,
    EmailStatus,
    Letter,
    LetterEmail,
    LetterOpening,
    LetterStatus,
)
from referrals.models import Consultation, ConsultationStatus

logger = logging.getLogger(__name__)

ANONYMOUS_REASON = "Not sent: the caller was anonymous, so there is nobody to send it to"
NO_EMAIL_REASON = "No email address for the caller: print the letter and post it"
# A letter whose worker keeps dying (a poison letter that crashes the renderer) stops here.
MAX_CLAIMS = 10


class LetterError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class LeaseLost(Exception):
    """Another worker holds this letter now; stop without writing anything."""


@dataclass(frozen=True)
class WorkResult:
    outcome: str
    retry_in: float | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _message_domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] or "familyconnect.invalid"


def _new_email(*, letter: Letter, requested_by, now) -> LetterEmail:
    sequence = (letter.emails.aggregate(last=Max("sequence"))["last"] or 0) + 1
    email_id = uuid.uuid4()
    return LetterEmail.objects.create(
        id=email_id,
        letter=letter,
        sequence=sequence,
        status=EmailStatus.QUEUED,
        to_email=letter.recipient_email,
        message_id=f"<letter-{email_id}@{_message_domain()}>",
        idempotency_key=f"{letter.pk}/{letter.version}/{sequence}",
        attach_pdf=settings.LETTER_DELIVERY == "attachment",
        requested_by=requested_by,
        queued_at=now,
    )


def letter_job_publish(letter_id, *, countdown: float = 0) -> None:
    """Hand the letter's id to Celery. Safe to call any number of times."""
    from letters.tasks import letter_job_run

    Letter.objects.filter(pk=letter_id).update(due_at=timezone.now() + timedelta(seconds=countdown))
    try:
        letter_job_run.apply_async(args=[str(letter_id)], countdown=countdown or None)
    except Exception:  # the broker is down: the sweeper publishes it again later
        logger.exception("Could not publish letter %s; the sweeper will retry", letter_id)


@transaction.atomic
def letter_job_create(
    *, consultation: Consultation, requested_by, reason: str = "Decision recorded"
) -> Letter:
    """Write the letter job in the caller's transaction (the outbox row) and publish it after
    commit. An anonymous caller gets a row that says why no letter is sent, and no job."""
    # Versions are numbered one at a time per consultation. NO KEY UPDATE, not UPDATE: a worker
    # writing the previous version's row takes a key-share lock on the consultation, and the two
    # must not wait on each other (they deadlocked when a letter was regenerated mid-send).
    consultation = Consultation.objects.select_for_update(no_key=True).get(pk=consultation.pk)
    now = timezone.now()
    previous = consultation.letters.order_by("-version").first()
    anonymous = is_anonymous_caller(consultation)
    letter = Letter.objects.create(
        consultation=consultation,
        version=(previous.version + 1) if previous else 1,
        status=LetterStatus.NOT_SENT if anonymous else LetterStatus.QUEUED,
        status_reason=ANONYMOUS_REASON
        if anonymous
        else ("" if consultation.caller_email else NO_EMAIL_REASON),
        audience=Audience.PUBLIC if is_public_caller(consultation) else Audience.PROFESSIONAL,
        recipient_name="" if anonymous else consultation.caller_name,
        recipient_organisation="" if anonymous else consultation.caller_organisation,
        recipient_email="" if anonymous else consultation.caller_email,
        requested_by=requested_by,
        reason=reason,
        queued_at=now,
        due_at=None if anonymous else now,
    )
    if previous is not None:
        Letter.objects.filter(pk=previous.pk).update(superseded_by=letter)
    if anonymous:
        return letter
    if letter.recipient_email:
        _new_email(letter=letter, requested_by=requested_by, now=now)
    transaction.on_commit(lambda: letter_job_publish(letter.pk))
    return letter


@transaction.atomic
def letter_regenerate(*, consultation: Consultation, requested_by, reason: str = "") -> Letter:
    """A new version from the decision as it stands now; earlier versions are kept."""
    if consultation.status != ConsultationStatus.COMPLETE:
        raise LetterError("The letter can be regenerated once the decision is complete")
    return letter_job_create(
        consultation=consultation,
        requested_by=requested_by,
        reason=reason.strip() or "Regenerated after an amended decision",
    )


@transaction.atomic
def letter_resend(*, letter: Letter, requested_by) -> Letter:
    """Send the letter again in a new email with a new link (or try a failed letter again)."""
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    if letter.status == LetterStatus.NOT_SENT:
        raise LetterError("There is nobody to send this letter to: the caller was anonymous")
    if letter.status in (LetterStatus.QUEUED, LetterStatus.RENDERING, LetterStatus.SENDING):
        raise LetterError("This letter is being produced now: wait for it to finish")
    now = timezone.now()
    if letter.rendered_at is None:
        letter.status = LetterStatus.QUEUED
    elif not letter.recipient_email:
        raise LetterError("There is no email address for the caller: download it and post it")
    else:
        letter.status = LetterStatus.RENDERED
    if letter.recipient_email:
        letter.emails.filter(status=EmailStatus.QUEUED).update(
            status=EmailStatus.FAILED, last_error="Replaced by a resend"
        )
        _new_email(letter=letter, requested_by=requested_by, now=now)
    letter.failures, letter.claims, letter.last_error, letter.failed_at = 0, 0, "", None
    letter.due_at = now
    letter.save(update_fields=["status", "failures", "claims", "last_error", "failed_at", "due_at"])
    transaction.on_commit(lambda: letter_job_publish(letter.pk))
    return letter


@transaction.atomic
def letter_opening_record(*, email: LetterEmail, ip_address: str | None, user_agent: str = ""):
    now = timezone.now()
    opening = LetterOpening.objects.create(
        email=email, ip_address=ip_address or None, user_agent=user_agent[:300]
    )
    LetterEmail.objects.filter(pk=email.pk, opened_at__isnull=True).update(opened_at=now)
    Letter.objects.filter(pk=email.letter_id, opened_at__isnull=True).update(opened_at=now)
    Letter.objects.filter(pk=email.letter_id, status=LetterStatus.SENT).update(
        status=LetterStatus.OPENED
    )
    return opening


# --- the worker's side -----------------------------------------------------------------------


def _lease_free(now) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def _held(letter_id, token):
    """The letter, only while this worker's lease on it is still in force."""
    return Letter.objects.filter(pk=letter_id, lease_token=token, lease_until__gt=timezone.now())


def _extend(letter_id, token) -> None:
    lease = timedelta(seconds=settings.LETTER_LEASE_SECONDS)
    if not _held(letter_id, token).update(lease_until=timezone.now() + lease):
        raise LeaseLost


def _log_sharing(letter: Letter, *, how: str) -> None:
    """One information-sharing row per child for each letter that leaves the system."""
    public = letter.audience == Audience.PUBLIC
    what = (
        f"Consultation feedback letter {letter.consultation.reference}, version {letter.version}"
        + (" (member-of-the-public version, without third-party detail)" if public else "")
        + f", {how}"
    )
    for link in letter.consultation.children.select_related("child"):
        sharing_record(
            what=what,
            agency=letter.recipient_organisation
            or ("Member of the public" if public else "Caller"),
            recipient=" ".join(filter(None, [letter.recipient_name, letter.recipient_email])),
            purpose="Telling the caller the outcome agreed in their consultation",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            decision=SharingDecision.SHARED,
            reason=(
                "The caller is told the outcome of the consultation they made, "
                "limited to what they need to know"
            ),
            decided_by=letter.requested_by,
            child=link.child,
            source_type="letter",
            source_id=letter.pk,
        )


def _render(letter: Letter, token) -> None:
    now = timezone.now()
    if not _held(letter.pk, token).update(status=LetterStatus.RENDERING, rendering_at=now):
        raise LeaseLost
    from letters.pdf import letter_render  # WeasyPrint loads only where letters are rendered

    rendered = letter_render(letter=letter)
    with transaction.atomic():
        pending = letter.emails.filter(
            status__in=[EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SUBMITTED]
        ).exists()
        status = LetterStatus.RENDERED if pending else LetterStatus.PRINT
        if not _held(letter.pk, token).update(
            pdf=rendered.pdf,
            pdf_sha256=rendered.sha256,
            pdf_bytes=len(rendered.pdf),
            title=rendered.title,
            rendered_at=timezone.now(),
            status=status,
        ):
            raise LeaseLost
        if status == LetterStatus.PRINT:
            _log_sharing(letter, how="rendered to be printed and posted by the practitioner")
    letter.refresh_from_db()


def _link_url(token: str) -> str:
    return settings.LETTER_BASE_URL.rstrip("/") + reverse(
        "letters:download", kwargs={"token": token}
    )


def _email_message(letter: Letter, email: LetterEmail, token: str) -> EmailMessage:
    expires_at = email.link_expires_at
    body = render_to_string(
        "letters/email.txt",
        {
            "letter": letter,
            "consultation": letter.consultation,
            "email": email,
            "link": None if email.attach_pdf else _link_url(token),
            "expires_on": timezone.localdate(expires_at) if expires_at else None,
            "service_name": settings.SERVICE_NAME,
        },
    )
    message = EmailMessage(
        subject=f"{settings.SERVICE_NAME}: feedback on consultation {letter.consultation.reference}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers={"Message-ID": email.message_id, "X-Family-Connect-Letter": email.idempotency_key},
    )
    if email.attach_pdf:
        message.attach(
            f"{letter.consultation.reference}-v{letter.version}.pdf",
            bytes(letter.pdf),
            "application/pdf",
        )
    return message


def _record_sent(letter: Letter, email: LetterEmail, *, reply: str, confirmed: bool) -> None:
    """Mark the email sent. Unconfirmed (the server's answer to the end of the message was never
    read), the letter's page says so and the managers are told, once."""
    now = timezone.now()
    with transaction.atomic():
        before = (
            LetterEmail.objects.select_for_update()
            .filter(pk=email.pk)
            .values_list("status", flat=True)
            .first()
        )
        updated = LetterEmail.objects.filter(
            pk=email.pk, status__in=[EmailStatus.SUBMITTED, EmailStatus.SENT]
        ).update(
            status=EmailStatus.SENT,
            sent_at=now,
            receipt_confirmed=confirmed,
            smtp_reply=reply[:300],
        )
        if not updated:
            return
        if not confirmed and before == EmailStatus.SUBMITTED:
            transaction.on_commit(lambda: _notify_managers_of_unconfirmed(email.pk))
        Letter.objects.filter(pk=letter.pk).exclude(status=LetterStatus.OPENED).update(
            status=LetterStatus.SENT
        )
        if Letter.objects.filter(pk=letter.pk, sent_at__isnull=True).update(sent_at=now):
            _log_sharing(letter, how=f"emailed to {email.to_email}")


def _send(letter: Letter, email: LetterEmail, token) -> None:
    if email.status == EmailStatus.SUBMITTED:
        # The last worker died after handing the whole message over: the server may have it.
        _record_sent(
            letter,
            email,
            reply="The worker stopped after handing the message to the mail server; "
            "its reply was not recorded",
            confirmed=False,
        )
        return
    link_token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        _extend(letter.pk, token)
        if not LetterEmail.objects.filter(
            pk=email.pk, status__in=[EmailStatus.QUEUED, EmailStatus.SENDING]
        ).update(
            status=EmailStatus.SENDING,
            sending_at=now,
            token_sha256="" if email.attach_pdf else token_hash(link_token),
            link_expires_at=None
            if email.attach_pdf
            else now + timedelta(days=settings.LETTER_LINK_DAYS),
        ):
            return
        Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SENDING)
    email.refresh_from_db()

    def before_end_of_data():
        with transaction.atomic():
            _extend(letter.pk, token)
            if not LetterEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
                status=EmailStatus.SUBMITTED
            ):
                raise LeaseLost

    try:
        reply = deliver(
            _email_message(letter, email, link_token), before_end_of_data=before_end_of_data
        )
    except DeliveryError:
        # Refused, even at the end of data: the server said no, so it may go again.
        LetterEmail.objects.filter(pk=email.pk, status=EmailStatus.SUBMITTED).update(
            status=EmailStatus.SENDING
        )
        raise
    except DeliveryUncertain as error:
        _record_sent(letter, email, reply=str(error), confirmed=False)
        return
    _record_sent(letter, email, reply=reply, confirmed=True)


def _backoff(failures: int) -> float:
    return settings.LETTER_RETRY_BASE_SECONDS * (4 ** (failures - 1))


def _tell_managers(*, subject: str, message: str, about: str) -> None:
    """Email the Family Connect managers; a failure here is logged, not raised (what they are
    told about already shows on the letter in the app)."""
    managers = list(
        User.objects.filter(role=Role.FC_MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not managers:
        return
    try:
        send_mail(
            subject=subject,
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=managers,
        )
    except Exception:
        logger.exception("Could not tell the managers about %s", about)


def _notify_managers_of_failure(letter_id) -> None:
    letter = Letter.objects.select_related("consultation").defer("pdf").get(pk=letter_id)
    _tell_managers(
        subject=f"Family Connect: letter for {letter.consultation.reference} failed",
        message=(
            f"The feedback letter (version {letter.version}) for consultation "
            f"{letter.consultation.reference} could not be sent after "
            f"{letter.failures} attempts.\n\nLast error: {letter.last_error}\n\n"
            "Open the consultation's letters in Family Connect to resend it, or print and "
            "post it."
        ),
        about=f"letter {letter_id} failing",
    )


def _notify_managers_of_unconfirmed(email_id) -> None:
    email = LetterEmail.objects.select_related("letter__consultation").get(pk=email_id)
    reference = email.letter.consultation.reference
    _tell_managers(
        subject=f"Family Connect: letter for {reference} may not have arrived",
        message=(
            f"The email with the feedback letter (version {email.letter.version}) for "
            f"consultation {reference} was handed to the mail server for {email.to_email}, but "
            f"the server's answer was not recorded: {email.smtp_reply}\n\n"
            "It is not sent again on its own, so that nobody gets it twice. Check with the "
            "caller that it arrived, or resend it from the consultation's letters in Family "
            "Connect."
        ),
        about=f"email {email_id} unconfirmed",
    )


def _record_failure(letter_id, token, error: Exception, *, permanent: bool) -> WorkResult:
    now = timezone.now()
    message = str(error) or error.__class__.__name__
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter_id)
        if letter.lease_token != token:
            return WorkResult("lease lost")
        failures = letter.failures + 1
        give_up = permanent or failures >= settings.LETTER_MAX_FAILURES
        # An email that never reached the end-of-data mark can go again.
        letter.emails.filter(status=EmailStatus.SENDING).update(
            status=EmailStatus.FAILED if give_up else EmailStatus.QUEUED,
            failures=F("failures") + 1,
            last_error=message,
        )
        letter.failures, letter.last_error = failures, message
        letter.lease_token, letter.lease_until = None, None
        if give_up:
            letter.status, letter.failed_at, letter.due_at = LetterStatus.FAILED, now, None
        else:
            letter.status = LetterStatus.RENDERED if letter.rendered_at else LetterStatus.QUEUED
            letter.due_at = now + timedelta(seconds=_backoff(failures))
        letter.save(
            update_fields=[
                "failures",
                "last_error",
                "lease_token",
                "lease_until",
                "status",
                "failed_at",
                "due_at",
            ]
        )
    logger.warning("Letter %s attempt %s failed: %s", letter_id, failures, message)
    if give_up:
        _notify_managers_of_failure(letter_id)
        return WorkResult("failed")
    return WorkResult("retry", retry_in=_backoff(failures))


def letter_job_work(*, letter_id) -> WorkResult:
    """Do whatever the letter still needs. Safe to run any number of times, concurrently."""
    now = timezone.now()
    token = uuid.uuid4()
    lease = timedelta(seconds=settings.LETTER_LEASE_SECONDS)
    claimed = (
        Letter.objects.filter(pk=letter_id, status__in=OUTSTANDING)
        .filter(_lease_free(now))
        .update(lease_token=token, lease_until=now + lease, claims=F("claims") + 1)
    )
    if not claimed:
        current = Letter.objects.filter(pk=letter_id).values("status", "lease_until").first()
        if current is None or current["status"] not in OUTSTANDING:
            return WorkResult("nothing to do")
        # Someone else holds it (or a duplicate message): look again when their lease ends.
        wait = (current["lease_until"] - now).total_seconds() if current["lease_until"] else 0
        return WorkResult("busy", retry_in=max(wait, 0) + 1)
    letter = Letter.objects.select_related("consultation", "requested_by").get(pk=letter_id)
    try:
        if letter.claims > MAX_CLAIMS:
            return _record_failure(
                letter_id,
                token,
                RuntimeError(f"Gave up after the worker stopped {letter.claims - 1} times"),
                permanent=True,
            )
        if letter.rendered_at is None:
            _render(letter, token)
        for email in letter.emails.filter(
            status__in=[EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SUBMITTED]
        ).order_by("sequence"):
            _send(letter, email, token)
        with transaction.atomic():
            held = Letter.objects.select_for_update().filter(pk=letter_id, lease_token=token)
            current = held.first()
            if current is None:
                raise LeaseLost
            still_to_go = current.emails.filter(
                status__in=[EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SUBMITTED]
            ).exists()
            held.update(lease_token=None, lease_until=None, due_at=None if not still_to_go else now)
        return WorkResult("retry", retry_in=0) if still_to_go else WorkResult("done")
    except LeaseLost:
        return WorkResult("lease lost")
    except DeliveryError as error:
        return _record_failure(letter_id, token, error, permanent=error.permanent)
    except Exception as error:
        logger.exception("Letter %s failed", letter_id)
        return _record_failure(letter_id, token, error, permanent=False)


def letters_sweep(*, now=None, limit: int = 500) -> dict:
    """Republish letters whose message was lost or whose worker died. Safe to run twice: a
    duplicate message finds the letter claimed or done and does nothing."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.LETTER_SWEEP_GRACE_SECONDS)
    stuck = (
        Letter.objects.filter(status__in=OUTSTANDING)
        .filter(Q(due_at__lt=now - grace) | Q(due_at__isnull=True))
        .filter(_lease_free(now))
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    republished = 0
    for letter_id in list(stuck):
        letter_job_publish(letter_id)
        republished += 1
    if republished:
        logger.info("Letter sweep: republished %s", republished)
    return {"republished": republished}
