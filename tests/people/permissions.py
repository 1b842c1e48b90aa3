from accounts.models import Role, User
from people.models import Person, RestrictionCategory
from people.services import PersonDetails, person_create, person_merge
from tests.matrix import Route, expect

FRONT_DOOR = {"practitioner": 200, "fc_manager": 200}
SAFETY = {"restricted": True, "restriction_category": RestrictionCategory.SAFETY}


def _person(**extra):
    def build():
        person = Person.objects.create(given_name="Ava", family_name="Morgan", **extra)
        return {"person_id": person.pk}

    return build


def _merge():
    manager = User.objects.create(username="merging.manager", role=Role.FC_MANAGER)
    kept = person_create(details=PersonDetails("Ava", "Morgan"), created_by=manager)
    duplicate = person_create(details=PersonDetails("Eva", "Morgan"), created_by=manager)
    merge = person_merge(survivor=kept, merged=duplicate, merged_by=manager, reason="Same child")
    return {"merge_id": merge.pk}


ROUTES = [
    Route("people:person-detail", expect(404, **FRONT_DOOR), kwargs=_person(), logs_access=True),
    Route(
        "people:person-detail",
        expect(404, fc_manager=200),
        kwargs=_person(**SAFETY),
        logs_access=True,
        variant="restricted",
    ),
    # The empty search form shows no one's data; a search writes one SEARCH row.
    Route("people:search", expect(403, **FRONT_DOOR)),
    Route(
        "people:search",
        expect(403, **FRONT_DOOR),
        query={"name": "Ava Morgan"},
        logs_access=True,
        variant="searched",
    ),
    # Without a search to follow, the add-person page sends the front door back to search.
    Route("people:person-create", expect(403, practitioner=302, fc_manager=302)),
    Route("people:household", expect(404, **FRONT_DOOR), kwargs=_person(), logs_access=True),
    Route(
        "people:household",
        expect(404, fc_manager=200),
        kwargs=_person(**SAFETY),
        logs_access=True,
        variant="restricted",
    ),
    Route("people:relationship-add", expect(403, **FRONT_DOOR), kwargs=_person(), logs_access=True),
    Route("people:person-merge", expect(403, fc_manager=200), kwargs=_person(), logs_access=True),
    Route("people:merge-detail", expect(403, fc_manager=200), kwargs=_merge, logs_access=True),
    Route("people-api:person-list", expect(403, **FRONT_DOOR, anonymous=403), logs_access=True),
    Route(
        "people-api:person-search",
        expect(403, practitioner=400, fc_manager=400, anonymous=403),
        logs_access=True,
    ),
    Route(
        "people-api:person-search",
        expect(403, **FRONT_DOOR, anonymous=403),
        query={"name": "Ava Morgan", "dob": "2015"},
        logs_access=True,
        variant="searched",
    ),
    Route(
        "people-api:person-detail",
        expect(404, **FRONT_DOOR, anonymous=403),
        kwargs=_person(),
        logs_access=True,
    ),
    Route(
        "people-api:person-detail",
        expect(404, fc_manager=200, anonymous=403),
        kwargs=_person(**SAFETY),
        logs_access=True,
        variant="restricted",
    ),
    Route(
        "people-api:person-relationships",
        expect(404, **FRONT_DOOR, anonymous=403),
        kwargs=_person(),
        logs_access=True,
    ),
]
