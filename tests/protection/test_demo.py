"""The demo's child protection work: the LCPP signs in to a queue with an enquiry on its clock."""

from django.urls import reverse

from accounts.models import User
from accounts.personas import PERSONAS
from familyfirst.demo_cases import demo_cases_ensure
from familyfirst.demo_protection import demo_protection_ensure
from people.demo import demo_families_ensure
from protection.models import Section47Enquiry
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


def test_the_demo_gives_the_lcpp_an_enquiry_under_way_once(
    postcodes,  # noqa: F811
    make_persona,
    client_for,
):
    for persona in PERSONAS:
        make_persona(persona.key)
    demo_families_ensure(created_by=User.objects.get(username="priya.practitioner"))
    demo_cases_ensure()

    assert demo_protection_ensure() == 1
    assert demo_protection_ensure() == 0

    enquiry = Section47Enquiry.objects.get()
    assert enquiry.lcpp.username == "leon.lcpp"
    queue = client_for("lcpp").get(reverse("protection:queue", args=["macpt-north"]))
    assert "Section 47 enquiry: initial conference by" in queue.content.decode()
