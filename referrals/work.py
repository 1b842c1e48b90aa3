"""The consultations and levels of need shown on a child's chronology and household page
(registered with ``people.work`` in ReferralsConfig.ready; docs/front-door.md)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from people.work import WorkItem
from referrals.models import ConsultationChild
from referrals.selectors import consultations_visible_to
from spectrum.models import SpectrumDecision


def consultation_work(*, user, person_ids) -> list[WorkItem]:
    """One row per child per consultation the user may open: reference, date received, outcome.
    One query."""
    links = (
        ConsultationChild.objects.filter(
            child_id__in=person_ids,
            consultation__in=consultations_visible_to(user=user),
        )
        .select_related("consultation")
        .order_by("-consultation__received_at")
    )
    items = []
    for link in links:
        consultation = link.consultation
        outcome = link.get_outcome_display() if link.outcome else "no outcome yet"
        items.append(
            WorkItem(
                person_id=link.child_id,
                occurred_at=consultation.received_at,
                kind="Consultation",
                title=f"Consultation {consultation.reference}: {outcome}",
                url=reverse("referrals:consultation-record", args=[consultation.pk]),
            )
        )
    return items


def level_work(*, user, person_ids) -> list[WorkItem]:
    """One row per level of need decided, linked to the consultation it was decided in when the
    user may open that consultation. One query."""
    decisions = (
        SpectrumDecision.objects.filter(person_id__in=person_ids)
        .annotate(
            consultation_open=Exists(
                consultations_visible_to(user=user).filter(pk=OuterRef("consultation_id"))
            )
        )
        .order_by("-decided_at")
    )
    items = []
    for decision in decisions:
        url = ""
        if decision.consultation_id and decision.consultation_open:
            url = reverse("referrals:consultation-record", args=[decision.consultation_id])
        items.append(
            WorkItem(
                person_id=decision.person_id,
                occurred_at=decision.decided_at,
                kind="Level of need",
                title=f"Level of need decided: {decision.get_decided_level_display()}",
                url=url,
            )
        )
    return items


def consultation_for_network_referral(*, request, consultation_id):
    """The consultation a Family Network Meeting referral is made from (registered with
    ``plans.sources`` in ReferralsConfig.ready): opened through ``consultation_get_for_user``,
    which writes one access-log row per child it names."""
    from plans.sources import ConsultationSource
    from referrals.selectors import consultation_get_for_user, consultation_links

    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    return ConsultationSource(
        pk=consultation.pk,
        reference=consultation.reference,
        children=tuple(link.child for link in consultation_links(consultation=consultation)),
        url=reverse("referrals:consultation", args=[consultation.pk]),
    )
