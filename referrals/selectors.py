from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from accounts import rules
from referrals.clocks import Rag, rag_status
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
)

OPEN_STATUSES = [ConsultationStatus.DRAFT, ConsultationStatus.AWAITING_AUTHORISATION]


def consultations_visible_to(*, user):
    """Family Connect sees every consultation; nobody else does yet (case workers will see those
    that opened a case in their team)."""
    if not rules.can_take_consultations(user):
        return Consultation.objects.none()
    return Consultation.objects.all()


@dataclass(frozen=True)
class QueueRow:
    consultation: Consultation
    rag: Rag
    children: int


def front_door_queue(*, user, practitioner_id=None, status: str = "", now=None) -> list[QueueRow]:
    """Every open consultation, soonest due first, with its clock. A fixed number of queries
    however long the queue."""
    now = now or timezone.now()
    consultations = (
        consultations_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("practitioner")
        .annotate(children_count=Count("children"))
        .order_by("decision_due_at")
    )
    if practitioner_id:
        consultations = consultations.filter(practitioner_id=practitioner_id)
    if status:
        consultations = consultations.filter(status=status)
    amber = timedelta(hours=settings.CLOCK_AMBER_HOURS)
    return [
        QueueRow(
            consultation=c,
            rag=rag_status(due_at=c.decision_due_at, now=now, amber_within=amber),
            children=c.children_count,
        )
        for c in consultations
    ]


def authorisation_queue(*, user):
    if not rules.can_authorise_consultations(user):
        return ConsultationChild.objects.none()
    return (
        ConsultationChild.objects.filter(authorisation=AuthorisationStatus.AWAITING)
        .filter(Q(consultation__in=consultations_visible_to(user=user)))
        .select_related("consultation", "child", "team", "decided_by")
        .order_by("-urgent", "consultation__decision_due_at")
    )


def consultation_children(*, consultation):
    return consultation.children.select_related(
        "child", "team", "suggested_team", "spectrum_decision", "decided_by"
    )


__all__ = ["QueueRow", "authorisation_queue", "consultation_children", "front_door_queue"]
