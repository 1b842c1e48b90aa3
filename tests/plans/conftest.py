"""A Rugby case allocated to the Rugby FHLP, partner agencies, a signed-off assessment with a
Plan of three items, and a plan made from it."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.services import case_accept, case_allocate
from consent.models import Capacity, ConsentStatus, Method, Purpose
from consent.services import consent_record_answer
from pathway.models import Assessment, AssessmentVersion, PlanItem, VersionStatus
from plans.models import ActionOwner, AgencyKind, PartnerAgency
from plans.services import OutcomeInput, plan_action_add, plan_start
from tests.cases.conftest import refer, rugby_case  # noqa: F401 - fixtures
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture

PLAN_ITEMS = [
    ("Mia gets to school on time every day", "A morning routine the family can keep to"),
    ("Claire feels less alone and knows where to get help", "Claire meets other parents"),
    ("The house is warm and safe", "Damp and heating are fixed"),
]


@pytest.fixture
def allocated_case(rugby_case, team_manager, rugby_fhlp):  # noqa: F811
    case_accept(case=rugby_case, manager=team_manager)
    return case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)


@pytest.fixture
def agencies(db):
    return {
        "school": PartnerAgency.objects.create(
            name="Rugby Primary School",
            kind=AgencyKind.SCHOOL,
            secure_email="safeguarding@rugbyprimary.example.org",
        ),
        "health": PartnerAgency.objects.create(
            name="Rugby Health Visiting",
            kind=AgencyKind.HEALTH,
            secure_email="hv.rugby@nhs.example.net",
        ),
    }


def signed_off_assessment(case, author, manager, items=PLAN_ITEMS) -> Assessment:
    """A Family Help Assessment on the case signed off by the manager, its Plan part filled in.
    (pathway's services are not on this branch: its rows are written as its sign-off leaves
    them.)"""
    now = timezone.now()
    assessment = Assessment.objects.create(
        case=case,
        kind="FHA",
        start_date=timezone.localdate(),
        due_date=timezone.localdate() + dt.timedelta(days=60),
        started_by=author,
        started_at=now,
    )
    version = AssessmentVersion.objects.create(
        assessment=assessment,
        number=1,
        author=author,
        created_at=now,
        updated_at=now,
        updated_by=author,
    )
    for position, (outcome, need) in enumerate(items):
        PlanItem.objects.create(version=version, outcome=outcome, need=need, position=position)
    AssessmentVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.SIGNED_OFF, signed_off_at=now, signed_off_by=manager
    )
    return assessment


@pytest.fixture
def assessment(allocated_case, rugby_fhlp, team_manager):
    return signed_off_assessment(allocated_case, rugby_fhlp, team_manager)


@pytest.fixture
def plan(allocated_case, rugby_fhlp, agencies, rugby_family):  # noqa: F811
    """Three outcomes and five actions across two agencies, the family and the worker."""
    plan = plan_start(
        case=allocated_case,
        by=rugby_fhlp,
        outcomes=[OutcomeInput(title, f"In our words: {need}") for title, need in PLAN_ITEMS],
    )
    first, second, third = plan.outcomes.all()
    due = timezone.localdate() + dt.timedelta(days=21)
    school, health = agencies["school"], agencies["health"]
    plan_action_add(
        outcome=first,
        by=rugby_fhlp,
        what="Breakfast club place",
        owner=ActionOwner.AGENCY,
        agency=school,
        agency_contact="Mrs Patel",
        due_date=due,
    )
    plan_action_add(
        outcome=first,
        by=rugby_fhlp,
        what="Alarm and a lunch box the night before",
        owner=ActionOwner.FAMILY,
        family_member=rugby_family["mother"],
        due_date=due,
    )
    plan_action_add(
        outcome=second,
        by=rugby_fhlp,
        what="Introduce Claire to the parents' group",
        owner=ActionOwner.AGENCY,
        agency=health,
        agency_contact="Sam Green",
        due_date=due,
    )
    plan_action_add(
        outcome=third,
        by=rugby_fhlp,
        what="Ask the landlord to fix the damp",
        owner=ActionOwner.WORKER,
        worker=rugby_fhlp,
        due_date=due,
    )
    plan_action_add(
        outcome=third,
        by=rugby_fhlp,
        what="Check the boiler",
        owner=ActionOwner.AGENCY,
        agency=school,
        agency_contact="Mr Jones",
        due_date=due,
    )
    return plan


@pytest.fixture
def network_consent(rugby_family, rugby_fhlp):  # noqa: F811
    return consent_record_answer(
        child=rugby_family["child"],
        purpose=Purpose.FAMILY_NETWORK_MEETING,
        status=ConsentStatus.GIVEN,
        recorded_by=rugby_fhlp,
        given_by=rugby_family["mother"],
        capacity=Capacity.PARENTAL_RESPONSIBILITY,
        method=Method.VERBAL,
    )
