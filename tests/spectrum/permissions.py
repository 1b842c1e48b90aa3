import datetime

from django.utils import timezone

from accounts.models import Role, User
from people.models import Person, RestrictionCategory
from spectrum.models import SpectrumDecision
from spectrum.selectors import framework_current
from spectrum.services import framework_v1_ensure
from tests.matrix import Route, expect

RESTRICTED = {"restricted": True, "restriction_category": RestrictionCategory.SAFETY}


def _child(**extra) -> Person:
    framework_v1_ensure()
    return Person.objects.create(
        given_name="Ava",
        family_name="Morgan",
        date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 6),
        **extra,
    )


def _person_kwargs(**extra):
    return lambda: {"person_id": _child(**extra).pk}


def _decision_kwargs():
    person = _child()
    decider, _ = User.objects.get_or_create(
        username="dora.decider", defaults={"role": Role.FC_PRACTITIONER}
    )
    decision = SpectrumDecision.objects.create(
        person=person,
        framework=framework_current(),
        suggested_level="EARLY_SUPPORT",
        decided_level="EARLY_SUPPORT",
        decided_by=decider,
        decided_at=timezone.now(),
    )
    return {"decision_id": decision.pk}


ROUTES = [
    # Recording a decision is front-door work: other roles are refused before any child loads.
    Route(
        "spectrum:decision-picker",
        expect(403, practitioner=200, fc_manager=200),
        kwargs=_person_kwargs(),
        logs_access=True,
    ),
    Route(
        "spectrum:decision-picker",
        expect(403, practitioner=404, fc_manager=200),
        kwargs=_person_kwargs(**RESTRICTED),
        logs_access=True,
        variant="restricted",
    ),
    Route(
        "spectrum:decision-history",
        expect(404, practitioner=200, fc_manager=200),
        kwargs=_person_kwargs(),
        logs_access=True,
    ),
    Route(
        "spectrum:decision-history",
        expect(404, fc_manager=200),
        kwargs=_person_kwargs(**RESTRICTED),
        logs_access=True,
        variant="restricted",
    ),
    # Authorising changes state, so it accepts POST only.
    Route(
        "spectrum:decision-authorise",
        expect(405, anonymous=405),
        kwargs=_decision_kwargs,
        logs_access=True,
        post=expect(403, fc_manager=302, anonymous=302),
    ),
    Route("spectrum:consistency", expect(403, fc_manager=200, team_manager=200)),
    # The API answers visitors with its own 403 rather than a redirect to sign in.
    Route("api-spectrum-framework-current", expect(200, anonymous=403, stranger=403)),
    Route(
        "api-spectrum-suggest",
        expect(405, anonymous=403, stranger=403),
        post=expect(400, anonymous=403, stranger=403),
    ),
]
