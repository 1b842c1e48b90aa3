"""Demo plans (synthetic only), for `manage.py demo_setup`: two partner agencies, a Family
Help plan on one of the Rugby FHLP's cases, and a referral waiting in the Family Network queue."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseStatus
from consent.models import Capacity, ConsentStatus, Method, Purpose
from consent.selectors import parental_responsibility_holder_ids
from consent.services import consent_record_answer
from people.models import Person
from plans.models import ActionOwner, AgencyKind, PartnerAgency, Plan
from plans.services import (
    OutcomeInput,
    network_referral_make,
    plan_action_add,
    plan_start,
)


def demo_plans_ensure() -> int:
    if Plan.objects.exists():
        return 0
    rhiannon = User.objects.filter(username="rhiannon.rugby").first()
    case = (
        Case.objects.filter(allocated_to=rhiannon, status=CaseStatus.ALLOCATED)
        .order_by("opened_at")
        .first()
    )
    if case is None:
        return 0
    school, _ = PartnerAgency.objects.get_or_create(
        name="Hillmorton Primary School (demo)",
        defaults={"kind": AgencyKind.SCHOOL, "secure_email": "dsl@hillmorton.example.org"},
    )
    health, _ = PartnerAgency.objects.get_or_create(
        name="Rugby Health Visiting (demo)",
        defaults={"kind": AgencyKind.HEALTH, "secure_email": "hv.rugby@nhs.example.net"},
    )
    plan = plan_start(
        case=case,
        by=rhiannon,
        outcomes=[
            OutcomeInput("Getting to school on time every day", "Mornings are calmer"),
            OutcomeInput("The parent knows where to get help", "Not feeling on my own"),
        ],
    )
    first, second = plan.outcomes.all()
    due = timezone.localdate() + timedelta(days=21)
    plan_action_add(
        outcome=first,
        by=rhiannon,
        what="Breakfast club place",
        owner=ActionOwner.AGENCY,
        agency=school,
        agency_contact="Mrs Patel",
        due_date=due,
    )
    plan_action_add(
        outcome=second,
        by=rhiannon,
        what="Introduce to the parents' group",
        owner=ActionOwner.AGENCY,
        agency=health,
        agency_contact="Sam Green",
        due_date=due,
    )
    holders = parental_responsibility_holder_ids(child=case.child)
    parent = Person.objects.filter(pk__in=holders).first()
    if parent is not None:
        consent_record_answer(
            child=case.child,
            purpose=Purpose.FAMILY_NETWORK_MEETING,
            status=ConsentStatus.GIVEN,
            recorded_by=rhiannon,
            given_by=parent,
            capacity=Capacity.PARENTAL_RESPONSIBILITY,
            method=Method.VERBAL,
        )
        network_referral_make(
            case=case, by=rhiannon, reason="The grandparents want to help with school runs"
        )
    return 1
