from accounts import rules
from audit.access import record_get_for_user
from people.models import Person


def people_visible_to(*, user):
    """The people this user may see. Later issues widen case workers' scope to their teams' cases."""
    people = Person.objects.all()
    if not rules.can_use_front_door(user):
        return people.none()
    if not rules.can_see_restricted_records(user):
        people = people.filter(restricted=False)
    return people


def person_get_for_user(*, request, person_id, reason: str = "") -> Person:
    return record_get_for_user(
        request=request,
        visible=people_visible_to(user=request.user),
        pk=person_id,
        record_type="person",
        person_id_of=lambda person: person.pk,
        reason=reason,
    )
