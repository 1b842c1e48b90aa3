import pytest

from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose
from consent.services import consent_exception_record, consent_record_answer
from referrals.models import AgencyType, ConsultationChild, Outcome
from referrals.services import (
    consultation_child_add,
    consultation_child_authorise,
    consultation_child_decide,
    consultation_draft_save,
    consultation_start,
    consultation_submit,
)
from spectrum.selectors import decision_current_for_person, framework_current
from spectrum.services import framework_v1_ensure, spectrum_decision_record
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures

PROFESSIONAL = {
    "caller_name": "Priya Sharma",
    "caller_role": "Designated safeguarding lead",
    "caller_agency_type": AgencyType.SCHOOL,
    "caller_organisation": "Oakfield Primary School",
    "caller_email": "p.sharma@oakfield.example",
}
PUBLIC = {
    "caller_name": "Dennis Hart",
    "caller_agency_type": AgencyType.ACQUAINTANCE,
    "caller_relationship": "Neighbour",
    "caller_email": "dennis.hart@example.net",
}
ANONYMOUS = {"caller_anonymous": True, "caller_agency_type": AgencyType.ANONYMOUS}
CONCERNS = "Mia has arrived hungry most days this term. Her uncle Gary Pike was seen shouting."


def _level_for(outcome: str) -> str:
    return {
        Outcome.ADVICE: "UNIVERSAL",
        Outcome.SINGLE_AGENCY: "UNIVERSAL",
        Outcome.EARLY_SUPPORT_ASSESSMENT: "EARLY_SUPPORT",
        Outcome.EARLY_SUPPORT_REFERRAL: "EARLY_SUPPORT",
        Outcome.FAMILY_HELP_ASSESSMENT: "FAMILY_HELP",
        Outcome.IMMEDIATE_PROTECTION: "IMMEDIATE_PROTECTION",
    }[outcome]


@pytest.fixture
def decide(practitioner, fc_manager, rugby_family):  # noqa: F811
    """decide(outcome, caller=PROFESSIONAL) -> a consultation about Mia, decided and COMPLETE
    (authorised by the manager where it needs it), through the real services."""
    framework_v1_ensure()
    framework = framework_current()

    def make(outcome=Outcome.ADVICE, caller=None, children=("child",)):
        caller = PROFESSIONAL if caller is None else caller
        consultation = consultation_start(practitioner=practitioner)
        consultation = consultation_draft_save(
            consultation=consultation,
            changes={"purpose": "ADVICE", "concerns": CONCERNS, "safe_now": "YES", **caller},
            version=consultation.version,
            saved_by=practitioner,
        )
        for key in children:
            child = rugby_family[key]
            if outcome == Outcome.IMMEDIATE_PROTECTION:
                consent_exception_record(
                    child=child,
                    purpose=Purpose.IMMEDIATE_PROTECTION,
                    reason=ExceptionReason.CHILD_PROTECTION,
                    rationale="Disclosure of harm",
                    decided_by=practitioner,
                    family_told=FamilyTold.NOT_YET,
                )
            else:
                consent_record_answer(
                    child=child,
                    purpose=Purpose.REFERRAL,
                    status=ConsentStatus.GIVEN,
                    recorded_by=practitioner,
                    given_by=rugby_family["mother"],
                    capacity=Capacity.PARENTAL_RESPONSIBILITY,
                    method=Method.VERBAL,
                )
            level = _level_for(outcome)
            decision = spectrum_decision_record(
                person=child,
                framework=framework,
                indicator_ids=[
                    (
                        framework.indicators.filter(level=level).first()
                        or framework.indicators.order_by("code").first()
                    ).pk
                ],
                decided_level=level,
                rationale=f"Needs met at {level.replace('_', ' ').lower()} after discussion",
                decided_by=practitioner,
                supersedes=decision_current_for_person(person=child),
            )
            link = consultation_child_add(
                consultation=consultation, child=child, added_by=practitioner
            )
            consultation_child_decide(
                link=link,
                outcome=outcome,
                decided_by=practitioner,
                spectrum_decision=decision,
                services_signposted="Family Information Service; Rugby Foodbank"
                if outcome == Outcome.ADVICE
                else "",
                outcome_rationale="Agreed with the caller",
            )
        consultation_submit(consultation=consultation, submitted_by=practitioner)
        for link in ConsultationChild.objects.filter(
            consultation=consultation, authorisation="AWAITING"
        ):
            consultation_child_authorise(link=link, manager=fc_manager)
        consultation.refresh_from_db()
        return consultation

    return make
