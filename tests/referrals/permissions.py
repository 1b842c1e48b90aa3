from django.utils import timezone

from accounts.models import Role, User
from people.models import Person
from referrals.models import AuthorisationStatus, Consultation, ConsultationChild, Outcome
from tests.matrix import Route, expect


def _waiting_link():
    decider = User.objects.create(username="decider", role=Role.FC_PRACTITIONER)
    consultation = Consultation.objects.create(
        reference="FC-2026-999999",
        practitioner=decider,
        received_at=timezone.now(),
        decision_due_at=timezone.now(),
    )
    link = ConsultationChild.objects.create(
        consultation=consultation,
        child=Person.objects.create(given_name="Mia", family_name="Dawson"),
        outcome=Outcome.SINGLE_AGENCY,
        authorisation=AuthorisationStatus.AWAITING,
        decided_by=decider,
    )
    return {"link_id": link.pk}


def _consultation_naming_one_child():
    link = ConsultationChild.objects.get(pk=_waiting_link()["link_id"])
    return {"consultation_id": link.consultation_id}


FRONT_DOOR_API = {"practitioner": 200, "fc_manager": 200, "anonymous": 403}
FRONT_DOOR = {"practitioner": 200, "fc_manager": 200}


def _link_in_consultation():
    link = ConsultationChild.objects.get(pk=_waiting_link()["link_id"])
    return {"consultation_id": link.consultation_id, "link_id": link.pk}


def _child_in_consultation():
    link = ConsultationChild.objects.get(pk=_waiting_link()["link_id"])
    return {"consultation_id": link.consultation_id, "child_id": link.child_id}


# The consultation's pages: Family Connect only; each names the child, so each read logs a row
# per child (one here).
JOURNEY_PAGES = [
    "referrals:consultation",
    "referrals:step-caller",
    "referrals:step-children",
    "referrals:step-household",
    "referrals:step-concerns",
    "referrals:step-consent",
    "referrals:step-spectrum",
    "referrals:step-outcome",
]

ROUTES = [
    Route("referrals:queue", expect(403, practitioner=200, fc_manager=200)),
    Route("referrals:authorisations", expect(403, fc_manager=200)),
    Route(
        "referrals:authorise", expect(403, fc_manager=200), kwargs=_waiting_link, logs_access=True
    ),
    Route("referrals:consultation-new", expect(403, **FRONT_DOOR)),
    *[
        Route(
            name, expect(403, **FRONT_DOOR), kwargs=_consultation_naming_one_child, logs_access=True
        )
        for name in JOURNEY_PAGES
    ],
    Route(
        "referrals:child-outcome",
        expect(403, **FRONT_DOOR),
        kwargs=_link_in_consultation,
        logs_access=True,
    ),
    # A relationship for a child, picked from the household (issue 19, point 2).
    Route(
        "referrals:child-relationship",
        expect(403, **FRONT_DOOR),
        kwargs=_child_in_consultation,
        logs_access=True,
    ),
    # Submitting is POST only: GET is refused before anything is read.
    Route(
        "referrals:submit",
        expect(405, anonymous=405),
        kwargs=_consultation_naming_one_child,
        post=expect(403, practitioner=302, fc_manager=302, anonymous=302),
    ),
    # The API: anonymous is 403 (no sign-in redirect). The list names no child, so logs nothing;
    # the detail logs one row per child it names. Authorising is POST only: GET is 405.
    Route("consultations-api:consultation-list", expect(403, **FRONT_DOOR_API)),
    Route(
        "consultations-api:consultation-detail",
        expect(404, **FRONT_DOOR_API),
        kwargs=_consultation_naming_one_child,
        logs_access=True,
    ),
    Route(
        "consultations-api:consultation-authorise",
        expect(403, fc_manager=405, anonymous=403),
        kwargs=_consultation_naming_one_child,
        post=expect(403, fc_manager=400, anonymous=403),
    ),
]
