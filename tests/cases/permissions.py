"""Who may see and change the teams' work (docs/cases.md, "Who sees what").

The Rugby FHLP and the Rugby team manager work on Rugby's cases; the Warwick FHLP and the MACPT
LCPP are case workers in other teams, so Rugby's team pages and cases are "not found" for them;
everyone else has no case pages at all (403).
"""

from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case, CaseStatus, CaseTask
from locality.models import Team
from people.models import Person
from referrals.models import AuthorisationStatus, Consultation, ConsultationChild, Outcome
from tests.matrix import Route, expect

CASE_WORKERS = {"rugby_fhlp": 200, "warwick_fhlp": 200, "team_manager": 200, "lcpp": 200}
RUGBY = {"rugby_fhlp": 200, "team_manager": 200, "warwick_fhlp": 404, "lcpp": 404}
# Managers only, checked by role before the case is read: a case worker gets 403.
RUGBY_MANAGER = {"team_manager": 200}
FRONT_DOOR = {"practitioner": 200, "fc_manager": 200}


def _rugby_case(status=CaseStatus.INCOMING) -> Case:
    decider = User.objects.create(username="decider", role=Role.FC_PRACTITIONER)
    consultation = Consultation.objects.create(
        reference="FC-2026-999998",
        practitioner=decider,
        received_at=timezone.now(),
        decision_due_at=timezone.now(),
        status="COMPLETE",
        completed_at=timezone.now(),
    )
    rugby = Team.objects.get(slug="family-help-rugby")
    link = ConsultationChild.objects.create(
        consultation=consultation,
        child=Person.objects.create(given_name="Mia", family_name="Dawson"),
        outcome=Outcome.FAMILY_HELP_ASSESSMENT,
        team=rugby,
        authorisation=AuthorisationStatus.AUTHORISED,
        decided_by=decider,
    )
    ended = status not in (CaseStatus.INCOMING, CaseStatus.UNALLOCATED)
    return Case.objects.create(
        child=link.child,
        team=rugby,
        opened_by=link,
        first_referral=link,
        level="FAMILY_HELP",
        status=status,
        referral_date=timezone.localdate(),
        assessment_due_date=timezone.localdate(),
        opened_at=timezone.now(),
        closed_at=timezone.now() if ended else None,
        sent_back_reason="Wrong locality" if status == CaseStatus.SENT_BACK else "",
    )


def _case():
    return {"case_id": _rugby_case().pk}


def _sent_back():
    return {"case_id": _rugby_case(CaseStatus.SENT_BACK).pk}


def _task():
    case = _rugby_case(CaseStatus.UNALLOCATED)
    someone = User.objects.create(username="someone", role=Role.FHLP)
    task = CaseTask.objects.create(
        case=case,
        title="Visit",
        due_date=timezone.localdate(),
        assigned_to=someone,
        created_by=someone,
        created_at=timezone.now(),
    )
    return {"case_id": case.pk, "task_id": task.pk}


def _consultation():
    return {"consultation_id": _rugby_case().first_referral.consultation_id}


def _rugby():
    return {"slug": "family-help-rugby"}


# Case pages log the child (and anyone else they name: nobody else here) once per read.
CASE_PAGES = ["cases:case", "cases:note-add", "cases:task-add", "cases:transfer"]
MANAGER_PAGES = ["cases:intake", "cases:allocate", "cases:close"]

ROUTES = [
    Route("cases:mine", expect(403, **CASE_WORKERS)),
    # One team each: the page goes straight to it.
    Route("cases:teams", expect(403, **{key: 302 for key in CASE_WORKERS})),
    Route("cases:team", expect(403, **RUGBY), kwargs=_rugby),
    Route("cases:incoming", expect(403, **RUGBY), kwargs=_rugby),
    Route("cases:registration", expect(403, **CASE_WORKERS)),
    Route("cases:sent-back", expect(403, **FRONT_DOOR)),
    Route(
        "cases:sent-back-detail",
        expect(403, **FRONT_DOOR),
        kwargs=_sent_back,
        logs_access=True,
        # Reading is for the front door; deciding is the Family Connect manager's.
        post=expect(403, fc_manager=200),
    ),
    *[Route(name, expect(403, **RUGBY), kwargs=_case, logs_access=True) for name in CASE_PAGES],
    *[
        Route(name, expect(403, **RUGBY_MANAGER), kwargs=_case, logs_access=True)
        for name in MANAGER_PAGES
    ],
    # Marking a task done is POST only.
    Route(
        "cases:task-done",
        expect(405, anonymous=405),
        kwargs=_task,
        post=expect(403, rugby_fhlp=302, team_manager=302, warwick_fhlp=404, lcpp=404),
    ),
    Route(
        "referrals:consultation-record",
        expect(403, **FRONT_DOOR, **RUGBY),
        kwargs=_consultation,
        logs_access=True,
    ),
]

# The API: anonymous is 403 (no sign-in redirect). Writing is POST only; an empty body is a 400
# for those who may write, after the case is found (404 outside the team) and the manager check.
API_CASE_WORKERS = {**CASE_WORKERS, "anonymous": 403}
ROUTES += [
    Route("cases-api:case-list", expect(403, **API_CASE_WORKERS)),
    Route(
        "cases-api:case-detail",
        expect(403, **RUGBY, anonymous=403),
        kwargs=_case,
        logs_access=True,
    ),
    *[
        Route(
            name,
            expect(403, **{key: 405 for key in CASE_WORKERS}, anonymous=403),
            kwargs=_case,
            post=expect(403, team_manager=400, warwick_fhlp=404, lcpp=404, anonymous=403),
        )
        for name in ["cases-api:case-intake", "cases-api:case-allocate", "cases-api:case-close"]
    ],
    Route(
        "cases-api:case-transfer",
        expect(403, **{key: 405 for key in CASE_WORKERS}, anonymous=403),
        kwargs=_case,
        post=expect(
            403, rugby_fhlp=400, team_manager=400, warwick_fhlp=404, lcpp=404, anonymous=403
        ),
    ),
]
