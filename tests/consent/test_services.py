import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AppendOnlyError
from consent.models import (
    Capacity,
    ConsentException,
    ConsentStatus,
    ExceptionReason,
    FamilyTold,
    LawfulBasis,
    Method,
    Purpose,
    SharingDecision,
    SharingRecord,
)
from consent.selectors import consent_check
from consent.services import (
    ConsentRuleError,
    consent_exception_approve,
    consent_exception_record,
    consent_record_answer,
    consent_withdraw,
    sharing_record,
)


def _answer(
    child,
    giver,
    user,
    status=ConsentStatus.GIVEN,
    capacity=Capacity.PARENTAL_RESPONSIBILITY,
    **extra,
):
    return consent_record_answer(
        child=child,
        purpose=Purpose.REFERRAL,
        status=status,
        recorded_by=user,
        given_by=giver,
        capacity=capacity,
        method=Method.VERBAL,
        **extra,
    )


def test_a_parent_with_parental_responsibility_lets_a_referral_go_ahead(family, practitioner):
    _answer(family["child"], family["mother"], practitioner)

    result = consent_check(child=family["child"], purpose=Purpose.REFERRAL)

    assert result.allowed
    assert "Claire Dawson" in result.reason


def test_a_relative_without_parental_responsibility_cannot_give_consent(family, practitioner):
    with pytest.raises(
        ConsentRuleError, match="not recorded as holding parental responsibility"
    ) as error:
        _answer(family["child"], family["grandmother"], practitioner)

    assert error.value.field == "given_by"


def test_an_8_year_old_cannot_consent_as_a_young_person(family, practitioner):
    with pytest.raises(ConsentRuleError, match="not 16 or 17"):
        _answer(family["child"], family["child"], practitioner, capacity=Capacity.YOUNG_PERSON)


def test_gillick_competence_needs_a_recorded_judgement(family, practitioner):
    with pytest.raises(ConsentRuleError, match="Gillick competent"):
        _answer(
            family["child"],
            family["child"],
            practitioner,
            capacity=Capacity.GILLICK_COMPETENT_CHILD,
        )


def test_withdrawal_stops_further_progression_and_records_who_when_and_why(family, practitioner):
    consent = _answer(family["child"], family["mother"], practitioner)

    consent_withdraw(
        consent=consent,
        withdrawn_by=practitioner,
        reason="Mother now wants support from her GP only",
    )

    consent.refresh_from_db()
    assert (consent.status, consent.withdrawal_recorded_by) == (
        ConsentStatus.WITHDRAWN,
        practitioner,
    )
    assert consent.withdrawn_at is not None
    result = consent_check(child=family["child"], purpose=Purpose.REFERRAL)
    assert not result.allowed
    assert "withdrew consent" in result.reason


def _exception(family, user, reason=ExceptionReason.INCREASES_RISK, **extra):
    return consent_exception_record(
        child=family["child"],
        purpose=Purpose.REFERRAL,
        reason=reason,
        rationale="Father is the alleged perpetrator and would be alerted",
        decided_by=user,
        family_told=FamilyTold.NO,
        not_told_reason="Telling the family would alert the father",
        **extra,
    )


def test_an_exception_needs_a_managers_approval_before_the_work_can_go_ahead(
    family, practitioner, fc_manager
):
    exception = _exception(family, practitioner)
    assert not consent_check(child=family["child"], purpose=Purpose.REFERRAL).allowed

    consent_exception_approve(exception=exception, manager=fc_manager)

    assert consent_check(child=family["child"], purpose=Purpose.REFERRAL).allowed


def test_nobody_approves_their_own_decision_to_go_ahead_without_consent(family, fc_manager):
    exception = _exception(family, fc_manager)

    with pytest.raises(ConsentRuleError, match="Nobody can approve their own"):
        consent_exception_approve(exception=exception, manager=fc_manager)


def test_the_database_also_refuses_self_approval(family, fc_manager):
    exception = _exception(family, fc_manager)

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentException.objects.filter(pk=exception.pk).update(
            approved_by=fc_manager, approved_at=timezone.now()
        )


def test_a_practitioner_cannot_approve(family, practitioner, make_persona):
    colleague = make_persona("practitioner")
    exception = _exception(family, colleague)

    with pytest.raises(ConsentRuleError, match="Only a manager"):
        consent_exception_approve(exception=exception, manager=practitioner)


def test_child_protection_goes_ahead_without_approval(family, practitioner):
    consent_exception_record(
        child=family["child"],
        purpose=Purpose.IMMEDIATE_PROTECTION,
        reason=ExceptionReason.CHILD_PROTECTION,
        rationale="Disclosure of physical harm today",
        decided_by=practitioner,
        family_told=FamilyTold.NOT_YET,
    )

    assert consent_check(child=family["child"], purpose=Purpose.IMMEDIATE_PROTECTION).allowed


def test_a_family_network_meeting_cannot_go_ahead_without_consent(family, practitioner):
    with pytest.raises(ConsentRuleError, match="Family Network Meeting"):
        consent_exception_record(
            child=family["child"],
            purpose=Purpose.FAMILY_NETWORK_MEETING,
            reason=ExceptionReason.CANNOT_OBTAIN,
            rationale="Parents unreachable",
            decided_by=practitioner,
            family_told=FamilyTold.NOT_YET,
        )


@pytest.mark.parametrize(
    ("told", "extra", "field"),
    [
        (FamilyTold.YES, {}, "family_told_date"),
        (FamilyTold.NO, {"not_told_reason": ""}, "not_told_reason"),
    ],
)
def test_whether_the_family_was_told_is_recorded_with_when_or_why_not(
    family, practitioner, told, extra, field
):
    with pytest.raises(ConsentRuleError) as error:
        consent_exception_record(
            child=family["child"],
            purpose=Purpose.REFERRAL,
            reason=ExceptionReason.CANNOT_OBTAIN,
            rationale="No reply",
            decided_by=practitioner,
            family_told=told,
            **extra,
        )

    assert error.value.field == field


def test_the_sharing_log_keeps_each_decision_and_cannot_be_changed(family, practitioner):
    row = sharing_record(
        child=family["child"],
        what="Consultation feedback letter",
        agency="Rugby High School",
        recipient="Designated safeguarding lead",
        purpose="Feedback to the referrer",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        decision=SharingDecision.SHARED,
        reason="Professional referrer must know the outcome",
        decided_by=practitioner,
        source_type="letter",
        source_id="L-1",
    )

    with pytest.raises(AppendOnlyError):
        SharingRecord.objects.filter(pk=row.pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        row.delete()
    assert SharingRecord.objects.get().agency == "Rugby High School"
