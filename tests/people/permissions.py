from accounts.models import Role, User
from people.models import BreakGlassReason, Person, RestrictionCategory
from people.services import PersonDetails, break_glass_start, person_create, person_merge
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


def _break_glass():
    worker = User.objects.create(username="glass.breaker", role=Role.FC_PRACTITIONER)
    person = Person.objects.create(given_name="Ava", family_name="Morgan", **SAFETY)
    access = break_glass_start(
        user=worker,
        person=person,
        reason=BreakGlassReason.IMMEDIATE_RISK,
        reason_detail="Police at the door",
    )
    return {"access_id": access.pk}


# Workers who may break glass; never auditors, administrators or accounts with no role.
MAY_BREAK_GLASS = {
    "practitioner": 200,
    "fc_manager": 200,
    "rugby_fhlp": 200,
    "warwick_fhlp": 200,
    "team_manager": 200,
    "lcpp": 200,
}

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
    # The relationship picker's name search: a row for the person and one per person found.
    Route(
        "people:relationship-add",
        expect(403, **FRONT_DOOR),
        kwargs=_person(),
        query={"name": "Ava Morgan"},
        variant="searched",
    ),
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
    # The form names nobody (it works the same for an id that does not exist).
    Route("people:break-glass", expect(403, **MAY_BREAK_GLASS), kwargs=_person(**SAFETY)),
    Route(
        "people:restriction",
        expect(403, fc_manager=200),
        kwargs=_person(**SAFETY),
        logs_access=True,
    ),
    Route("people:break-glass-queue", expect(403, fc_manager=200), logs_access=True),
    Route(
        "people:break-glass-review",
        expect(403, fc_manager=200),
        kwargs=_break_glass,
        logs_access=True,
    ),
]
