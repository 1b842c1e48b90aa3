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


def level_recorded(child, user, outcome: str = "FAMILY_HELP_ASSESSMENT", *, consultation=None):
    """The child's level of need recorded as the Spectrum step would (one indicator at the
    outcome's level, replacing any current decision), for an outcome that needs one; None
    otherwise. The demo's referrals record theirs the same way."""
    from familyfirst.demo_cases import DEMO_LEVEL, level_recorded_for_referral

    if str(outcome) not in DEMO_LEVEL:
        return None
    return level_recorded_for_referral(
        child, str(outcome), practitioner=user, consultation=consultation
    )
