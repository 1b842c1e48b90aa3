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


ROUTES = [
    Route("referrals:queue", expect(403, practitioner=200, fc_manager=200)),
    Route("referrals:authorisations", expect(403, fc_manager=200)),
    Route(
        "referrals:authorise", expect(403, fc_manager=200), kwargs=_waiting_link, logs_access=True
    ),
]
