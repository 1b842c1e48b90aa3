from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case
from cases.tasks import case_arrival_notify
from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose
from consent.services import consent_exception_record, consent_record_answer
from familyfirst.clocks import UK
from referrals.models import AuthorisationStatus, CallPurpose, ConsultationStatus, Outcome
from referrals.services import (
    ConsultationError,
    DraftConflict,
    consultation_child_add,
    consultation_child_authorise,
    consultation_child_decide,
    consultation_draft_save,
    consultation_start,
    consultation_submit,
    consultations_clock_sweep,
)
from tests.referrals.helpers import fill_in_the_call, level_recorded


def _consent(family, user):
    consent_record_answer(
        child=family["child"],
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        recorded_by=user,
        given_by=family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )


def test_a_consultation_received_on_friday_afternoon_is_due_on_monday_afternoon(practitioner):
    consultation = consultation_start(
        practitioner=practitioner, received_at=datetime(2026, 11, 20, 16, 0, tzinfo=UK)
    )

    assert consultation.decision_due_at == datetime(2026, 11, 23, 16, 0, tzinfo=UK)
    assert consultation.reference == "FC-2026-000001"


def test_two_people_saving_the_same_draft_get_a_conflict_not_a_silent_overwrite(
    practitioner, fc_manager
):
    consultation = consultation_start(practitioner=practitioner)
    consultation_draft_save(
        consultation=consultation,
        changes={"concerns": "First words"},
        version=1,
        saved_by=fc_manager,
    )

    with pytest.raises(DraftConflict, match="Martin Okafor saved this consultation"):
        consultation_draft_save(
            consultation=consultation,
            changes={"concerns": "Second words"},
            version=1,
            saved_by=practitioner,
        )

    consultation.refresh_from_db()
    assert (consultation.concerns, consultation.version) == ("First words", 2)


def test_a_referral_without_consent_cannot_progress(practitioner, rugby_family):
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )

    with pytest.raises(ConsultationError, match="Consent is needed"):
        consultation_child_decide(
            link=link, outcome=Outcome.EARLY_SUPPORT_REFERRAL, decided_by=practitioner
        )


def test_an_authorised_referral_opens_a_case_in_the_locality_team_with_a_45_working_day_clock(
    practitioner, fc_manager, rugby_family
):
    _consent(rugby_family, practitioner)
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.FAMILY_HELP_ASSESSMENT,
        decided_by=practitioner,
        spectrum_decision=level_recorded(link.child, practitioner, Outcome.FAMILY_HELP_ASSESSMENT),
    )
    fill_in_the_call(consultation, practitioner)
    consultation_submit(consultation=consultation, submitted_by=practitioner)

    consultation_child_authorise(link=link, manager=fc_manager)

    case = Case.objects.get()
    assert case.team.slug == "family-help-rugby"
    assert case.status == "INCOMING"
    assert case.assessment_due_date > case.referral_date + timedelta(days=60)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.COMPLETE


def test_nobody_authorises_their_own_decision(fc_manager, rugby_family):
    _consent(rugby_family, fc_manager)
    consultation = consultation_start(practitioner=fc_manager)
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=fc_manager
    )
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.EARLY_SUPPORT_REFERRAL,
        decided_by=fc_manager,
        spectrum_decision=level_recorded(link.child, fc_manager, Outcome.EARLY_SUPPORT_REFERRAL),
    )

    with pytest.raises(ConsultationError, match="Nobody can authorise their own decision"):
        consultation_child_authorise(link=link, manager=fc_manager)


def test_immediate_protection_is_urgent_and_emails_the_macpt_inbox(
    practitioner, fc_manager, rugby_family, django_capture_on_commit_callbacks
):
    consent_exception_record(
        child=rugby_family["child"],
        purpose=Purpose.IMMEDIATE_PROTECTION,
        reason=ExceptionReason.CHILD_PROTECTION,
        rationale="Disclosure of physical harm",
        decided_by=practitioner,
        family_told=FamilyTold.NOT_YET,
    )
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )
    link = consultation_child_decide(
        link=link,
        outcome=Outcome.IMMEDIATE_PROTECTION,
        decided_by=practitioner,
        spectrum_decision=level_recorded(link.child, practitioner, Outcome.IMMEDIATE_PROTECTION),
    )

    with django_capture_on_commit_callbacks(execute=True):
        consultation_child_authorise(link=link, manager=fc_manager)

    case = Case.objects.get()
    assert (case.team.slug, case.urgent) == ("macpt-north", True)
    # The arrival email is a Celery task published after commit (tests/cases/test_worker.py
    # runs it on a real worker); here it runs in this process as the worker would run it.
    case_arrival_notify.apply(args=[str(case.pk)])
    assert mail.outbox[-1].to == ["macpt.north.urgent@warwickshire.gov.uk"]
    assert "URGENT" in mail.outbox[-1].subject


def test_advice_needs_the_services_signposted_and_no_authorisation(practitioner, rugby_family):
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )
    with pytest.raises(ConsultationError, match="services you signposted"):
        consultation_child_decide(link=link, outcome=Outcome.ADVICE, decided_by=practitioner)

    link = consultation_child_decide(
        link=link,
        outcome=Outcome.ADVICE,
        decided_by=practitioner,
        services_signposted="Family Information Service",
    )
    fill_in_the_call(consultation, practitioner)
    consultation = consultation_submit(consultation=consultation, submitted_by=practitioner)

    assert link.authorisation == AuthorisationStatus.NOT_NEEDED
    assert consultation.status == ConsultationStatus.COMPLETE


def test_no_further_action_on_a_referral_needs_a_managers_authorisation(practitioner, rugby_family):
    consultation = consultation_start(practitioner=practitioner)
    consultation_draft_save(
        consultation=consultation,
        changes={"purpose": CallPurpose.REFERRAL},
        version=1,
        saved_by=practitioner,
    )
    link = consultation_child_add(
        consultation=consultation, child=rugby_family["child"], added_by=practitioner
    )

    link = consultation_child_decide(
        link=link, outcome=Outcome.SINGLE_AGENCY, decided_by=practitioner
    )

    assert link.authorisation == AuthorisationStatus.AWAITING


def test_the_clock_sweep_warns_the_manager_once_and_marks_breaches(practitioner, fc_manager):
    received = timezone.now() - timedelta(days=5)
    consultation = consultation_start(practitioner=practitioner, received_at=received)

    first = consultations_clock_sweep()
    second = consultations_clock_sweep()

    assert first == {"warned": 1, "breached": 1}
    assert second == {"warned": 0, "breached": 0}
    assert len(mail.outbox) == 1
    assert consultation.reference in mail.outbox[0].body
    assert mail.outbox[0].to == [fc_manager.email]
