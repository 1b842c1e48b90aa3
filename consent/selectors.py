from django.db.models import Q
from django.utils import timezone

from consent.gate import Answer, Exception_, GateResult, age_band, consent_gate
from consent.models import ConsentException, ConsentRecord, ConsentStatus, SharingRecord
from people.models import Relationship
from people.selectors import parental_responsibility_holder_ids_by_child


def parental_responsibility_holder_ids(*, child, on=None) -> set:
    return parental_responsibility_holder_ids_by_child(child_ids=[child.pk], on=on)[child.pk]


def consent_records_for_child(*, child, purpose=None):
    records = ConsentRecord.objects.filter(child=child).select_related("given_by", "recorded_by")
    return records.filter(purpose=purpose) if purpose else records


def consent_exceptions_for_child(*, child, purpose=None):
    exceptions = ConsentException.objects.filter(child=child).select_related(
        "decided_by", "approved_by"
    )
    return exceptions.filter(purpose=purpose) if purpose else exceptions


def _latest_answer_per_person(records):
    latest = {}
    for record in sorted(records, key=lambda r: r.recorded_at):
        if record.status == ConsentStatus.NOT_SOUGHT:
            continue
        latest[record.given_by_id] = record
    return latest.values()


def _gate(*, child, purpose, holders, records, exceptions, on) -> GateResult:
    """The gate's answer from what is already loaded for one child."""
    answers = [
        Answer(
            status=record.status,
            capacity=record.capacity,
            at=record.withdrawn_at or record.answered_at,
            giver_holds_pr=record.given_by_id in holders,
            giver_name=getattr(record, "giver_label", None) or str(record.given_by),
        )
        for record in _latest_answer_per_person([r for r in records if r.purpose == purpose])
    ]
    decided = [
        Exception_(
            reason=exception.reason,
            approved=exception.approved_by_id is not None,
            at=exception.decided_at,
            reason_label=exception.get_reason_display().lower(),
        )
        for exception in exceptions
        if exception.purpose == purpose
    ]
    band = age_band(
        date_of_birth=child.date_of_birth,
        expected_date_of_birth=child.expected_date_of_birth,
        on=on,
    )
    return consent_gate(purpose=purpose, band=band, answers=answers, exceptions=decided)


def consent_check(*, child, purpose: str, on=None, user=None) -> GateResult:
    """The one answer to "may this go ahead?" for a child and a purpose. Nothing else decides.
    Given the ``user`` it is shown to, its reason names nobody they may not see."""
    on = on or timezone.localdate()
    records = list(consent_records_for_child(child=child, purpose=purpose))
    if user is not None:
        consent_givers_label(user=user, records=records)
    return _gate(
        child=child,
        purpose=purpose,
        holders=parental_responsibility_holder_ids(child=child, on=on),
        records=records,
        exceptions=list(consent_exceptions_for_child(child=child, purpose=purpose)),
        on=on,
    )


HIDDEN_GIVER = "someone whose record is restricted"


def consent_givers_label(*, user, records) -> None:
    """Name who answered as the user may see them: a restricted person the user may not see is
    not named (people.restriction)."""
    from people.restriction import people_hidden_from

    givers = {record.given_by_id for record in records if record.given_by_id}
    hidden = (
        set(people_hidden_from(user=user).filter(pk__in=givers).values_list("pk", flat=True))
        if givers
        else set()
    )
    for record in records:
        record.giver_label = (
            HIDDEN_GIVER if record.given_by_id in hidden else str(record.given_by or "")
        )


def consent_panels_for(*, user, children, on=None) -> dict:
    """The consent panel for several children at once (a consultation's), in four queries: for
    each child id, each purpose with the gate's answer, records and exceptions."""
    from consent.models import Purpose

    on = on or timezone.localdate()
    child_ids = [child.pk for child in children]
    holders = parental_responsibility_holder_ids_by_child(child_ids=child_ids, on=on)
    records = list(
        ConsentRecord.objects.filter(child__in=child_ids).select_related("given_by", "recorded_by")
    )
    consent_givers_label(user=user, records=records)
    exceptions = list(
        ConsentException.objects.filter(child__in=child_ids).select_related(
            "decided_by", "approved_by"
        )
    )
    panels = {}
    for child in children:
        mine = [record for record in records if record.child_id == child.pk]
        theirs = [exception for exception in exceptions if exception.child_id == child.pk]
        panels[child.pk] = [
            {
                "purpose": purpose,
                "label": label,
                "result": _gate(
                    child=child,
                    purpose=purpose,
                    holders=holders[child.pk],
                    records=mine,
                    exceptions=theirs,
                    on=on,
                ),
                "records": [record for record in mine if record.purpose == purpose],
                "exceptions": [exception for exception in theirs if exception.purpose == purpose],
            }
            for purpose, label in Purpose.choices
        ]
    return panels


def exceptions_awaiting_approval():
    return (
        ConsentException.objects.filter(approved_by__isnull=True)
        .exclude(reason="CHILD_PROTECTION")
        .select_related("child", "decided_by")
        .order_by("decided_at")
    )


def sharing_records_for_child(*, child):
    return SharingRecord.objects.filter(person_id=child.pk).select_related("decided_by")


def consent_answerers_for(*, user, child):
    """Who can be chosen as having answered: the child, and everyone recorded as related to them
    whom the user may see (restricted records are left out), PR holders first."""
    from people.selectors import people_visible_to

    related = (
        Relationship.objects.filter(to_person=child)
        .filter(end_date__isnull=True)
        .values("from_person_id")
    )
    holders = parental_responsibility_holder_ids(child=child)
    people = list(
        people_visible_to(user=user)
        .filter(Q(pk=child.pk) | Q(pk__in=related))
        .order_by("family_name", "given_name")
    )
    return sorted(people, key=lambda person: (person.pk not in holders, person.pk == child.pk))


def consent_panel_for(*, user, child):
    """What the consent panel shows for one child: each purpose with the gate's answer."""
    return consent_panels_for(user=user, children=[child])[child.pk]
