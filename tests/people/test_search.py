"""Search quality: each kind of variation a practitioner types finds the right person, and says why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from people.models import NameKind, RestrictionCategory
from people.search import RESTRICTED_MATCH_MESSAGE, dob_query_parse, person_search
from people.services import person_address_add, person_name_add, person_phone_add
from tests.people.factories import PersonFactory, valid_nhs_number, valid_upn

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """A small population: the people searched for, and near neighbours that must rank lower."""
    people = {
        "william": PersonFactory(
            given_name="William",
            family_name="Smith",
            date_of_birth=dt.date(2015, 3, 7),
            postcode="CV21 2AB",
            nhs_number=valid_nhs_number(1),
            upn=valid_upn(1),
        ),
        "margaret": PersonFactory(
            given_name="Margaret",
            family_name="O'Brien",
            date_of_birth=dt.date(1984, 11, 2),
            postcode="CV34 4RL",
            phone="07700 900982",
        ),
        "zoe": PersonFactory(
            given_name="Zoë",
            family_name="Müller-Jones",
            date_of_birth=dt.date(2019, 1, 30),
            postcode="CV1 1AA",
        ),
        "jonathan": PersonFactory(
            given_name="Jonathan",
            family_name="Taylor",
            date_of_birth=dt.date(2010, 6, 1),
            postcode="B1 1AA",
        ),
        "wendy": PersonFactory(
            given_name="Wendy",
            family_name="Smith",
            date_of_birth=dt.date(1988, 3, 12),
            postcode="CV21 2AB",
        ),
        "other_william": PersonFactory(
            given_name="William",
            family_name="Smithers",
            date_of_birth=dt.date(2001, 8, 19),
            postcode="OX16 5AA",
        ),
    }
    for n in range(12):
        PersonFactory(given_name=f"Filler{n}", family_name=f"Person{n}")
    return people


def _first(user, **query):
    matches = person_search(user=user, **query)
    assert matches, f"nothing found for {query}"
    return matches[0]


@pytest.mark.parametrize(
    ("query", "expected", "reason"),
    [
        ({"name": "William Smith"}, "william", "Same name"),
        ({"name": "Wiliam Smith"}, "william", "Given name is like William"),  # dropped letter
        ({"name": "William Smtih"}, "william", "Family name is like Smith"),  # transposition
        ({"name": "Wiliam Smtih"}, "william", "Family name is like Smith"),  # two typos
        ({"name": "Bill Smith"}, "william", "William is a common form of Bill"),  # nickname
        ({"name": "Peggy OBrien"}, "margaret", "Margaret is a common form of Peggy"),
        ({"name": "Margaret O Brien"}, "margaret", "Same given name"),  # punctuation
        ({"name": "Zoe Muller-Jones"}, "zoe", "Same name"),  # diacritics
        ({"name": "Zoe Jones"}, "zoe", "Family name is part of Müller-Jones"),  # hyphenated
        ({"name": "Zoe Muller"}, "zoe", "Family name is part of Müller-Jones"),
        ({"name": "Jnoathan Taylor"}, "jonathan", "Given name is like Jonathan"),
        ({"name": "Smith, William"}, "william", "Same name"),  # family name first
        ({"dob": "7/3/2015"}, "william", "Same date of birth"),
        ({"dob": "3/7/2015"}, "william", "Same date of birth with day and month swapped"),
        ({"name": "Smith", "dob": "2015"}, "william", "Born in 2015"),
        ({"name": "Smith", "dob": "3/2015"}, "william", "Born in March 2015"),
        ({"nhs_number": valid_nhs_number(1)}, "william", "Same NHS number"),
        ({"upn": valid_upn(1)}, "william", "Same UPN"),
        ({"name": "Smith", "postcode": "cv212ab"}, "wendy", "Lives at CV21 2AB"),
        ({"name": "Taylor", "postcode": "B1"}, "jonathan", "Lives in the B1 area"),
        ({"phone": "+44 7700 900982"}, "margaret", "Same phone number"),
    ],
)
def test_each_kind_of_variation_finds_the_person_and_says_why(
    family, practitioner, query, expected, reason
):
    matches = person_search(user=practitioner, **query)

    found = next(m for m in matches if m.person == family[expected])
    assert found.score == matches[0].score  # the best match, or level with it
    assert reason in found.reasons


def test_an_exact_match_ranks_above_a_near_miss(family, practitioner):
    matches = person_search(user=practitioner, name="William Smith", dob="2015-03-07")

    assert [m.person for m in matches[:2]] == [family["william"], family["other_william"]]
    assert matches[0].score > matches[1].score


def test_a_previous_family_name_still_finds_the_person(practitioner):
    person = PersonFactory(given_name="Kelly", family_name="Marsh")
    person_name_add(
        person=person,
        kind=NameKind.PREVIOUS,
        given_name="Kelly",
        family_name="Brookes",
        added_by=None,
    )

    match = _first(practitioner, name="Kelly Brookes")

    assert match.person == person
    assert "Matched on previous name Kelly Brookes" in match.reasons


def test_a_changed_family_name_is_found_by_given_name_and_date_of_birth(family, practitioner):
    match = _first(practitioner, name="Margaret Wilson", dob="1984-11-02")

    assert match.person == family["margaret"]
    assert {"Same given name", "Same date of birth"} <= set(match.reasons)


def test_someone_who_moved_is_found_at_an_old_postcode(practitioner):
    person = PersonFactory(given_name="Owen", family_name="Price", postcode="CV37 6AA")
    person_address_add(
        person=person, postcode="CV35 9BB", added_by=None, start_date=dt.date.today()
    )

    match = _first(practitioner, name="Owen Price", postcode="CV37 6AA")

    assert "Lived at CV37 6AA" in match.reasons
    assert match.current_postcode == "CV35 9BB"


def test_a_second_phone_number_is_searchable(practitioner):
    person = PersonFactory(given_name="Ada", family_name="Lane")
    person_phone_add(person=person, number="01632 960001", added_by=None)

    assert _first(practitioner, phone="01632960001").person == person


def test_a_restricted_person_is_only_a_placeholder_for_a_practitioner(practitioner):
    PersonFactory(
        given_name="Hidden",
        family_name="Child",
        date_of_birth=dt.date(2016, 2, 2),
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
    )

    match = _first(practitioner, name="Hidden Child")

    assert match.is_restricted_placeholder
    assert match.person is None
    assert match.reasons == []
    assert match.message == RESTRICTED_MATCH_MESSAGE


def test_a_manager_sees_the_restricted_person_in_full(fc_manager):
    person = PersonFactory(
        given_name="Hidden",
        family_name="Child",
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
    )

    match = _first(fc_manager, name="Hidden Child")

    assert match.person == person
    assert not match.is_restricted_placeholder


@pytest.mark.parametrize("persona", ["rugby_fhlp", "team_manager", "lcpp", "auditor", "stranger"])
def test_people_outside_the_front_door_find_no_one(family, make_persona, persona):
    assert person_search(user=make_persona(persona), name="William Smith") == []


def test_nothing_typed_finds_no_one(family, practitioner):
    assert person_search(user=practitioner) == []


def test_bad_input_is_reported_by_field(practitioner):
    with pytest.raises(ValidationError) as error:
        person_search(user=practitioner, dob="31/2/2015", nhs_number="123")

    assert set(error.value.message_dict) == {"dob", "nhs_number"}


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("27/3/2015", "2015-03-27"),
        ("2015-03-27", "2015-03-27"),
        ("3/2015", "2015-03"),
        ("2015-03", "2015-03"),
        ("2015", "2015"),
    ],
)
def test_dates_of_birth_can_be_full_or_partial(typed, parsed):
    assert str(dob_query_parse(typed)) == parsed


@pytest.mark.parametrize("typed", ["32/1/2015", "2015-13", "1/1/1850", "yesterday", "1/2/3/2015"])
def test_impossible_dates_of_birth_are_refused(typed):
    with pytest.raises(ValidationError, match="Enter a date of birth like"):
        dob_query_parse(typed)
