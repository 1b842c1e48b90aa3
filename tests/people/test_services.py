import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from people.codes import Disability
from people.models import (
    ChronologyEvent,
    FlagKind,
    LivesWith,
    NameKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
    RestrictionCategory,
)
from people.search import person_search
from people.selectors import household_ids, parental_responsibility_holders, relationships_for
from people.services import (
    PersonDetails,
    PersonMergeRefused,
    chronology_event_record,
    lives_with_end,
    lives_with_record,
    person_create,
    person_flag_end,
    person_flag_set,
    person_merge,
    person_merge_undo,
    person_rename,
    relationship_record,
)
from tests.people.factories import PersonFactory, valid_nhs_number

pytestmark = pytest.mark.django_db


def test_a_person_cannot_have_a_date_of_birth_and_an_expected_one(practitioner):
    details = PersonDetails(
        "Baby",
        "Lowe",
        date_of_birth=dt.date(2024, 1, 1),
        expected_date_of_birth=dt.date(2027, 1, 1),
    )

    with pytest.raises(ValidationError) as error:
        person_create(details=details, created_by=practitioner)

    assert "expected_date_of_birth" in error.value.message_dict


def test_the_database_also_refuses_both_dates():
    with pytest.raises(IntegrityError):
        Person.objects.create(
            given_name="A",
            family_name="B",
            date_of_birth=dt.date(2020, 1, 1),
            expected_date_of_birth=dt.date(2027, 1, 1),
        )


def test_no_disability_stands_alone(practitioner):
    details = PersonDetails("Sam", "Hill", disabilities=[Disability.NONE, Disability.HEAR])

    with pytest.raises(ValidationError, match="on its own"):
        person_create(details=details, created_by=practitioner)


def test_creating_a_person_records_their_searchable_name_and_a_chronology_event(practitioner):
    person = person_create(details=PersonDetails("Zoë", "Müller-Jones"), created_by=practitioner)

    name = person.names.get()
    assert (name.kind, name.given_norm, name.family_norm) == (
        NameKind.CURRENT,
        "zoe",
        "muller jones",
    )
    assert person.chronology.get().kind == "PERSON_RECORDED"


def test_a_renamed_person_is_still_found_by_their_old_name(practitioner):
    person = PersonFactory(given_name="Kelly", family_name="Brookes")

    person_rename(person=person, given_name="Kelly", family_name="Marsh", renamed_by=practitioner)

    assert person.names.get(kind=NameKind.CURRENT).family_name == "Marsh"
    assert person_search(user=practitioner, name="Kelly Brookes")[0].person == person


def test_a_relationship_reads_correctly_from_both_sides(practitioner):
    mother, child = PersonFactory(), PersonFactory()

    relationship_record(
        from_person=mother,
        to_person=child,
        kind=RelationshipKind.PARENT,
        parental_responsibility=True,
        created_by=practitioner,
    )

    assert [r.kind_label for r in relationships_for(user=practitioner, person=child)] == ["Parent"]
    assert [r.kind_label for r in relationships_for(user=practitioner, person=mother)] == ["Child"]
    assert list(parental_responsibility_holders(person=child)) == [mother]


def test_only_carers_can_hold_parental_responsibility(practitioner):
    friend, child = PersonFactory(), PersonFactory()

    with pytest.raises(ValidationError):
        relationship_record(
            from_person=friend,
            to_person=child,
            kind=RelationshipKind.FAMILY_FRIEND,
            parental_responsibility=True,
            created_by=practitioner,
        )


def test_the_same_relationship_cannot_be_recorded_twice_from_either_side(practitioner):
    sister, brother = PersonFactory(), PersonFactory()
    relationship_record(
        from_person=sister,
        to_person=brother,
        kind=RelationshipKind.SIBLING,
        created_by=practitioner,
    )

    with pytest.raises(ValidationError, match="already recorded"):
        relationship_record(
            from_person=brother,
            to_person=sister,
            kind=RelationshipKind.SIBLING,
            created_by=practitioner,
        )


def test_a_restricted_relative_is_shown_without_their_details(practitioner):
    child = PersonFactory()
    father = PersonFactory(restricted=True, restriction_category=RestrictionCategory.SAFETY)
    relationship_record(
        from_person=father, to_person=child, kind=RelationshipKind.PARENT, created_by=None
    )

    related = relationships_for(user=practitioner, person=child)

    assert related[0].is_hidden and related[0].kind_label == "Parent"


def test_a_household_is_everyone_linked_by_living_together_today(practitioner):
    mum, child, partner, lodger_who_left = (PersonFactory() for _ in range(4))
    lives_with_record(person_a=mum, person_b=child, created_by=practitioner)
    lives_with_record(
        person_a=partner, person_b=mum, since_date=dt.date(2023, 5, 1), created_by=practitioner
    )
    link = lives_with_record(
        person_a=lodger_who_left,
        person_b=mum,
        since_date=dt.date(2024, 1, 1),
        created_by=practitioner,
    )
    lives_with_end(
        link=link, until_date=timezone.localdate() - dt.timedelta(days=1), ended_by=practitioner
    )

    assert set(household_ids(person=child)) == {mum.pk, child.pk, partner.pk}
    assert set(household_ids(person=child, on=dt.date(2023, 1, 1))) == {mum.pk, child.pk}


def test_a_flag_keeps_who_set_it_and_ends(practitioner):
    child = PersonFactory()

    flag = person_flag_set(
        person=child, kind=FlagKind.YOUNG_CARER, start_date=dt.date(2025, 1, 6), set_by=practitioner
    )
    person_flag_end(flag=flag, end_date=dt.date(2025, 9, 1), ended_by=practitioner)

    flag.refresh_from_db()
    assert (flag.set_by, flag.ended_by, flag.is_current) == (practitioner, practitioner, False)


def test_a_flag_cannot_be_set_twice_while_open(practitioner):
    child = PersonFactory()
    person_flag_set(
        person=child,
        kind=FlagKind.KINSHIP_CARE,
        start_date=dt.date(2025, 1, 6),
        set_by=practitioner,
    )

    with pytest.raises(ValidationError, match="already set"):
        person_flag_set(
            person=child,
            kind=FlagKind.KINSHIP_CARE,
            start_date=dt.date(2025, 2, 6),
            set_by=practitioner,
        )


def test_other_apps_add_to_the_chronology_with_one_service(practitioner):
    child = PersonFactory()

    chronology_event_record(
        person=child,
        occurred_at=timezone.now(),
        kind="CONSULTATION",
        title="Consultation with school DSL",
        source_type="referrals.consultation",
        source_id="42",
        recorded_by=practitioner,
    )

    assert child.chronology.filter(kind="CONSULTATION", source_id="42").exists()


@pytest.fixture
def duplicates(fc_manager):
    """Two records of one child, each with its own links, and a link between them."""
    kept = PersonFactory(
        given_name="Ava", family_name="Morgan", date_of_birth=None, postcode="CV21 2AB"
    )
    duplicate = PersonFactory(
        given_name="Eva",
        family_name="Morgan",
        date_of_birth=dt.date(2016, 4, 4),
        nhs_number=valid_nhs_number(3),
        postcode="CV21 3CD",
    )
    mother = PersonFactory(given_name="Claire", family_name="Morgan")
    relationship_record(
        from_person=mother,
        to_person=duplicate,
        kind=RelationshipKind.PARENT,
        parental_responsibility=True,
        created_by=fc_manager,
    )
    relationship_record(
        from_person=kept, to_person=duplicate, kind=RelationshipKind.SIBLING, created_by=fc_manager
    )
    lives_with_record(person_a=mother, person_b=duplicate, created_by=fc_manager)
    person_flag_set(
        person=duplicate, kind=FlagKind.SEND_EHCP, start_date=dt.date(2024, 9, 1), set_by=fc_manager
    )
    return kept, duplicate, mother


def test_merging_moves_every_link_to_the_kept_record(duplicates, fc_manager):
    kept, duplicate, mother = duplicates

    merge = person_merge(
        survivor=kept,
        merged=duplicate,
        merged_by=fc_manager,
        reason="Same NHS number on the school's record",
    )

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept
    assert (kept.date_of_birth, kept.nhs_number) == (dt.date(2016, 4, 4), valid_nhs_number(3))
    assert kept.addresses.count() == 2
    assert kept.flags.filter(kind=FlagKind.SEND_EHCP).exists()
    assert list(parental_responsibility_holders(person=kept)) == [mother]
    assert LivesWith.objects.filter(person_b=kept).exists()
    assert kept.names.filter(kind=NameKind.ALIAS, given_name="Eva").exists()
    assert not Relationship.objects.filter(from_person=kept, to_person=kept).exists()
    assert len(merge.set_aside) == 1  # the sibling link between the two records
    assert kept.chronology.filter(kind="MERGED").exists()
    assert person_search(user=fc_manager, name="Eva Morgan")[0].person == kept


def test_undoing_a_merge_puts_everything_back(duplicates, fc_manager):
    kept, duplicate, mother = duplicates
    names_before = set(PersonName.objects.filter(person=duplicate).values_list("pk", "kind"))
    events_before = ChronologyEvent.objects.filter(person=duplicate).count()
    merge = person_merge(survivor=kept, merged=duplicate, merged_by=fc_manager, reason="Same child")

    person_merge_undo(merge=merge, undone_by=fc_manager)

    kept.refresh_from_db()
    duplicate.refresh_from_db()
    merge.refresh_from_db()
    assert duplicate.merged_into is None
    assert (kept.date_of_birth, kept.nhs_number) == (None, "")
    assert duplicate.nhs_number == valid_nhs_number(3)
    assert (
        set(PersonName.objects.filter(person=duplicate).values_list("pk", "kind")) == names_before
    )
    assert list(parental_responsibility_holders(person=duplicate)) == [mother]
    assert Relationship.objects.filter(from_person=kept, to_person=duplicate).exists()
    assert ChronologyEvent.objects.filter(person=duplicate).count() == events_before + 1
    assert (merge.undone_by, merge.undone_at is not None) == (fc_manager, True)


def test_a_merge_cannot_be_undone_twice(duplicates, fc_manager):
    kept, duplicate, _ = duplicates
    merge = person_merge(survivor=kept, merged=duplicate, merged_by=fc_manager, reason="Same")
    person_merge_undo(merge=merge, undone_by=fc_manager)

    with pytest.raises(PersonMergeRefused, match="already been undone"):
        person_merge_undo(merge=merge, undone_by=fc_manager)


@pytest.mark.parametrize(
    ("kept_extra", "duplicate_extra", "message"),
    [
        (
            {},
            {"restricted": True, "restriction_category": RestrictionCategory.SAFETY},
            "different restrictions",
        ),
        (
            {"restricted": True, "restriction_category": RestrictionCategory.ADOPTION},
            {"restricted": True, "restriction_category": RestrictionCategory.SAFETY},
            "different restrictions",
        ),
        (
            {"nhs_number": valid_nhs_number(5)},
            {"nhs_number": valid_nhs_number(6)},
            "different NHS numbers",
        ),
    ],
)
def test_a_merge_is_refused_when_the_records_cannot_be_one_person(
    fc_manager, kept_extra, duplicate_extra, message
):
    kept, duplicate = PersonFactory(**kept_extra), PersonFactory(**duplicate_extra)

    with pytest.raises(PersonMergeRefused, match=message):
        person_merge(survivor=kept, merged=duplicate, merged_by=fc_manager, reason="Same")

    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
