"""The demo's synthetic families: searchable, with parental responsibility and households, and
added once only."""

from accounts.models import Role, User
from people.demo import demo_families_ensure
from people.models import LivesWith, Person, Relationship
from people.search import person_search
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


def test_demo_families_can_be_found_and_routed_and_are_added_once(postcodes):  # noqa: F811
    user = User.objects.create(username="demo.practitioner", role=Role.FC_PRACTITIONER)

    made = demo_families_ensure(created_by=user, families=5)

    assert made == 5
    child = Person.objects.filter(date_of_birth__isnull=False).order_by("-date_of_birth").first()
    assert Relationship.objects.filter(to_person=child, parental_responsibility=True).exists()
    assert LivesWith.objects.filter(person_b=child).exists()
    assert child.addresses.get().postcode.startswith(("B", "CV", "OX", "GL", "WR"))
    matches = person_search(user=user, name=f"{child.given_name} {child.family_name}")
    assert matches[0].person == child
    assert demo_families_ensure(created_by=user) == 0
