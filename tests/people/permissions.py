from people.models import Person, RestrictionCategory
from tests.matrix import Route, expect


def _person(**extra):
    def build():
        person = Person.objects.create(given_name="Ava", family_name="Morgan", **extra)
        return {"person_id": person.pk}

    return build


ROUTES = [
    Route(
        "people:person-detail",
        expect(404, practitioner=200, fc_manager=200),
        kwargs=_person(),
        logs_access=True,
    ),
    Route(
        "people:person-detail",
        expect(404, fc_manager=200),
        kwargs=_person(restricted=True, restriction_category=RestrictionCategory.SAFETY),
        logs_access=True,
        variant="restricted",
    ),
]
