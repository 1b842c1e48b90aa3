"""Shared steps for tests that need a consultation ready to submit."""

from referrals.models import CallPurpose, Consultation
from referrals.services import consultation_draft_save

CALL_DETAILS = {
    "caller_name": "Priya Shah",
    "caller_role": "Designated safeguarding lead",
    "caller_agency_type": "SCHOOL",
    "caller_organisation": "Dunchurch Infant School",
    "caller_email": "p.shah@school.example.org",
    "caller_relationship": "Class teacher",
    "concerns": "Often arrives hungry and tired; attendance has fallen this term.",
    "safe_now": "YES",
}


def fill_in_the_call(consultation: Consultation, user, **changes) -> Consultation:
    """Record what consultation_submit needs (caller, purpose, worries), as the steps would."""
    consultation.refresh_from_db()
    return consultation_draft_save(
        consultation=consultation,
        changes={
            **CALL_DETAILS,
            "purpose": consultation.purpose or CallPurpose.ADVICE,
            **changes,
        },
        version=consultation.version,
        saved_by=user,
    )


REFERRAL_LEVEL = {
    # The level a referral outcome rests on (a referral needs a recorded level of need).
    "EARLY_SUPPORT_REFERRAL": "EARLY_SUPPORT",
    "FAMILY_HELP_ASSESSMENT": "FAMILY_HELP",
    "IMMEDIATE_PROTECTION": "IMMEDIATE_PROTECTION",
}


def level_recorded(child, user, outcome: str = "FAMILY_HELP_ASSESSMENT", *, consultation=None):
    """The child's level of need recorded as the Spectrum step would (the child's current
    decision, superseded when there is one), for an outcome that needs it; None otherwise."""
    from spectrum.selectors import decision_current_for_person, framework_current
    from spectrum.services import framework_v1_ensure, spectrum_decision_record

    level = REFERRAL_LEVEL.get(str(outcome))
    if level is None:
        return None
    framework = framework_current() or (framework_v1_ensure() and framework_current())
    indicator = framework.indicators.filter(level=level).first()
    return spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[indicator.pk],
        decided_level=level,
        rationale="Recorded for the test",
        decided_by=user,
        supersedes=decision_current_for_person(person=child),
        consultation=consultation,
    )
