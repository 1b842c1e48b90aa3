"""A referral made and authorised at the front door, as the teams receive it."""

import pytest

from cases.models import Case
from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose
from consent.services import consent_exception_record, consent_record_answer
from people.models import Person, Relationship
from referrals.models import CallPurpose, Outcome
from referrals.services import (
    consultation_child_add,
    consultation_child_authorise,
    consultation_child_decide,
    consultation_start,
    consultation_submit,
)
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture
from tests.referrals.helpers import fill_in_the_call, level_recorded


@pytest.fixture
def refer(practitioner, fc_manager, rugby_family):  # noqa: F811
    """refer(child, outcome) -> the authorised consultation's link for that child, as the
    front door leaves it: consent recorded, submitted, authorised by a second person. Children
    without an address are routed by the Rugby family's postcode; consent comes from their
    mother (a parent with parental responsibility, made for them if not given)."""

    def make(child, outcome=Outcome.FAMILY_HELP_ASSESSMENT, *, mother=None, authorise=True):
        if mother is None and outcome != Outcome.IMMEDIATE_PROTECTION:
            mother = Person.objects.create(given_name="Parent", family_name=child.family_name)
            Relationship.objects.create(
                from_person=mother, to_person=child, kind="PARENT", parental_responsibility=True
            )
        if outcome == Outcome.IMMEDIATE_PROTECTION:
            consent_exception_record(
                child=child,
                purpose=Purpose.IMMEDIATE_PROTECTION,
                reason=ExceptionReason.CHILD_PROTECTION,
                rationale="Disclosure of harm",
                decided_by=practitioner,
                family_told=FamilyTold.NOT_YET,
            )
        elif outcome != Outcome.PASS_TO_WORKER:
            consent_record_answer(
                child=child,
                purpose=Purpose.REFERRAL,
                status=ConsentStatus.GIVEN,
                recorded_by=practitioner,
                given_by=mother,
                capacity=Capacity.PARENTAL_RESPONSIBILITY,
                method=Method.VERBAL,
            )
        consultation = consultation_start(practitioner=practitioner)
        fill_in_the_call(consultation, practitioner, purpose=CallPurpose.REFERRAL)
        link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
        link = consultation_child_decide(
            link=link,
            outcome=outcome,
            decided_by=practitioner,
            spectrum_decision=level_recorded(child, practitioner, outcome),
            postcode="" if child.addresses.exists() else rugby_family["postcode"],
        )
        consultation_submit(consultation=consultation, submitted_by=practitioner)
        if authorise:
            link = consultation_child_authorise(link=link, manager=fc_manager)
        return link

    return make


@pytest.fixture
def rugby_case(refer, rugby_family):  # noqa: F811
    """A Family Help Assessment for Mia Dawson, waiting in the Rugby team's incoming queue."""
    link = refer(rugby_family["child"], mother=rugby_family["mother"])
    return Case.objects.get(opened_by=link)
