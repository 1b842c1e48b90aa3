"""Who may see and change the MACPT's child protection work (docs/protection.md, "Who sees what").

The LCPP is a member of MACPT North and sees its work; the Rugby and Warwick workers and the
Rugby team manager hold cases elsewhere, so MACPT North's records are "not found" for them;
everyone else has no child protection pages at all (403). The front door records its phone call
to the MACPT on the consultation.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case, CaseStatus
from locality.models import Team
from people.models import Person
from protection.models import (
    Conference,
    ConferenceKind,
    ProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)
from referrals.models import AuthorisationStatus, Consultation, ConsultationChild, Outcome
from tests.matrix import Route, expect

CASE_WORKERS = {"rugby_fhlp": 200, "warwick_fhlp": 200, "team_manager": 200, "lcpp": 200}
MACPT = {"lcpp": 200, "rugby_fhlp": 404, "warwick_fhlp": 404, "team_manager": 404}


def _macpt_case() -> Case:
    decider = User.objects.create(username="decider", role=Role.FC_PRACTITIONER)
    lcpp = User.objects.get(username="leon.lcpp")
    consultation = Consultation.objects.create(
        reference="FC-2026-999997",
        practitioner=decider,
        received_at=timezone.now(),
        decision_due_at=timezone.now(),
        status="COMPLETE",
        completed_at=timezone.now(),
    )
    team = Team.objects.get(slug="macpt-north")
    link = ConsultationChild.objects.create(
        consultation=consultation,
        child=Person.objects.create(given_name="Mia", family_name="Dawson"),
        outcome=Outcome.IMMEDIATE_PROTECTION,
        team=team,
        urgent=True,
        authorisation=AuthorisationStatus.AUTHORISED,
        decided_by=decider,
    )
    return Case.objects.create(
        child=link.child,
        team=team,
        opened_by=link,
        first_referral=link,
        level="IMMEDIATE_PROTECTION",
        status=CaseStatus.ALLOCATED,
        allocated_to=lcpp,
        urgent=True,
        referral_date=timezone.localdate(),
        assessment_due_date=timezone.localdate(),
        opened_at=timezone.now(),
    )


def _held(case) -> StrategyDiscussion:
    now = timezone.now()
    return StrategyDiscussion.objects.create(
        case=case, due_at=now, created_at=now, status="HELD", held_at=now, decision="S47_SINGLE"
    )


def _records() -> dict:
    case = _macpt_case()
    today = timezone.localdate()
    due = StrategyDiscussion.objects.create(
        case=case, due_at=timezone.now(), created_at=timezone.now()
    )
    held = _held(case)
    enquiry = Section47Enquiry.objects.create(
        case=case,
        strategy_discussion=held,
        start_date=today,
        icpc_target_date=today + timedelta(days=21),
        lcpp=case.allocated_to,
    )
    initial = Conference.objects.create(
        case=case, kind=ConferenceKind.INITIAL, enquiry=enquiry, due_date=today
    )
    held_icpc = Conference.objects.create(
        case=case,
        kind=ConferenceKind.INITIAL,
        enquiry=Section47Enquiry.objects.create(
            case=case,
            strategy_discussion=_held(case),
            start_date=today,
            icpc_target_date=today,
            lcpp=case.allocated_to,
            status="COMPLETED",
            outcome="SUBSTANTIATED_ICPC",
            completed_date=today,
        ),
        due_date=today,
        status="HELD",
        held_on=today,
        decision="PLAN",
    )
    plan = ProtectionPlan.objects.create(
        case=case,
        initial_conference=held_icpc,
        start_date=today,
        initial_category="NEG",
        latest_category="NEG",
        lead=case.allocated_to,
        core_group_due_date=today,
    )
    return {
        "case": case,
        "due": due,
        "enquiry": enquiry,
        "initial": initial,
        "plan": plan,
    }


def _case():
    return {"case_id": _records()["case"].pk}


def _strategy():
    return {"discussion_id": _records()["due"].pk}


def _enquiry():
    return {"enquiry_id": _records()["enquiry"].pk}


def _conference():
    return {"conference_id": _records()["initial"].pk}


def _plan():
    return {"plan_id": _records()["plan"].pk}


def _consultation():
    return {"consultation_id": _macpt_case().first_referral.consultation_id}


def _macpt():
    _records()
    return {"slug": "macpt-north"}


def _api(key, make):
    return lambda: {"pk": next(iter(make().values()))}


ROUTES = [
    Route("protection:home", expect(403, **{key: 302 for key in CASE_WORKERS})),
    Route("protection:mine", expect(403, **CASE_WORKERS)),
    Route("protection:queue", expect(403, **MACPT), kwargs=_macpt),
    Route("protection:case", expect(403, **MACPT), kwargs=_case, logs_access=True),
    Route("protection:strategy", expect(403, **MACPT), kwargs=_strategy, logs_access=True),
    Route("protection:enquiry", expect(403, **MACPT), kwargs=_enquiry, logs_access=True),
    Route("protection:conference", expect(403, **MACPT), kwargs=_conference, logs_access=True),
    Route("protection:core-group", expect(403, **MACPT), kwargs=_plan, logs_access=True),
    Route("protection:plan-end", expect(403, **MACPT), kwargs=_plan, logs_access=True),
    # A strategy discussion for a case stepped up to the MACPT: POST only; the case already has
    # one waiting, so a member of the team is sent back to the record with the reason.
    Route(
        "protection:strategy-start",
        expect(405, anonymous=405),
        kwargs=_case,
        post=expect(403, lcpp=302, rugby_fhlp=404, warwick_fhlp=404, team_manager=404),
    ),
    # The front door's record of its call to the MACPT: POST only, back to the consultation.
    Route(
        "referrals:macpt-call",
        expect(405, anonymous=405),
        kwargs=_consultation,
        post=expect(403, practitioner=302, fc_manager=302),
    ),
]

# The API: read only. Anonymous is 403 (no sign-in redirect); POST is 405 for those who may read.
API_CASE_WORKERS = {**CASE_WORKERS, "anonymous": 403}
API_MACPT = {**MACPT, "anonymous": 403}
for _name, _make in [
    ("strategy", _strategy),
    ("enquiry", _enquiry),
    ("conference", _conference),
    ("plan", _plan),
]:
    ROUTES += [
        Route(
            f"protection-api:{_name}-list",
            expect(403, **API_CASE_WORKERS),
            kwargs=lambda: (_records(), {})[1],
            post=expect(403, **{key: 405 for key in CASE_WORKERS}, anonymous=403),
        ),
        Route(
            f"protection-api:{_name}",
            expect(403, **API_MACPT),
            kwargs=_api(_name, _make),
            logs_access=True,
            # No endpoint takes a write: 405 before the record is looked up.
            post=expect(403, **{key: 405 for key in CASE_WORKERS}, anonymous=403),
        ),
    ]
