import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts import rules
from audit.access import record_get_for_user
from audit.services import access_log_record_list
from people.models import (
    BreakGlassAccess,
    ChronologyEvent,
    LivesWith,
    Person,
    PersonMerge,
    Relationship,
)
from people.restriction import break_glass_person_ids, restriction_q
from people.scope import person_scopes
from people.search import Match, person_search  # noqa: F401  (the search is a selector too)


def people_visible_to(*, user):
    """The people this user may see: their scope, cut by the restriction rule
    (``people.restriction.restriction_q``), plus anyone in an unexpired break-glass access.

    The scope is everyone for front-door staff; for others, the people the registered scopes
    give them (a case worker: the people on their teams' cases, registered by the cases app
    through ``people.scope``; docs/cases.md)."""
    people = Person.objects.all()
    if rules.can_use_front_door(user):
        return people.filter(restriction_q(user=user))
    in_scope = None
    for scope in person_scopes():
        condition = Q(pk__in=scope(user=user))
        in_scope = condition if in_scope is None else in_scope | condition
    visible = people.filter(in_scope & restriction_q(user=user)) if in_scope else people.none()
    if rules.can_break_glass(user):
        visible = visible | people.filter(pk__in=break_glass_person_ids(user=user))
    return visible


class PersonNotFound(Http404):
    """The same 404 whether the person does not exist or the user may not see them; the 404
    page offers break-glass access to roles that may use it (and only to them), so it confirms
    nothing about the record to anyone."""

    def __init__(self, person_id):
        super().__init__("No person found")
        try:
            self.break_glass_url = reverse("people:break-glass", args=[person_id])
        except NoReverseMatch:  # not a person id at all
            self.break_glass_url = ""


def person_get_for_user(*, request, person_id, reason: str = "") -> Person:
    try:
        return record_get_for_user(
            request=request,
            visible=people_visible_to(user=request.user),
            pk=person_id,
            record_type="person",
            person_id_of=lambda person: person.pk,
            reason=reason,
        )
    except Http404:
        raise PersonNotFound(person_id) from None


def people_shown_log(*, request, subject: Person, people, reason: str) -> int:
    """One access-log row for each person shown on a page about ``subject`` (relatives, parental
    responsibility holders, household members), besides the subject's own row."""
    ids = [person.pk for person in people if person is not None and person.pk != subject.pk]
    if not ids:
        return 0
    return access_log_record_list(
        request=request, record_type="person", record_id=subject.pk, person_ids=ids, reason=reason
    )


def restriction_grants_for(*, person: Person):
    return person.restriction_grants.filter(ended_at__isnull=True).select_related(
        "user", "granted_by"
    )


def person_for_break_glass(*, person_id) -> Person:
    """The record a worker breaks glass for: any person not merged away, else a 404."""
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None:
        raise Http404("No person found")
    return person


def break_glass_awaiting_review():
    return BreakGlassAccess.objects.filter(review="").select_related("user", "person")


def break_glass_reviewed(*, limit: int = 50):
    return (
        BreakGlassAccess.objects.exclude(review="")
        .select_related("user", "person", "reviewed_by")
        .order_by("-reviewed_at")[:limit]
    )


def break_glass_get_for_reviewer(*, request, access_id) -> BreakGlassAccess:
    if not rules.can_review_break_glass(request.user):
        raise PermissionDenied
    return record_get_for_user(
        request=request,
        visible=BreakGlassAccess.objects.select_related("user", "person", "reviewed_by"),
        pk=access_id,
        record_type="break-glass",
        person_id_of=lambda access: access.person_id,
        reason="break-glass review",
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


HIDDEN_EVENT_TITLE = "Recorded with a restricted record"


def _events_as_seen_by(*, user, events) -> list:
    """Events as the user may see them: one naming a person the user may not see keeps its
    date and kind but loses its words."""
    events = list(events)
    about = {event.about_person_id for event in events if event.about_person_id}
    visible = _visible_ids(user, about) if about else set()
    for event in events:
        if event.about_person_id and event.about_person_id not in visible:
            event.title, event.summary = HIDDEN_EVENT_TITLE, ""
    return events


def chronology_for(*, user, person: Person, limit: int = 200) -> list:
    events = ChronologyEvent.objects.filter(person=person).select_related("recorded_by")
    return _events_as_seen_by(user=user, events=events[:limit])


def household_timeline(*, user, person: Person, limit: int = 500) -> list:
    """Events about anyone in the household, newest first; hidden people's events are left out."""
    ids = _visible_ids(user, household_ids(person=person)) | {person.pk}
    events = (
        ChronologyEvent.objects.filter(person__in=ids)
        .select_related("person", "recorded_by")
        .order_by("-occurred_at", "-recorded_at")
    )
    return _events_as_seen_by(user=user, events=events[:limit])


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
