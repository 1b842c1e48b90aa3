"""Who may see and change plans, Family Network referrals and flags (docs/plans.md, "Who sees
what"). A plan is seen by its case's team (the Rugby FHLP and team manager); the other case
workers get "not found"; everyone else 403. The Family Network co-ordinator sees referrals and
records meetings, and nothing else of the case. Flags are set by front-door staff and by the
case workers who can see the person."""

from django.utils import timezone

from accounts.models import Role, User
from cases.models import CaseStatus
from people.models import FlagKind, PersonFlag
from plans.models import (
    Action,
    ActionOwner,
    FamilyNetworkReferral,
    Outcome,
    Plan,
    PlanLevel,
)
from tests.cases.permissions import _rugby_case
from tests.matrix import Route, expect
from tests.referrals.permissions import FRONT_DOOR, _consultation_naming_one_child

CASE_WORKERS = {"rugby_fhlp": 200, "warwick_fhlp": 200, "team_manager": 200, "lcpp": 200}
RUGBY = {"rugby_fhlp": 200, "team_manager": 200, "warwick_fhlp": 404, "lcpp": 404}
COORDINATOR = {"fnm_coordinator": 200}
FLAG_SETTERS = {"practitioner": 200, "fc_manager": 200, **RUGBY}


def _someone():
    return User.objects.get_or_create(username="plan-author", defaults={"role": Role.FHLP})[0]


def _plan() -> Plan:
    case = _rugby_case(CaseStatus.UNALLOCATED)
    plan = Plan.objects.create(
        child=case.child,
        case=case,
        level=PlanLevel.FAMILY_HELP,
        started_on=timezone.localdate(),
        next_review_date=timezone.localdate(),
        created_by=_someone(),
        created_at=timezone.now(),
    )
    Outcome.objects.create(plan=plan, position=1, title="Mia gets to school on time")
    return plan


def _case():
    return {"case_id": _rugby_case(CaseStatus.UNALLOCATED).pk}


def _plan_kwargs():
    return {"plan_id": _plan().pk}


def _action():
    plan = _plan()
    action = Action.objects.create(
        outcome=plan.outcomes.get(),
        what="Breakfast club",
        owner=ActionOwner.WORKER,
        worker=_someone(),
        due_date=timezone.localdate(),
        created_by=_someone(),
        created_at=timezone.now(),
    )
    return {"plan_id": plan.pk, "action_id": action.pk}


def _referral():
    case = _rugby_case(CaseStatus.UNALLOCATED)
    referral = FamilyNetworkReferral.objects.create(
        child=case.child,
        case=case,
        reason="Wider family",
        consent_reason="Given",
        referred_by=_someone(),
        referred_at=timezone.now(),
    )
    return {"referral_id": referral.pk}


def _person():
    return {"person_id": _rugby_case(CaseStatus.UNALLOCATED).child_id}


def _flag():
    case = _rugby_case(CaseStatus.UNALLOCATED)
    flag = PersonFlag.objects.create(
        person=case.child,
        kind=FlagKind.YOUNG_CARER,
        start_date=timezone.localdate(),
        set_by=_someone(),
    )
    return {"person_id": case.child_id, "flag_id": flag.pk}


PLAN_PAGES = [
    "plans:plan",
    "plans:pdf",
    "plans:outcome-add",
    "plans:action-add",
    "plans:agreement",
    "plans:send",
    "plans:review-add",
]

ROUTES = [
    Route("plans:caseload", expect(403, **CASE_WORKERS)),
    Route("plans:agencies", expect(403, **CASE_WORKERS)),
    Route("plans:plan-start", expect(403, **RUGBY), kwargs=_case, logs_access=True),
    Route("plans:fnm-refer", expect(403, **RUGBY), kwargs=_case, logs_access=True),
    *[
        Route(name, expect(403, **RUGBY), kwargs=_plan_kwargs, logs_access=True)
        for name in PLAN_PAGES
    ],
    Route("plans:action-status", expect(403, **RUGBY), kwargs=_action, logs_access=True),
    # Family Connect refers from a consultation it may open (the front door's one door).
    Route(
        "plans:fnm-refer-consultation",
        expect(403, **FRONT_DOOR),
        kwargs=_consultation_naming_one_child,
        logs_access=True,
    ),
    Route("plans:fnm-queue", expect(403, **COORDINATOR)),
    Route(
        "plans:fnm-detail",
        expect(403, **RUGBY, **COORDINATOR),
        kwargs=_referral,
        logs_access=True,
        # Reading is for the case's team and the co-ordinators; arranging is the co-ordinator's.
        post=expect(403, fnm_coordinator=302, warwick_fhlp=404, lcpp=404),
    ),
    Route("plans:fnm-meeting", expect(403, **COORDINATOR), kwargs=_referral, logs_access=True),
    Route("plans:flags", expect(403, **FLAG_SETTERS), kwargs=_person, logs_access=True),
    Route("plans:flag-end", expect(403, **FLAG_SETTERS), kwargs=_flag, logs_access=True),
]

# The API: anonymous is 403 (no sign-in redirect).
API_RUGBY = {**RUGBY, "anonymous": 403}
POST_ONLY = expect(403, **{key: 405 for key in CASE_WORKERS}, anonymous=403)
RUGBY_WRITES = expect(
    403, rugby_fhlp=400, team_manager=400, warwick_fhlp=404, lcpp=404, anonymous=403
)
ROUTES += [
    Route("plans-api:plan-list", expect(403, **CASE_WORKERS, anonymous=403)),
    Route("plans-api:agency-list", expect(403, **CASE_WORKERS, anonymous=403)),
    Route("plans-api:plan-start", POST_ONLY, kwargs=_case, post=RUGBY_WRITES),
    Route("plans-api:plan-detail", expect(403, **API_RUGBY), kwargs=_plan_kwargs, logs_access=True),
    Route("plans-api:action-list", expect(403, **API_RUGBY), kwargs=_plan_kwargs, logs_access=True),
    Route("plans-api:action-status", POST_ONLY, kwargs=_action, post=RUGBY_WRITES),
    Route("plans-api:review-list", expect(403, **API_RUGBY), kwargs=_plan_kwargs, logs_access=True),
    Route(
        "plans-api:network-list",
        expect(403, **CASE_WORKERS, **COORDINATOR, anonymous=403),
        # Case workers refer (an empty body is a 400); the co-ordinator only reads.
        post=expect(403, **{key: 400 for key in CASE_WORKERS}, anonymous=403),
    ),
    Route(
        "plans-api:network-detail",
        expect(403, **API_RUGBY, **COORDINATOR),
        kwargs=_referral,
        logs_access=True,
    ),
    Route(
        "plans-api:flag-list",
        expect(403, **FLAG_SETTERS, anonymous=403),
        kwargs=_person,
        logs_access=True,
    ),
]
