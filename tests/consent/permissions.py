from django.utils import timezone

from consent.models import (
    ConsentException,
    ConsentRecord,
    ConsentStatus,
    ExceptionReason,
    FamilyTold,
    Purpose,
)
from people.models import Person, Relationship
from tests.matrix import Route, expect

FRONT_DOOR_ONLY = {"practitioner": 200, "fc_manager": 200}


def _child():
    return Person.objects.create(given_name="Mia", family_name="Dawson")


def _child_kwargs():
    return {"person_id": _child().pk}


def _given_consent():
    from accounts.models import User

    child = _child()
    mother = Person.objects.create(given_name="Claire", family_name="Dawson")
    Relationship.objects.create(
        from_person=mother, to_person=child, kind="PARENT", parental_responsibility=True
    )
    recorder = User.objects.create(username="recorder")
    record = ConsentRecord.objects.create(
        child=child,
        purpose=Purpose.REFERRAL,
        status=ConsentStatus.GIVEN,
        given_by=mother,
        capacity="PARENTAL_RESPONSIBILITY",
        method="VERBAL",
        answered_at=timezone.now(),
        recorded_by=recorder,
    )
    return {"consent_id": record.pk}


def _exception():
    from accounts.models import User

    exception = ConsentException.objects.create(
        child=_child(),
        purpose=Purpose.REFERRAL,
        reason=ExceptionReason.INCREASES_RISK,
        rationale="Would alert the alleged perpetrator",
        decided_by=User.objects.create(username="decider"),
        family_told=FamilyTold.NOT_YET,
    )
    return {"exception_id": exception.pk}


def _api_query(**extra):
    def build():
        return {"_query": {"child": str(_child().pk), **extra}}

    return build


# Recording needs a front-door or case-work role (403 otherwise); the child must then be visible
# to the user (404 otherwise), and today only the front door sees children.
RECORDING = expect(
    403, **FRONT_DOOR_ONLY, rugby_fhlp=404, warwick_fhlp=404, team_manager=404, lcpp=404
)
API = expect(404, anonymous=403, **FRONT_DOOR_ONLY)
# Recording through the API: front door and case workers may (an empty body is a 400; the child
# is looked up only in a valid request, 404 if not theirs); nobody else.
API_RECORDING = expect(
    403,
    practitioner=400,
    fc_manager=400,
    rugby_fhlp=400,
    warwick_fhlp=400,
    team_manager=400,
    lcpp=400,
    anonymous=403,
)

ROUTES = [
    Route(
        "consent:child-consent",
        expect(404, **FRONT_DOOR_ONLY),
        kwargs=_child_kwargs,
        logs_access=True,
    ),
    Route("consent:answer-create", RECORDING, kwargs=_child_kwargs, logs_access=True),
    Route("consent:exception-create", RECORDING, kwargs=_child_kwargs, logs_access=True),
    Route("consent:withdraw", RECORDING, kwargs=_given_consent, logs_access=True),
    Route("consent:exception-queue", expect(403, fc_manager=200, team_manager=200)),
    Route(
        "consent:exception-approve",
        expect(403, fc_manager=200, team_manager=404),
        kwargs=_exception,
        logs_access=True,
    ),
    Route("consent:sharing-log", expect(403, auditor=200, fc_manager=200, team_manager=200)),
    Route("api-consent-records", API, kwargs=_api_query(), logs_access=True, post=API_RECORDING),
    Route("api-consent-exceptions", API, kwargs=_api_query(), logs_access=True, post=API_RECORDING),
    Route("api-consent-check", API, kwargs=_api_query(purpose="REFERRAL"), logs_access=True),
]
