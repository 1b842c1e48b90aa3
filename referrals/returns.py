"""The front door's part of the statutory returns, registered with ``returns.providers``
(docs/returns.md): each referral's CIN census source, and the contacts for Annex A list 1."""

from datetime import date

from django.utils import timezone

from referrals.models import CIN_REFERRAL_SOURCE, ConsultationChild, ConsultationStatus


def referral_sources(referral_ids) -> dict:
    rows = ConsultationChild.objects.filter(pk__in=list(referral_ids)).values_list(
        "pk", "consultation__caller_agency_type"
    )
    return {pk: CIN_REFERRAL_SOURCE.get(agency, "10") for pk, agency in rows}


def contacts(start: date, end: date):
    """One row per child named in a contact: a completed or decided consultation received in
    the window (a draft call never finished is not a contact)."""
    rows = (
        ConsultationChild.objects.filter(
            consultation__received_at__date__gte=start,
            consultation__received_at__date__lte=end,
        )
        .exclude(consultation__status=ConsultationStatus.DRAFT)
        .order_by("consultation__received_at", "pk")
        .values_list("child_id", "consultation__received_at", "consultation__caller_agency_type")
    )
    for child_id, received_at, agency in rows.iterator(chunk_size=5000):
        yield child_id, timezone.localdate(received_at), CIN_REFERRAL_SOURCE.get(agency, "10")
