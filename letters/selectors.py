from django.db.models import Prefetch, Q
from django.utils import timezone

from letters.models import EmailStatus, LetterEmail
from letters.services import token_hash
from referrals.selectors import consultations_visible_to


def letters_visible_to(*, user):
    from letters.models import Letter

    return Letter.objects.filter(consultation__in=consultations_visible_to(user=user)).defer("pdf")


def letters_for_consultation(consultation) -> list:
    """Every version of the consultation's letter, newest first, with its emails and openings.
    The PDFs themselves are not loaded."""
    return list(
        consultation.letters.defer("pdf")
        .select_related("requested_by")
        .prefetch_related(
            Prefetch(
                "emails",
                queryset=LetterEmail.objects.order_by("sequence").prefetch_related("openings"),
            )
        )
        .order_by("-version")
    )


def letter_email_for_token(token: str):
    """The email whose download link carries this token, or None. Only hashes are stored."""
    if not token or len(token) > 100:
        return None
    return (
        LetterEmail.objects.select_related("letter", "letter__consultation")
        .filter(token_sha256=token_hash(token))
        .first()
    )


def link_is_expired(email, *, now=None) -> bool:
    now = now or timezone.now()
    return email.link_expires_at is None or email.link_expires_at <= now


def newer_email_sent(email):
    """The email that superseded this one's link, or None: a later email sent (accepted by the
    mail server) for the same consultation, whether a resend of the same letter or a newer
    version. Until a newer one has gone, the old link keeps working, so a referrer is never
    left with no working link."""
    letter = email.letter
    return (
        LetterEmail.objects.filter(
            letter__consultation_id=letter.consultation_id, status=EmailStatus.SENT
        )
        .filter(
            Q(letter__version__gt=letter.version)
            | Q(letter_id=letter.pk, sequence__gt=email.sequence)
        )
        .order_by("-sent_at")
        .first()
    )


__all__ = [
    "letter_email_for_token",
    "letters_for_consultation",
    "letters_visible_to",
    "link_is_expired",
    "newer_email_sent",
]
