"""The demo's plans: the Rugby FHLP signs in to a plan, the co-ordinator to a referral."""

from django.urls import reverse

from accounts.models import User
from accounts.personas import PERSONAS
from familyfirst.demo_cases import demo_cases_ensure
from people.demo import demo_families_ensure
from plans.demo import demo_plans_ensure
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


def test_the_demo_adds_a_plan_and_a_family_network_referral_once(
    postcodes,  # noqa: F811
    make_persona,
    client_for,
):
    for persona in PERSONAS:
        make_persona(persona.key)
    demo_families_ensure(created_by=User.objects.get(username="priya.practitioner"))
    demo_cases_ensure()

    made = demo_plans_ensure()

    assert made == 1
    plans = client_for("rugby_fhlp").get(reverse("plans:caseload")).content.decode()
    assert "Family Help plan" in plans
    queue = client_for("fnm_coordinator").get(reverse("plans:fnm-queue")).content.decode()
    assert "Waiting for a co-ordinator" in queue
    assert demo_plans_ensure() == 0
