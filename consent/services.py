from django.db import transaction
from django.utils import timezone

from accounts import rules
from consent.gate import AgeBand, age_band
from consent.models import (
    Capacity,
    ConsentException,
    ConsentRecord,
    ConsentStatus,
    ExceptionReason,
    FamilyTold,
    Purpose,
    SharingDecision,
    SharingRecord,
    SpecialCategoryCondition,
)
from consent.selectors import parental_responsibility_holder_ids


class ConsentRuleError(Exception):
    """A request the consent rules refuse; ``field`` names the form field it belongs beside."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _check_giver(*, child, given_by, capacity: str, on) -> None:
    band = age_band(
        date_of_birth=child.date_of_birth,
        expected_date_of_birth=child.expected_date_of_birth,
        on=on,
    )
    if capacity == Capacity.PARENTAL_RESPONSIBILITY:
        if given_by.pk not in parental_responsibility_holder_ids(child=child, on=on):
            raise ConsentRuleError(
                f"{given_by} is not recorded as holding parental responsibility for {child}. "
                "Record the relationship first, or choose who gave consent",
                field="given_by",
            )
    elif given_by.pk != child.pk:
        raise ConsentRuleError(
            "Only the child or young person can give their own consent", field="given_by"
        )
    elif capacity == Capacity.YOUNG_PERSON and band not in (AgeBand.AGED_16_17, AgeBand.ADULT):
        raise ConsentRuleError(
            f"{child} is not 16 or 17, so cannot consent as a young person", field="capacity"
        )
    elif capacity == Capacity.GILLICK_COMPETENT_CHILD and band != AgeBand.UNDER_16:
        raise ConsentRuleError("Gillick competence applies to children under 16", field="capacity")


@transaction.atomic
def consent_record_answer(
    *,
    child,
    purpose: str,
    status: str,
    recorded_by,
    given_by=None,
    capacity: str = "",
    method: str = "",
    scope: str = "",
    answered_at=None,
    competence_note: str = "",
) -> ConsentRecord:
    """Record a family member's answer (or that consent has not yet been sought)."""
    if purpose == Purpose.IMMEDIATE_PROTECTION:
        raise ConsentRuleError(
            "Immediate protection does not need consent; record why it was not sought",
            field="purpose",
        )
    if status == ConsentStatus.WITHDRAWN:
        raise ConsentRuleError("Withdraw consent from the record that gave it", field="status")
    now = timezone.now()
    if status != ConsentStatus.NOT_SOUGHT:
        if given_by is None:
            raise ConsentRuleError("Choose who gave or refused consent", field="given_by")
        if not capacity:
            raise ConsentRuleError("Choose in what capacity they answered", field="capacity")
        if not method:
            raise ConsentRuleError("Choose how they answered", field="method")
        if capacity == Capacity.GILLICK_COMPETENT_CHILD and not competence_note.strip():
            raise ConsentRuleError(
                "Explain why the child is judged Gillick competent", field="competence_note"
            )
        _check_giver(child=child, given_by=given_by, capacity=capacity, on=timezone.localdate())
    return ConsentRecord.objects.create(
        child=child,
        purpose=purpose,
        status=status,
        scope=scope,
        given_by=given_by if status != ConsentStatus.NOT_SOUGHT else None,
        capacity=capacity if status != ConsentStatus.NOT_SOUGHT else "",
        method=method if status != ConsentStatus.NOT_SOUGHT else "",
        answered_at=(answered_at or now) if status != ConsentStatus.NOT_SOUGHT else None,
        competence_judged_by=recorded_by if capacity == Capacity.GILLICK_COMPETENT_CHILD else None,
        competence_note=competence_note,
        recorded_by=recorded_by,
    )


@transaction.atomic
def consent_withdraw(
    *, consent: ConsentRecord, withdrawn_by, reason: str, at=None
) -> ConsentRecord:
    """Withdrawal stops further progression for the purpose; the gate sees it at once."""
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.status != ConsentStatus.GIVEN:
        raise ConsentRuleError("Only consent that was given can be withdrawn")
    if not reason.strip():
        raise ConsentRuleError("Enter why consent was withdrawn", field="reason")
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawal_recorded_by = withdrawn_by
    consent.withdrawal_reason = reason.strip()
    consent.save(
        update_fields=["status", "withdrawn_at", "withdrawal_recorded_by", "withdrawal_reason"]
    )
    return consent


@transaction.atomic
def consent_exception_record(
    *,
    child,
    purpose: str,
    reason: str,
    rationale: str,
    decided_by,
    family_told: str,
    family_told_date=None,
    not_told_reason: str = "",
) -> ConsentException:
    if purpose == Purpose.FAMILY_NETWORK_MEETING:
        raise ConsentRuleError(
            "A Family Network Meeting cannot go ahead without consent from a person with parental responsibility",
            field="purpose",
        )
    if purpose == Purpose.IMMEDIATE_PROTECTION and reason != ExceptionReason.CHILD_PROTECTION:
        raise ConsentRuleError(
            "Immediate protection is recorded with the child protection reason", field="reason"
        )
    if not rationale.strip():
        raise ConsentRuleError(
            "Explain why consent was not sought or not needed", field="rationale"
        )
    if family_told == FamilyTold.YES and family_told_date is None:
        raise ConsentRuleError("Enter when the family was told", field="family_told_date")
    if family_told == FamilyTold.NO and not not_told_reason.strip():
        raise ConsentRuleError("Explain why the family will not be told", field="not_told_reason")
    return ConsentException.objects.create(
        child=child,
        purpose=purpose,
        reason=reason,
        rationale=rationale.strip(),
        decided_by=decided_by,
        family_told=family_told,
        family_told_date=family_told_date,
        not_told_reason=not_told_reason.strip(),
    )


@transaction.atomic
def consent_exception_approve(*, exception: ConsentException, manager) -> ConsentException:
    exception = ConsentException.objects.select_for_update().get(pk=exception.pk)
    if not rules.can_approve_consent_exceptions(manager):
        raise ConsentRuleError("Only a manager can approve going ahead without consent")
    if exception.decided_by_id == manager.pk:
        raise ConsentRuleError("Nobody can approve their own decision to go ahead without consent")
    if not exception.needs_approval:
        raise ConsentRuleError("Child protection needs no approval")
    if exception.approved_by_id:
        raise ConsentRuleError("This has already been approved")
    exception.approved_by = manager
    exception.approved_at = timezone.now()
    exception.save(update_fields=["approved_by", "approved_at"])
    return exception


@transaction.atomic
def consent_exception_family_told(*, exception: ConsentException, told_date) -> ConsentException:
    exception = ConsentException.objects.select_for_update().get(pk=exception.pk)
    exception.family_told = FamilyTold.YES
    exception.family_told_date = told_date
    exception.save(update_fields=["family_told", "family_told_date"])
    return exception


@transaction.atomic
def sharing_record(
    *,
    what: str,
    agency: str,
    purpose: str,
    lawful_basis: str,
    decision: str,
    reason: str,
    decided_by,
    child=None,
    recipient: str = "",
    special_category_condition: str = SpecialCategoryCondition.NONE,
    source_type: str = "",
    source_id="",
) -> SharingRecord:
    """Log one decision to share or withhold. Every letter or export that leaves the system calls this."""
    if decision not in SharingDecision.values:
        raise ConsentRuleError(
            "Choose whether the information was shared or withheld", field="decision"
        )
    if not reason.strip():
        raise ConsentRuleError("Record why the information was shared or withheld", field="reason")
    return SharingRecord.objects.create(
        person_id=child.pk if child else None,
        what=what,
        agency=agency,
        recipient=recipient,
        purpose=purpose,
        lawful_basis=lawful_basis,
        special_category_condition=special_category_condition,
        decision=decision,
        reason=reason.strip(),
        decided_by=decided_by,
        source_type=source_type,
        source_id=str(source_id or ""),
    )
