"""Every write to a person, their names, addresses, phones, flags, relationships and chronology.

Adding to a chronology (the one way for other apps)
----------------------------------------------------
Call ``chronology_event_record(person=..., occurred_at=..., kind="CONSULTATION", title=...,
source_type="referrals.consultation", source_id=str(consultation.pk), recorded_by=user)`` from
your own service, inside its transaction. One row per person the event is about (a consultation
about three children writes three rows). The person page lists a person's events; the household
timeline lists the events of everyone in the household, so a consultation about any child shows
there. ``kind`` is free text in UPPER_CASE (e.g. CONSULTATION, CASE_OPENED); every kind appears
on both pages, newest first. ``source_type``/``source_id`` let a page link back to your record.
Merging two people moves their events with them, and undoing the merge moves them back.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from audit.services import AccessAction, access_log_record_list
from people.codes import Disability, Sex
from people.identifiers import (
    la_child_id_normalise,
    nhs_number_normalise,
    phone_normalise,
    postcode_normalise,
    postcode_outward,
    upn_normalise,
)
from people.models import (
    CAN_HOLD_PR,
    ChronologyEvent,
    DuplicateDecision,
    DuplicateOutcome,
    FlagKind,
    LivesWith,
    NameKind,
    Person,
    PersonAddress,
    PersonFlag,
    PersonMerge,
    PersonName,
    PersonPhone,
    PersonSearch,
    PhoneKind,
    Relationship,
)
from people.names import name_normalise

logger = logging.getLogger(__name__)


class PersonMergeRefused(Exception):
    """The two records cannot be merged; the message says why, in words for a manager."""


class SearchRequired(Exception):
    """A person can only be created after a search by the same user (search before create)."""


SEARCH_VALID_FOR = dt.timedelta(hours=8)


# Chronology ---------------------------------------------------------------------------------


@transaction.atomic
def chronology_event_record(
    *,
    person: Person,
    occurred_at: dt.datetime,
    kind: str,
    title: str,
    summary: str = "",
    source_type: str = "",
    source_id: str = "",
    recorded_by=None,
    about_person: Person | None = None,
) -> ChronologyEvent:
    """Add one event to a person's chronology (and so to their household's timeline). An event
    naming someone else gives them as ``about_person``, so that a reader who may not see them
    (a restricted record) is not shown the event's words."""
    return ChronologyEvent.objects.create(
        person=person,
        about_person=about_person,
        occurred_at=occurred_at,
        kind=kind,
        title=title[:200],
        summary=summary,
        source_type=source_type,
        source_id=str(source_id),
        recorded_by=recorded_by,
    )


def _event(person, kind, title, by, summary="", about=None):
    return chronology_event_record(
        person=person,
        about_person=about,
        occurred_at=timezone.now(),
        kind=kind,
        title=title,
        summary=summary,
        source_type="people.person",
        source_id=str(person.pk),
        recorded_by=by,
    )


# People and names ---------------------------------------------------------------------------


@dataclass
class PersonDetails:
    """What a practitioner can give when recording a person; identifiers as typed."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    date_of_death: dt.date | None = None
    sex: str = Sex.UNKNOWN
    gender: str = ""
    ethnicity: str = ""
    first_language: str = ""
    interpreter_needed: bool = False
    religion: str = ""
    disabilities: list | None = None
    nhs_number: str = ""
    upn: str = ""
    la_child_id: str = ""
    school_or_setting: str = ""
    address_line_1: str = ""
    address_town: str = ""
    postcode: str = ""
    phone: str = ""
    restricted: bool = False
    restriction_category: str = ""


def person_details_validate(details: PersonDetails) -> dict:
    """Field-keyed errors for details a form or API did not already check; empty when valid."""
    errors = {}
    if not details.given_name.strip():
        errors["given_name"] = "Enter the person's given name"
    if not details.family_name.strip():
        errors["family_name"] = "Enter the person's family name"
    if details.date_of_birth and details.expected_date_of_birth:
        errors["expected_date_of_birth"] = (
            "Enter a date of birth or an expected date of birth, not both"
        )
    if details.date_of_birth and details.date_of_birth > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    if (
        details.date_of_death
        and details.date_of_birth
        and details.date_of_death < details.date_of_birth
    ):
        errors["date_of_death"] = "Date of death must be the same as or after the date of birth"
    disabilities = details.disabilities or []
    if Disability.NONE in disabilities and len(disabilities) > 1:
        errors["disabilities"] = "Select 'No disability' on its own, or only the disabilities"
    if details.restricted and not details.restriction_category:
        errors["restriction_category"] = "Select why the record is restricted"
    for field, normalise in [
        ("nhs_number", nhs_number_normalise),
        ("upn", upn_normalise),
        ("la_child_id", la_child_id_normalise),
        ("postcode", postcode_normalise),
        ("phone", phone_normalise),
    ]:
        value = getattr(details, field)
        if value:
            try:
                normalise(value)
            except ValidationError as error:
                errors[field] = error.messages[0]
    return errors


@transaction.atomic
def person_create(*, details: PersonDetails, created_by) -> Person:
    errors = person_details_validate(details)
    if errors:
        raise ValidationError(errors)
    person = Person.objects.create(
        given_name=details.given_name.strip(),
        family_name=details.family_name.strip(),
        date_of_birth=details.date_of_birth,
        expected_date_of_birth=details.expected_date_of_birth,
        date_of_death=details.date_of_death,
        sex=details.sex or Sex.UNKNOWN,
        gender=details.gender,
        ethnicity=details.ethnicity,
        first_language=details.first_language,
        interpreter_needed=details.interpreter_needed,
        religion=details.religion,
        disabilities=list(details.disabilities or []),
        nhs_number=nhs_number_normalise(details.nhs_number) if details.nhs_number else "",
        upn=upn_normalise(details.upn) if details.upn else "",
        la_child_id=la_child_id_normalise(details.la_child_id) if details.la_child_id else "",
        school_or_setting=details.school_or_setting,
        restricted=details.restricted,
        restriction_category=details.restriction_category if details.restricted else "",
        created_by=created_by,
        **(restriction_fields(set_by=created_by) if details.restricted else {}),
    )
    _name_write(
        person=person,
        kind=NameKind.CURRENT,
        given_name=person.given_name,
        family_name=person.family_name,
    )
    if details.postcode:
        person_address_add(
            person=person,
            postcode=details.postcode,
            line_1=details.address_line_1,
            town=details.address_town,
            added_by=created_by,
        )
    if details.phone:
        person_phone_add(person=person, number=details.phone, added_by=created_by)
    _event(person, "PERSON_RECORDED", "Record created", created_by)
    return person


def person_search_names_ensure(*, person: Person) -> None:
    """Give a person made outside ``person_create`` (bulk loads, fixtures) the current-name row
    that search reads, if they have none."""
    if not person.names.filter(kind=NameKind.CURRENT).exists():
        _name_write(
            person=person,
            kind=NameKind.CURRENT,
            given_name=person.given_name,
            family_name=person.family_name,
        )


def _name_write(*, person, kind, given_name, family_name, note="") -> PersonName:
    return PersonName.objects.create(
        person=person,
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        given_norm=name_normalise(given_name),
        family_norm=name_normalise(family_name),
        note=note,
    )


@transaction.atomic
def person_name_add(
    *, person: Person, kind: str, given_name: str, family_name: str, added_by, note: str = ""
) -> PersonName:
    """Record a previous name or an alias (the current name changes through person_rename)."""
    if kind == NameKind.CURRENT:
        raise ValueError("Use person_rename to change the current name")
    name = _name_write(
        person=person, kind=kind, given_name=given_name, family_name=family_name, note=note
    )
    _event(person, "NAME_ADDED", f"{name.get_kind_display()} recorded: {name}", added_by)
    return name


@transaction.atomic
def person_rename(*, person: Person, given_name: str, family_name: str, renamed_by) -> Person:
    """Change the current name; the old one is kept as a previous name so search still finds it."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    old = f"{person.given_name} {person.family_name}"
    PersonName.objects.filter(person=person, kind=NameKind.CURRENT).update(kind=NameKind.PREVIOUS)
    person.given_name, person.family_name = given_name.strip(), family_name.strip()
    person.save(update_fields=["given_name", "family_name"])
    _name_write(
        person=person, kind=NameKind.CURRENT, given_name=given_name, family_name=family_name
    )
    _event(person, "NAME_CHANGED", f"Name changed from {old} to {person}", renamed_by)
    return person


@transaction.atomic
def person_address_add(
    *,
    person: Person,
    postcode: str,
    added_by,
    line_1: str = "",
    line_2: str = "",
    town: str = "",
    start_date: dt.date | None = None,
) -> PersonAddress:
    """A new current address; the previous current address ends the day before it starts."""
    normalised = postcode_normalise(postcode)
    start_date = start_date or timezone.localdate()
    for previous in PersonAddress.objects.filter(person=person, end_date__isnull=True):
        previous.end_date = max(
            start_date - dt.timedelta(days=1), previous.start_date or dt.date.min
        )
        previous.save(update_fields=["end_date"])
    address = PersonAddress.objects.create(
        person=person,
        line_1=line_1,
        line_2=line_2,
        town=town,
        postcode=normalised,
        postcode_outward=postcode_outward(normalised),
        start_date=start_date,
    )
    _event(person, "ADDRESS_ADDED", f"Address recorded: {normalised}", added_by)
    return address


@transaction.atomic
def person_phone_add(
    *, person: Person, number: str, added_by, kind: str = PhoneKind.MOBILE
) -> PersonPhone:
    return PersonPhone.objects.create(
        person=person, kind=kind, number=number.strip(), number_normalised=phone_normalise(number)
    )


# Flags --------------------------------------------------------------------------------------


@transaction.atomic
def person_flag_set(
    *, person: Person, kind: str, start_date: dt.date, set_by, note: str = ""
) -> PersonFlag:
    if PersonFlag.objects.filter(person=person, kind=kind, end_date__isnull=True).exists():
        raise ValidationError({"kind": "This flag is already set. End it before setting it again"})
    flag = PersonFlag.objects.create(
        person=person, kind=kind, start_date=start_date, set_by=set_by, note=note
    )
    _event(person, "FLAG_SET", f"Flag set: {FlagKind(kind).label}", set_by)
    return flag


@transaction.atomic
def person_flag_end(*, flag: PersonFlag, end_date: dt.date, ended_by) -> PersonFlag:
    if end_date < flag.start_date:
        raise ValidationError(
            {"end_date": "The end date must be the same as or after the start date"}
        )
    flag.end_date, flag.ended_by = end_date, ended_by
    flag.save(update_fields=["end_date", "ended_by"])
    _event(flag.person, "FLAG_ENDED", f"Flag ended: {flag.get_kind_display()}", ended_by)
    return flag


# Relationships and households ---------------------------------------------------------------


@transaction.atomic
def relationship_record(
    *,
    from_person: Person,
    to_person: Person,
    kind: str,
    created_by,
    parental_responsibility: bool = False,
    family_network: bool = False,
    start_date: dt.date | None = None,
    note: str = "",
) -> Relationship:
    """Record "from_person is the <kind> of to_person"; the other direction is derived."""
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": "Choose someone other than the person themselves"})
    if parental_responsibility and kind not in CAN_HOLD_PR:
        raise ValidationError(
            {
                "parental_responsibility": "Only a parent, step-parent, carer or relative can hold parental responsibility"
            }
        )
    open_same = Relationship.objects.filter(
        models.Q(from_person=from_person, to_person=to_person)
        | models.Q(from_person=to_person, to_person=from_person),
        end_date__isnull=True,
    )
    if any(r.kind_for(to_person) == kind for r in open_same):
        raise ValidationError({"kind": "This relationship is already recorded"})
    relationship = Relationship.objects.create(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        parental_responsibility=parental_responsibility,
        family_network=family_network,
        start_date=start_date,
        note=note,
        created_by=created_by,
    )
    title = f"Relationship recorded: {relationship}"
    _event(from_person, "RELATIONSHIP_RECORDED", title, created_by, about=to_person)
    _event(to_person, "RELATIONSHIP_RECORDED", title, created_by, about=from_person)
    return relationship


@transaction.atomic
def relationship_with_household_record(
    *,
    from_person: Person,
    to_person: Person,
    kind: str,
    created_by,
    parental_responsibility: bool = False,
    family_network: bool = False,
    lives_with: bool = False,
    start_date: dt.date | None = None,
) -> Relationship:
    """A relationship and, when they live together, the lives-with link, all or nothing."""
    relationship = relationship_record(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        parental_responsibility=parental_responsibility,
        family_network=family_network,
        start_date=start_date,
        created_by=created_by,
    )
    already = LivesWith.objects.filter(
        models.Q(person_a=from_person, person_b=to_person)
        | models.Q(person_a=to_person, person_b=from_person),
        until_date__isnull=True,
    ).exists()
    if lives_with and not already:
        lives_with_record(
            person_a=from_person, person_b=to_person, since_date=start_date, created_by=created_by
        )
    return relationship


@transaction.atomic
def relationship_end(*, relationship: Relationship, end_date: dt.date, ended_by) -> Relationship:
    if relationship.start_date and end_date < relationship.start_date:
        raise ValidationError(
            {"end_date": "The end date must be the same as or after the start date"}
        )
    relationship.end_date = end_date
    relationship.save(update_fields=["end_date"])
    title = f"Relationship ended: {relationship}"
    _event(
        relationship.from_person,
        "RELATIONSHIP_ENDED",
        title,
        ended_by,
        about=relationship.to_person,
    )
    _event(
        relationship.to_person,
        "RELATIONSHIP_ENDED",
        title,
        ended_by,
        about=relationship.from_person,
    )
    return relationship


@transaction.atomic
def lives_with_record(
    *, person_a: Person, person_b: Person, created_by, since_date: dt.date | None = None
) -> LivesWith:
    if person_a.pk == person_b.pk:
        raise ValidationError({"person_b": "Choose someone other than the person themselves"})
    already = LivesWith.objects.filter(
        models.Q(person_a=person_a, person_b=person_b)
        | models.Q(person_a=person_b, person_b=person_a),
        until_date__isnull=True,
    )
    if already.exists():
        raise ValidationError({"person_b": "They are already recorded as living together"})
    link = LivesWith.objects.create(
        person_a=person_a, person_b=person_b, since_date=since_date, created_by=created_by
    )
    _event(person_a, "LIVES_WITH", f"Living with {person_b}", created_by, about=person_b)
    _event(person_b, "LIVES_WITH", f"Living with {person_a}", created_by, about=person_a)
    return link


@transaction.atomic
def lives_with_end(*, link: LivesWith, until_date: dt.date, ended_by) -> LivesWith:
    if link.since_date and until_date < link.since_date:
        raise ValidationError(
            {"until_date": "The end date must be the same as or after the start date"}
        )
    link.until_date = until_date
    link.save(update_fields=["until_date"])
    ended = "LIVES_WITH_ENDED"
    _event(
        link.person_a,
        ended,
        f"No longer living with {link.person_b}",
        ended_by,
        about=link.person_b,
    )
    _event(
        link.person_b,
        ended,
        f"No longer living with {link.person_a}",
        ended_by,
        about=link.person_a,
    )
    return link


# Search before create -----------------------------------------------------------------------


@transaction.atomic
def person_search_log(*, request, criteria: dict, matches: list) -> PersonSearch:
    """Keep the search (so a create can follow it) and write its access-log row."""
    search = PersonSearch.objects.create(
        user=request.user, criteria=criteria, result_count=len(matches)
    )
    # One row per person shown (a restricted placeholder shows nobody); one naming nobody when
    # the search found no one the user may see.
    access_log_record_list(
        request=request,
        action=AccessAction.SEARCH,
        record_type="person-search",
        record_id=search.pk,
        person_ids=[match.person.pk for match in matches if match.person] or [None],
        reason=f"{len(matches)} result{'s' if len(matches) != 1 else ''}",
    )
    return search


def person_search_for_create(*, user, search_id) -> PersonSearch:
    """The user's own recent search, which a create must follow; SearchRequired otherwise."""
    if not search_id:
        raise SearchRequired
    try:
        search = PersonSearch.objects.get(pk=search_id, user=user)
    except (PersonSearch.DoesNotExist, ValidationError, ValueError):
        raise SearchRequired from None
    if search.at < timezone.now() - SEARCH_VALID_FOR:
        raise SearchRequired
    return search


def _candidates_json(matches) -> list[dict]:
    return [
        {
            "person_id": str(match.person.pk) if match.person else None,
            "score": match.score,
            "restricted": match.is_restricted_placeholder,
        }
        for match in matches
    ]


@transaction.atomic
def duplicate_decision_pick_existing(
    *, search: PersonSearch, decided_by, candidates: list, chosen: Person
) -> DuplicateDecision:
    return DuplicateDecision.objects.create(
        search=search,
        decided_by=decided_by,
        outcome=DuplicateOutcome.PICKED_EXISTING,
        candidates=_candidates_json(candidates),
        chosen_person=chosen,
    )


@transaction.atomic
def person_create_after_search(
    *, search: PersonSearch, details: PersonDetails, created_by, candidates: list
) -> tuple[Person, DuplicateDecision]:
    """Create the person and record that the practitioner saw ``candidates`` and chose none."""
    person = person_create(details=details, created_by=created_by)
    decision = DuplicateDecision.objects.create(
        search=search,
        decided_by=created_by,
        outcome=DuplicateOutcome.NONE_OF_THESE
        if candidates
        else DuplicateOutcome.NO_LIKELY_DUPLICATES,
        candidates=_candidates_json(candidates),
        created_person=person,
    )
    return person, decision


# Merge and undo -----------------------------------------------------------------------------

# Rows that may link the two records to each other, or duplicate a row the survivor already
# has; they are set aside (kept in the merge record) rather than moved, and come back on undo.
_SET_ASIDE_ON_CONFLICT = {Relationship, LivesWith, PersonFlag}
_IDENTIFYING_FIELDS = [
    "date_of_birth",
    "expected_date_of_birth",
    "nhs_number",
    "upn",
    "la_child_id",
]
_NOT_MOVED = {(PersonMerge, "survivor"), (PersonMerge, "merged"), (Person, "merged_into")}


def _links_to(person: Person):
    """(model, field name, queryset) for every foreign key to Person, in every installed app.

    Hidden relations (``related_name="+"``) count too: a link is a link whatever its name.
    """
    for rel in Person._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        if rel.many_to_many:
            through = rel.through
            for field in through._meta.fields:
                if field.is_relation and field.related_model is Person:
                    yield (
                        through,
                        field.name,
                        through._default_manager.filter(**{field.name: person}),
                    )
            continue
        model, name = rel.related_model, rel.field.name
        if (model, name) in _NOT_MOVED:
            continue
        yield model, name, model._default_manager.filter(**{name: person})


def _merge_refusal(survivor: Person, merged: Person) -> str:
    if survivor.pk == merged.pk:
        return "Choose two different records to merge"
    if survivor.merged_into_id or merged.merged_into_id:
        return "One of these records has already been merged into another"
    if (survivor.restricted, survivor.restriction_category) != (
        merged.restricted,
        merged.restriction_category,
    ):
        return "These records have different restrictions, so they cannot be merged"
    for field, label in [("nhs_number", "NHS numbers"), ("upn", "UPNs")]:
        a, b = getattr(survivor, field), getattr(merged, field)
        if a and b and a != b:
            return f"These records have different {label}, so they are not the same person"
    return ""


@transaction.atomic
def person_merge(*, survivor: Person, merged: Person, merged_by, reason: str) -> PersonMerge:
    """Move everything linked to ``merged`` onto ``survivor``; the merge can be undone."""
    first, second = sorted([survivor.pk, merged.pk])
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[first, second])}
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    refusal = _merge_refusal(survivor, merged)
    if refusal:
        raise PersonMergeRefused(refusal)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why these records are the same person"})

    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    renamed = list(
        PersonName.objects.filter(person=merged, kind=NameKind.CURRENT).values_list("pk", flat=True)
    )
    PersonName.objects.filter(pk__in=renamed).update(kind=NameKind.ALIAS)

    moved, set_aside = [], []
    for model, field, rows in list(_links_to(merged)):
        for row in list(rows):
            try:
                with transaction.atomic():
                    model._default_manager.filter(pk=row.pk).update(**{field: survivor})
                moved.append({"model": model._meta.label_lower, "pk": str(row.pk), "field": field})
            except IntegrityError:
                if model not in _SET_ASIDE_ON_CONFLICT:
                    raise PersonMergeRefused(
                        f"A {model._meta.verbose_name} on the second record conflicts with one on "
                        "the first; resolve it before merging"
                    ) from None
                set_aside.append(serializers.serialize("json", [row]))
                row.delete()

    survivor_before = {}
    for field in _IDENTIFYING_FIELDS:
        if not getattr(survivor, field) and getattr(merged, field):
            survivor_before[field] = getattr(survivor, field)
            setattr(survivor, field, getattr(merged, field))
    if survivor.date_of_birth and survivor.expected_date_of_birth:
        survivor_before.setdefault("expected_date_of_birth", None)
        survivor.expected_date_of_birth = None
    if survivor_before:
        survivor.save(update_fields=list(survivor_before))
    survivor_before = {
        k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in survivor_before.items()
    }

    merge = PersonMerge.objects.create(
        survivor=survivor,
        merged=merged,
        merged_by=merged_by,
        reason=reason.strip(),
        moved=moved,
        set_aside=set_aside,
        survivor_before=survivor_before,
        renamed_names=renamed,
    )
    _event(survivor, "MERGED", f"Record {merged.pk} merged into this one", merged_by, reason)
    return merge


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, undone_by) -> PersonMerge:
    """Put every moved row back, restore the survivor's identifiers and the set-aside rows."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise PersonMergeRefused("This merge has already been undone")
    survivor, merged = merge.survivor, merge.merged
    if survivor.merged_into_id or merged.merged_into_id != survivor.pk:
        raise PersonMergeRefused("The records have changed since the merge; it cannot be undone")

    from django.apps import apps

    for link in merge.moved:
        model = apps.get_model(link["model"])
        model._default_manager.filter(pk=link["pk"], **{link["field"]: survivor}).update(
            **{link["field"]: merged}
        )
    PersonName.objects.filter(pk__in=merge.renamed_names).update(kind=NameKind.CURRENT)
    for serialised in merge.set_aside:
        for restored in serializers.deserialize("json", serialised):
            restored.save()
    for field, value in merge.survivor_before.items():
        if field.endswith("date_of_birth") and value:
            value = dt.date.fromisoformat(value)
        setattr(survivor, field, value if value is not None else (None if "date" in field else ""))
    if merge.survivor_before:
        survivor.save(update_fields=list(merge.survivor_before))
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    merge.undone_at, merge.undone_by = timezone.now(), undone_by
    merge.save(update_fields=["undone_at", "undone_by"])
    _event(survivor, "MERGE_UNDONE", f"Merge of record {merged.pk} undone", undone_by)
    _event(merged, "MERGE_UNDONE", f"Separated again from record {survivor.pk}", undone_by)
    return merge


# --- Restricted records and break-glass ------------------------------------------------------


class RestrictionRefused(Exception):
    """A restriction or break-glass change that cannot be made; the message says why."""


def restriction_fields(*, set_by, now=None) -> dict:
    """Who restricted a record, when, and when it is due for review."""
    from people.restriction import restriction_review_date

    now = now or timezone.now()
    return {
        "restricted_by": set_by,
        "restricted_at": now,
        "restriction_review_date": restriction_review_date(on=timezone.localdate(now)),
    }


@transaction.atomic
def person_restrict(*, person: Person, category: str, set_by) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise RestrictionRefused("This record was merged into another: restrict that one")
    person.restricted, person.restriction_category = True, category
    for field, value in restriction_fields(set_by=set_by).items():
        setattr(person, field, value)
    person.save(
        update_fields=[
            "restricted",
            "restriction_category",
            "restricted_by",
            "restricted_at",
            "restriction_review_date",
        ]
    )
    return person


@transaction.atomic
def restriction_grant(*, person: Person, user, granted_by):
    """Name a worker who may see this restricted person."""
    from people.models import RestrictionGrant

    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.restricted:
        raise RestrictionRefused("This record is not restricted: everyone in scope can see it")
    existing = RestrictionGrant.objects.filter(person=person, user=user, ended_at__isnull=True)
    if existing.exists():
        raise RestrictionRefused(f"{user} can already see this record")
    return RestrictionGrant.objects.create(
        person=person, user=user, granted_by=granted_by, granted_at=timezone.now()
    )


@transaction.atomic
def restriction_reviewed(*, person: Person, reviewed_by) -> Person:
    """A manager confirms the restriction still applies: the next review is due in
    ``RESTRICTION_REVIEW_DAYS``."""
    from people.restriction import restriction_review_date

    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.restricted:
        raise RestrictionRefused("This record is not restricted")
    person.restriction_review_date = restriction_review_date()
    person.save(update_fields=["restriction_review_date"])
    return person


def _break_glass_owner(person: Person):
    """Who answers for the record: the allocated worker of an open case, else whoever
    restricted it, else whoever created it."""
    case = (
        person.cases.exclude(status="CLOSED")
        .filter(allocated_to__isnull=False)
        .select_related("allocated_to")
        .order_by("-opened_at")
        .first()
    )
    return case.allocated_to if case else (person.restricted_by or person.created_by)


def _family_connect_manager_emails() -> set:
    from accounts.models import Role, User

    return set(
        User.objects.filter(role=Role.FC_MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _link(url_name: str, pk) -> str:
    return f"{settings.LETTER_BASE_URL}{reverse(url_name, args=[pk])}"


def _break_glass_notify(access_id) -> None:
    from people.models import BreakGlassAccess

    access = BreakGlassAccess.objects.select_related("user", "person").get(pk=access_id)
    owner = _break_glass_owner(access.person)
    to = sorted(
        _family_connect_manager_emails() | ({owner.email} if owner and owner.email else set())
    )
    if not to:
        logger.warning("Break-glass %s: nobody to tell (no manager or owner email)", access.pk)
        return
    review = _link("people:break-glass-review", access.pk)
    send_mail(
        subject="Break-glass access to a restricted or out-of-scope record",
        message=(
            f"{access.user} ({access.user.get_role_display()}) used break-glass access to a "
            f"record at {timezone.localtime(access.started_at):%-d %B %Y %H:%M}, until "
            f"{timezone.localtime(access.expires_at):%H:%M}.\n\n"
            f"Reason: {access.get_reason_display()}\n{access.reason_detail}\n\n"
            f"A manager must review this use: {review}\n"
        ),
        from_email=None,
        recipient_list=to,
    )


@transaction.atomic
def break_glass_start(*, user, person: Person, reason: str, reason_detail: str, now=None):
    """Open emergency access to one record for ``BREAK_GLASS_HOURS``; the record's owner and the
    Family Connect managers are emailed once the access is saved."""
    from people.models import BreakGlassAccess, BreakGlassReason

    errors = {}
    if reason not in BreakGlassReason.values:
        errors["reason"] = "Select why you need this record"
    if not reason_detail.strip():
        errors["reason_detail"] = "Explain why you need this record now"
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    access = BreakGlassAccess.objects.create(
        person=person,
        user=user,
        reason=reason,
        reason_detail=reason_detail.strip(),
        started_at=now,
        expires_at=now + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    from accounts.models import User

    User.objects.filter(pk=user.pk).update(
        break_glass_until=Greatest(
            Coalesce("break_glass_until", access.expires_at), access.expires_at
        )
    )
    held = getattr(user, "break_glass_until", None)
    user.break_glass_until = max(held, access.expires_at) if held else access.expires_at
    transaction.on_commit(lambda: _break_glass_notify(access.pk))
    return access


@transaction.atomic
def break_glass_review(*, access, manager, review: str, note: str = ""):
    """A manager's verdict on one use of break-glass: agreed, or referred to information
    governance. Each use is reviewed once, and never by the worker who used it."""
    from people.models import BreakGlassAccess, BreakGlassReview

    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if access.review:
        raise RestrictionRefused(
            f"This use was already reviewed by {access.reviewed_by} ({access.get_review_display()})"
        )
    if access.user_id == manager.pk:
        raise RestrictionRefused("Another manager must review your own use of break-glass")
    if review not in BreakGlassReview.values:
        raise ValidationError({"review": "Select agree or refer to information governance"})
    if review == BreakGlassReview.REFERRED and not note.strip():
        raise ValidationError({"review_note": "Say what information governance should look at"})
    access.review, access.review_note = review, note.strip()
    access.reviewed_by, access.reviewed_at = manager, timezone.now()
    access.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
    return access


def restriction_review_remind(*, today=None) -> int:
    """Email the managers about each restriction whose review is due: once per restriction per
    due date, however often this runs (a conditional update claims each reminder)."""
    today = today or timezone.localdate()
    to = sorted(_family_connect_manager_emails())
    due = Person.objects.filter(
        restricted=True, restriction_review_date__lte=today, merged_into__isnull=True
    ).exclude(restriction_reminded_for=models.F("restriction_review_date"))
    if not to:
        if due.exists():
            logger.warning("Restriction reviews are due but no manager has an email address")
        return 0
    sent = 0
    for person in due.select_related("restricted_by"):
        claimed = (
            Person.objects.filter(
                pk=person.pk, restriction_review_date=person.restriction_review_date
            )
            .exclude(restriction_reminded_for=person.restriction_review_date)
            .update(restriction_reminded_for=person.restriction_review_date)
        )
        if not claimed:
            continue
        send_mail(
            subject="A restricted record is due for review",
            message=(
                f"A record restricted ({person.get_restriction_category_display()}) by "
                f"{person.restricted_by or 'an unknown user'} is due for review on "
                f"{person.restriction_review_date:%-d %B %Y}.\n\n"
                f"Review it: {_link('people:restriction', person.pk)}\n"
            ),
            from_email=None,
            recipient_list=to,
        )
        sent += 1
    return sent
