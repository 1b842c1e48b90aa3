"""Consultation feedback letters: one row per version of a consultation's letter, one row per
email that carries it, and one row per time its link was opened.

A ``Letter`` is also the outbox row for the background work: it is written in the same
transaction as the decision, and the Celery task only ever takes its id. Each step (render, send)
is claimed with a conditional update and a lease, so a message delivered twice, or a worker
killed half-way, neither loses the letter nor sends it twice (see ``letters/services.py``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class LetterStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    RENDERING = "RENDERING", "Rendering"
    RENDERED = "RENDERED", "Rendered"
    SENDING = "SENDING", "Sending"
    SENT = "SENT", "Sent"
    OPENED = "OPENED", "Opened"
    FAILED = "FAILED", "Failed"
    # No email address: the letter is rendered and the practitioner prints and posts it.
    PRINT = "PRINT", "Rendered: print and post"
    # Nobody to send it to (an anonymous caller): recorded so the page says why.
    NOT_SENT = "NOT_SENT", "Not sent"


# The letter still needs a worker: rendering it, or an email of it still to go.
OUTSTANDING = [
    LetterStatus.QUEUED,
    LetterStatus.RENDERING,
    LetterStatus.RENDERED,
    LetterStatus.SENDING,
]


class Audience(models.TextChoices):
    PROFESSIONAL = "PROFESSIONAL", "Professional"
    # Members of the public get a version without third-party detail (see letters/content.py).
    PUBLIC = "PUBLIC", "Member of the public"


class Letter(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        "referrals.Consultation", on_delete=models.PROTECT, related_name="letters"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=LetterStatus.choices)
    status_reason = models.CharField(max_length=200, blank=True)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_organisation = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, help_text="Why this version was made")

    # Work bookkeeping: when the next message is due, who holds the work and until when.
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    claims = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200, blank=True)

    queued_at = models.DateTimeField()
    rendering_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        ordering = ["consultation", "-version"]
        indexes = [models.Index(fields=["status", "due_at"], name="letter_outstanding")]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "version"], name="letter_version_once"),
            models.CheckConstraint(
                name="letter_rendered_has_pdf",
                condition=Q(rendered_at__isnull=True) | (Q(pdf__isnull=False) & ~Q(pdf_sha256="")),
            ),
            models.CheckConstraint(
                name="letter_failed_has_reason",
                condition=~Q(status=LetterStatus.FAILED) | ~Q(last_error=""),
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id} letter v{self.version}"


class EmailStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    SENDING = "SENDING", "Sending"
    # The whole message has been written to the SMTP server and only the end-of-data mark is
    # left: from here the server may accept it, so it is never sent again automatically.
    SUBMITTED = "SUBMITTED", "Submitted to the mail server"
    SENT = "SENT", "Accepted by the mail server"
    FAILED = "FAILED", "Failed"


class LetterEmail(models.Model):
    """One email carrying a letter (the first, or a resend), sent at most once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="emails")
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=EmailStatus.choices)
    to_email = models.EmailField()
    message_id = models.CharField(max_length=200, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    attach_pdf = models.BooleanField(default=False)
    # Only the hash of the download link's token is kept; the token itself is only in the email.
    token_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    queued_at = models.DateTimeField()
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    receipt_confirmed = models.BooleanField(
        default=False, help_text="The mail server's reply to the end of the message was read"
    )
    smtp_reply = models.CharField(max_length=300, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["letter", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "sequence"], name="letter_email_once"),
            models.CheckConstraint(
                name="letter_email_sent_has_time",
                condition=~Q(status="SENT") | Q(sent_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.idempotency_key


class LetterOpening(models.Model):
    """Someone followed an email's download link."""

    id = models.BigAutoField(primary_key=True)
    email = models.ForeignKey(LetterEmail, on_delete=models.PROTECT, related_name="openings")
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self):
        return f"{self.email_id} opened at {self.at:%Y-%m-%d %H:%M}"
