"""Known records for the returns tests and the benchmark: one child's whole CIN episode."""

import datetime as dt
from datetime import date

from accounts.models import User
from cases.models import Case, CaseStatus
from familyfirst.clocks import UK
from locality.models import Team
from pathway.models import Assessment, AssessmentVersion, VersionStatus
from people.models import Person
from plans.models import Plan, PlanLevel, PlanStatus
from protection.models import (
    Conference,
    ConferenceDecision,
    ConferenceKind,
    ConferenceStatus,
    EnquiryOutcome,
    EnquiryStatus,
    ProtectionPlan,
    Section47Enquiry,
    StrategyDecision,
    StrategyDiscussion,
    StrategyStatus,
)


def at(day: date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=UK)


def child(la_child_id: str, **extra) -> Person:
    fields = {
        "given_name": "Ava",
        "family_name": "Returns",
        "date_of_birth": date(2016, 7, 14),
        "sex": "F",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
        "la_child_id": la_child_id,
    }
    fields.update(extra)
    return Person.objects.create(**fields)


def case(
    person,
    *,
    team_slug="family-help-rugby",
    referral: date,
    closed: date | None = None,
    reason="RC7",
    level="FAMILY_HELP",
    worker=None,
    **extra,
) -> Case:
    team = Team.objects.get(slug=team_slug)
    fields = {
        "child": person,
        "team": team,
        "level": level,
        "status": CaseStatus.CLOSED if closed else CaseStatus.ALLOCATED,
        "allocated_to": worker or User.objects.get(username="rhiannon.rugby"),
        "referral_date": referral,
        "assessment_due_date": referral + dt.timedelta(days=63),
        "opened_at": at(referral),
        "closed_at": at(closed) if closed else None,
        "closure_reason": reason if closed else "",
        "primary_need": "N1",
    }
    fields.update(extra)
    return Case.objects.create(**fields)


def assessment(
    case, *, start: date, authorised: date | None, factors=("3B", "4B"), kind="FHA"
) -> Assessment:
    author = User.objects.get(username="rhiannon.rugby")
    manager = User.objects.get(username="tanya.teammanager")
    made = Assessment.objects.create(
        case=case,
        kind=kind,
        start_date=start,
        due_date=start + dt.timedelta(days=63),
        authorised_date=authorised,
        started_by=author,
        started_at=at(start),
    )
    made.children.add(case.child)
    signed = authorised is not None
    AssessmentVersion.objects.create(
        assessment=made,
        number=1,
        status=VersionStatus.SIGNED_OFF if signed else VersionStatus.DRAFT,
        author=author,
        created_at=at(start),
        updated_at=at(start),
        updated_by=author,
        factors=list(factors),
        spectrum_level="FAMILY_HELP",
        signed_off_at=at(authorised) if signed else None,
        signed_off_by=manager if signed else None,
    )
    return made


def cin_plan(case, *, start: date, end: date | None) -> Plan:
    return Plan.objects.create(
        child=case.child,
        case=case,
        level=PlanLevel.FAMILY_HELP,
        status=PlanStatus.ENDED if end else PlanStatus.ACTIVE,
        started_on=start,
        next_review_date=start + dt.timedelta(days=90),
        created_by=User.objects.get(username="rhiannon.rugby"),
        created_at=at(start),
        ended_at=at(end) if end else None,
        ended_reason="Outcomes met" if end else "",
    )


def protection_chain(
    case, *, strategy: date, icpc: date, reviews=(), plan_end=None, previous_plans=0
):
    lcpp = User.objects.get(username="leon.lcpp")
    discussion = StrategyDiscussion.objects.create(
        case=case,
        status=StrategyStatus.HELD,
        due_at=at(strategy),
        held_at=at(strategy, 11),
        decision=StrategyDecision.S47_SINGLE,
        created_at=at(strategy, 9),
    )
    enquiry = Section47Enquiry.objects.create(
        case=case,
        strategy_discussion=discussion,
        status=EnquiryStatus.COMPLETED,
        start_date=strategy,
        icpc_target_date=strategy + dt.timedelta(days=21),
        lcpp=lcpp,
        outcome=EnquiryOutcome.SUBSTANTIATED_ICPC,
        completed_date=icpc - dt.timedelta(days=2),
    )
    initial = Conference.objects.create(
        case=case,
        kind=ConferenceKind.INITIAL,
        enquiry=enquiry,
        status=ConferenceStatus.HELD,
        due_date=icpc,
        held_on=icpc,
        decision=ConferenceDecision.PLAN,
    )
    plan = ProtectionPlan.objects.create(
        case=case,
        initial_conference=initial,
        start_date=icpc,
        initial_category="NEG",
        latest_category="EMO",
        lead=lcpp,
        core_group_due_date=icpc + dt.timedelta(days=14),
        status="ENDED" if plan_end else "ACTIVE",
        end_date=plan_end,
        end_reason="NO_LONGER_AT_RISK" if plan_end else "",
        previous_plans=previous_plans,
    )
    for held_on in reviews:
        Conference.objects.create(
            case=case,
            kind=ConferenceKind.REVIEW,
            plan=plan,
            status=ConferenceStatus.HELD,
            due_date=held_on,
            held_on=held_on,
            decision=ConferenceDecision.CONTINUE,
        )
    return enquiry, plan
