"""The demo's cases: a newcomer signing in as a team persona sees a caseload."""

from django.urls import reverse

from accounts.models import User
from accounts.personas import PERSONAS
from cases.models import Case, CaseStatus
from familyfirst.demo_cases import demo_cases_ensure
from people.demo import demo_families_ensure
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


def test_every_team_persona_has_a_caseload_and_the_demo_adds_cases_once(
    postcodes,  # noqa: F811
    make_persona,
    client_for,
):
    for persona in PERSONAS:
        make_persona(persona.key)
    demo_families_ensure(created_by=User.objects.get(username="priya.practitioner"))

    made = demo_cases_ensure()

    assert made >= 6
    for username in ("rhiannon.rugby", "william.warwick", "leon.lcpp"):
        assert Case.objects.filter(
            allocated_to__username=username, status=CaseStatus.ALLOCATED
        ).exists(), username
    assert Case.objects.filter(team__slug="family-help-rugby", status=CaseStatus.INCOMING).exists()
    mine = client_for("rugby_fhlp").get(reverse("cases:mine")).content.decode()
    assert "Allocated to you: 0" not in mine
    assert demo_cases_ensure() == 0
