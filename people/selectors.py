import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from accounts import rules
from audit.access import record_get_for_user
from people.models import ChronologyEvent, LivesWith, Person, PersonMerge, Relationship
from people.search import Match, person_search  # noqa: F401  (the search is a selector too)


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


@dataclass
class RelatedPerson:
    """Someone linked to the person being viewed, as the viewer may see them."""

    person: Person | None  # None: a restricted record the viewer may not see
    kind_label: str
    relationship: Relationship | None = None
    lives_with: LivesWith | None = None

    @property
    def is_hidden(self) -> bool:
        return self.person is None


def relationships_for(*, user, person: Person, include_ended: bool = True) -> list[RelatedPerson]:
    """How everyone related to ``person`` relates to them, read from one row per pair."""
    rows = Relationship.objects.filter(Q(from_person=person) | Q(to_person=person)).select_related(
        "from_person", "to_person"
    )
    if not include_ended:
        rows = rows.filter(end_date__isnull=True)
    rows = list(rows)
    visible = _visible_ids(user, [r.other(person).pk for r in rows])
    related = []
    for row in rows:
        other = row.other(person)
        label = dict(row._meta.get_field("kind").choices)[row.kind_for(person)]
        related.append(
            RelatedPerson(
                person=other if other.pk in visible else None, kind_label=label, relationship=row
            )
        )
    return sorted(related, key=lambda r: (not r.relationship.is_current, r.kind_label))


def parental_responsibility_holders(*, person: Person):
    return Person.objects.filter(
        relationships_from__to_person=person,
        relationships_from__parental_responsibility=True,
        relationships_from__end_date__isnull=True,
    ).distinct()


def home_postcode(*, person: Person) -> str:
    """The postcode of the person's current address (the latest one still open), or ""."""
    address = person.addresses.filter(end_date__isnull=True).order_by("-start_date").first()
    return address.postcode if address else ""


def _visible_ids(user, ids) -> set:
    return set(people_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True))


def _living_together_on(on: dt.date) -> Q:
    return (Q(since_date__isnull=True) | Q(since_date__lte=on)) & (
        Q(until_date__isnull=True) | Q(until_date__gte=on)
    )


def parental_responsibility_holder_ids_by_child(*, child_ids, on: dt.date | None = None) -> dict:
    """For each child id, the ids of the people holding parental responsibility on a day."""
    on = on or timezone.localdate()
    holders = {pk: set() for pk in child_ids}
    for child_id, holder_id in (
        Relationship.objects.filter(to_person__in=child_ids, parental_responsibility=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=on))
        .values_list("to_person_id", "from_person_id")
    ):
        holders[child_id].add(holder_id)
    return holders


def households_of(*, user, people, on: dt.date | None = None) -> dict:
    """For each person: who they live with and who holds parental responsibility for them, in a
    fixed number of queries however many people. Someone the viewer may not see is given as
    None (shown as a restricted record)."""
    on = on or timezone.localdate()
    ids = [person.pk for person in people]
    lives_with = list(
        LivesWith.objects.filter(Q(person_a__in=ids) | Q(person_b__in=ids))
        .filter(_living_together_on(on))
        .values_list("person_a_id", "person_b_id")
    )
    holders = parental_responsibility_holder_ids_by_child(child_ids=ids, on=on)
    mentioned = {pk for pair in lives_with for pk in pair} | set().union(*holders.values())
    visible = {p.pk: p for p in people_visible_to(user=user).filter(pk__in=mentioned)}
    households = {}
    for me in ids:
        members = [b if a == me else a for a, b in lives_with if me in (a, b)]
        households[me] = {
            "members": [{"person": visible.get(pk)} for pk in dict.fromkeys(members)],
            "pr_holders": [visible[pk] for pk in holders[me] if pk in visible],
        }
    return households


def household_ids(*, person: Person, on: dt.date | None = None) -> list:
    """Everyone living with ``person`` on a day, directly or through someone else they live with."""
    return households_ids(people=[person], on=on)


def households_ids(*, people, on: dt.date | None = None) -> list:
    """Everyone living with any of ``people`` on a day, directly or through someone else they
    live with: one query per step outwards, however many people start the search."""
    current = _living_together_on(on or timezone.localdate())
    seen = {person.pk for person in people}
    frontier = list(seen)
    while frontier and len(seen) < 100:
        links = (
            LivesWith.objects.filter(current)
            .filter(Q(person_a__in=frontier) | Q(person_b__in=frontier))
            .values_list("person_a", "person_b")
        )
        frontier = []
        for a, b in links:
            for pk in (a, b):
                if pk not in seen:
                    seen.add(pk)
                    frontier.append(pk)
    return list(seen)


def household_for(*, user, person: Person) -> list[RelatedPerson]:
    """The person's household today, as the viewer may see it (themself excluded)."""
    ids = [pk for pk in household_ids(person=person) if pk != person.pk]
    links = {}
    for link in LivesWith.objects.filter(
        Q(person_a=person, person_b__in=ids) | Q(person_b=person, person_a__in=ids),
        until_date__isnull=True,
    ):
        # By id: link.other(person) would load the other person, one query per member.
        links[link.person_b_id if link.person_a_id == person.pk else link.person_a_id] = link
    visible = _visible_ids(user, ids)
    members = Person.objects.filter(pk__in=ids).order_by("date_of_birth", "given_name")
    return [
        RelatedPerson(
            person=member if member.pk in visible else None,
            kind_label="Lives with",
            lives_with=links.get(member.pk),
        )
        for member in members
    ]


def chronology_for(*, person: Person):
    return ChronologyEvent.objects.filter(person=person).select_related("recorded_by")


def household_timeline(*, user, person: Person):
    """Events about anyone in the household, newest first; hidden people's events are left out."""
    ids = _visible_ids(user, household_ids(person=person)) | {person.pk}
    return (
        ChronologyEvent.objects.filter(person__in=ids)
        .select_related("person", "recorded_by")
        .order_by("-occurred_at", "-recorded_at")
    )


def merges_for(*, person: Person):
    return PersonMerge.objects.filter(Q(survivor=person) | Q(merged=person)).select_related(
        "merged_by", "undone_by"
    )


def merge_get_for_user(*, request, merge_id) -> PersonMerge:
    return record_get_for_user(
        request=request,
        visible=PersonMerge.objects.filter(
            survivor__in=people_visible_to(user=request.user)
        ).select_related("survivor", "merged", "merged_by"),
        pk=merge_id,
        record_type="person-merge",
        person_id_of=lambda merge: merge.survivor_id,
    )
