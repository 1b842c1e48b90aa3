import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessAction, AccessLog
from people.models import (
    DuplicateDecision,
    DuplicateOutcome,
    Person,
    PersonMerge,
    PersonSearch,
    RestrictionCategory,
)
from people.search import RESTRICTED_MATCH_MESSAGE
from people.services import chronology_event_record, lives_with_record, person_merge
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

CREATE_FORM = {
    "given_name": "Leo",
    "family_name": "Hart",
    "date_of_birth_0": "14",
    "date_of_birth_1": "2",
    "date_of_birth_2": "2018",
    "sex": "M",
    "postcode": "cv21 2ab",
    "nhs_number": "",
}


def _search(client, **query):
    return client.get(reverse("people:search"), query)


def _create_url(search):
    return f"{reverse('people:person-create')}?search={search.pk}"


def test_a_search_shows_ranked_matches_with_reasons_and_logs_one_search(client_for):
    PersonFactory(given_name="William", family_name="Smith", date_of_birth=dt.date(2015, 3, 7))
    client = client_for("practitioner")

    response = _search(client, name="Bill Smith", dob="2015")

    assert response.status_code == 200
    assert "William is a common form of Bill" in response.content.decode()
    row = AccessLog.objects.get()
    assert (row.action, row.record_type) == (AccessAction.SEARCH, "person-search")
    assert PersonSearch.objects.get().criteria["name"] == "Bill Smith"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("nhs_number", "123 456 7890", "Enter a valid NHS number, like 485 777 3456"),
        ("postcode", "34 CV", "Enter a full postcode, like CV34 4RL, or the first part, like CV34"),
        ("dob", "31/2/2015", "Enter a date of birth like 27/3/2015"),
        ("upn", "A123", "Enter a valid UPN"),
        ("phone", "12", "Enter a phone number, like"),
    ],
)
def test_bad_search_input_is_explained_beside_the_field_and_kept(client_for, field, typed, message):
    response = _search(client_for("practitioner"), name="Ann Lee", **{field: typed})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Find a person" in page
    assert message in page
    assert f'value="{typed}"' in page and 'value="Ann Lee"' in page
    assert not AccessLog.objects.exists()


def test_an_empty_search_asks_for_something_to_search_with(client_for):
    response = _search(client_for("practitioner"), name="")

    assert (
        "Enter a name, date of birth, postcode, NHS number, UPN or phone number"
        in response.content.decode()
    )


def test_a_restricted_match_shows_only_the_ask_a_manager_message(client_for):
    PersonFactory(
        given_name="Hidden",
        family_name="Child",
        date_of_birth=dt.date(2016, 2, 2),
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
    )

    page = _search(client_for("practitioner"), name="Hidden Child").content.decode()

    assert RESTRICTED_MATCH_MESSAGE in page
    assert "2016" not in page and "Same name" not in page


def test_adding_a_person_needs_a_search_first(client_for):
    response = client_for("practitioner").get(reverse("people:person-create"))

    assert response.redirect_chain if hasattr(response, "redirect_chain") else True
    assert response.status_code == 302 and response.url == reverse("people:search")


def test_another_users_search_cannot_be_used_to_add_a_person(client_for, fc_manager):
    search = PersonSearch.objects.create(user=fc_manager, criteria={"name": "Leo Hart"})

    response = client_for("practitioner").get(_create_url(search))

    assert response.status_code == 302


def test_the_add_form_starts_with_what_was_searched_for(client_for):
    client = client_for("practitioner")
    _search(client, name="Leo Hart", dob="14/2/2018", postcode="CV21 2AB")
    search = PersonSearch.objects.get()

    page = client.get(_create_url(search)).content.decode()

    assert 'value="Leo"' in page and 'value="Hart"' in page and 'value="2018"' in page


def test_with_no_likely_duplicates_the_person_is_added_and_the_decision_recorded(client_for):
    client = client_for("practitioner")
    _search(client, name="Leo Hart")
    search = PersonSearch.objects.get()

    response = client.post(reverse("people:person-create"), {**CREATE_FORM, "search": search.pk})

    person = Person.objects.get(family_name="Hart")
    assert response.url == reverse("people:person-detail", args=[person.pk])
    decision = DuplicateDecision.objects.get()
    assert (decision.outcome, decision.created_person) == (
        DuplicateOutcome.NO_LIKELY_DUPLICATES,
        person,
    )
    assert person.addresses.get().postcode == "CV21 2AB"


def test_likely_duplicates_are_shown_before_anything_is_added(client_for):
    existing = PersonFactory(
        given_name="Leo", family_name="Hart", date_of_birth=dt.date(2018, 2, 14)
    )
    client = client_for("practitioner")
    _search(client, name="Leo Hart")
    search = PersonSearch.objects.get()

    response = client.post(reverse("people:person-create"), {**CREATE_FORM, "search": search.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Is this someone already recorded?" in page and "Same date of birth" in page
    assert str(existing.pk) in page
    assert Person.objects.count() == 1


def test_confirming_none_of_these_adds_the_person_and_records_what_was_shown(client_for):
    existing = PersonFactory(
        given_name="Leo", family_name="Hart", date_of_birth=dt.date(2018, 2, 14)
    )
    client = client_for("practitioner")
    _search(client, name="Leo Hart")
    search = PersonSearch.objects.get()

    client.post(
        reverse("people:person-create"),
        {**CREATE_FORM, "search": search.pk, "duplicate_choice": "NONE"},
    )

    decision = DuplicateDecision.objects.get()
    assert decision.outcome == DuplicateOutcome.NONE_OF_THESE
    assert decision.candidates[0]["person_id"] == str(existing.pk)
    assert Person.objects.count() == 2


def test_picking_an_existing_record_adds_no_one(client_for):
    existing = PersonFactory(
        given_name="Leo", family_name="Hart", date_of_birth=dt.date(2018, 2, 14)
    )
    client = client_for("practitioner")
    _search(client, name="Leo Hart")
    search = PersonSearch.objects.get()

    response = client.post(
        reverse("people:person-create"),
        {**CREATE_FORM, "search": search.pk, "duplicate_choice": str(existing.pk)},
    )

    assert response.url == reverse("people:person-detail", args=[existing.pk])
    assert DuplicateDecision.objects.get().chosen_person == existing
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("nhs_number", "485 777 3456", "Enter a valid NHS number, like 485 777 3456"),
        ("upn", "B80120000500X", "Enter a valid UPN"),
        ("la_child_id", "WCC/1", "Enter a local child ID of up to 20 letters and numbers"),
        ("postcode", "CV99", "Enter a real postcode, like CV34 4RL"),
        ("phone", "123", "Enter a phone number, like"),
        ("date_of_birth_0", "31", "Date of birth must be a real date"),
    ],
)
def test_bad_details_are_explained_beside_the_field_and_everything_typed_is_kept(
    client_for, field, typed, message
):
    client = client_for("practitioner")
    _search(client, name="Leo Hart")
    search = PersonSearch.objects.get()

    response = client.post(
        reverse("people:person-create"), {**CREATE_FORM, "search": search.pk, field: typed}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add a new person" in page
    assert message in page
    assert 'value="Leo"' in page and 'value="Hart"' in page
    assert not Person.objects.exists()


def test_the_person_page_shows_household_relationships_and_chronology(client_for, practitioner):
    child = PersonFactory(given_name="Mia", family_name="Dawson")
    mother = PersonFactory(given_name="Claire", family_name="Dawson")
    client = client_for("practitioner")
    client.post(
        reverse("people:relationship-add", args=[child.pk]) + f"?person={mother.pk}",
        {
            "other_person": mother.pk,
            "kind": "PARENT",
            "parental_responsibility": "on",
            "lives_with": "on",
        },
    )

    page = client.get(reverse("people:person-detail", args=[child.pk])).content.decode()

    assert "Claire Dawson" in page and "Parent" in page
    assert 'data-testid="pr-holders">Claire Dawson' in page
    assert "Relationship recorded" in page


def test_the_household_timeline_shows_events_about_every_child_in_the_household(
    client_for, practitioner
):
    child, sibling = PersonFactory(given_name="Mia"), PersonFactory(given_name="Noah")
    lives_with_record(person_a=child, person_b=sibling, created_by=practitioner)
    chronology_event_record(
        person=sibling,
        occurred_at=timezone.now(),
        kind="CONSULTATION",
        title="Consultation with the health visitor",
    )

    page = (
        client_for("practitioner")
        .get(reverse("people:household", args=[child.pk]))
        .content.decode()
    )

    assert "Consultation with the health visitor" in page


def test_a_manager_merges_and_undoes_through_the_pages(client_for):
    kept = PersonFactory(given_name="Ava", family_name="Morgan")
    duplicate = PersonFactory(given_name="Eva", family_name="Morgan")
    client = client_for("fc_manager")

    response = client.post(
        f"{reverse('people:person-merge', args=[kept.pk])}?other={duplicate.pk}",
        {"reason": "Same school and date of birth"},
    )
    merge = PersonMerge.objects.get()
    assert response.url == reverse("people:merge-detail", args=[merge.pk])
    assert client.get(reverse("people:person-detail", args=[duplicate.pk])).url == reverse(
        "people:person-detail", args=[kept.pk]
    )

    client.post(reverse("people:merge-detail", args=[merge.pk]))

    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert client.get(reverse("people:person-detail", args=[duplicate.pk])).status_code == 200


def test_a_merge_with_different_restrictions_is_refused_on_the_page(client_for):
    kept = PersonFactory()
    duplicate = PersonFactory(restricted=True, restriction_category=RestrictionCategory.SAFETY)

    response = client_for("fc_manager").post(
        f"{reverse('people:person-merge', args=[kept.pk])}?other={duplicate.pk}", {"reason": "Same"}
    )

    assert "different restrictions" in response.content.decode()
    assert not PersonMerge.objects.exists()


def test_a_merge_without_a_reason_is_explained(client_for):
    kept, duplicate = PersonFactory(), PersonFactory()

    response = client_for("fc_manager").post(
        f"{reverse('people:person-merge', args=[kept.pk])}?other={duplicate.pk}", {"reason": ""}
    )

    assert "Enter why these records are the same person" in response.content.decode()


def test_a_merged_record_is_left_out_of_search(client_for, fc_manager):
    kept = PersonFactory(given_name="Ava", family_name="Morgan")
    duplicate = PersonFactory(given_name="Ava", family_name="Morgan")
    person_merge(survivor=kept, merged=duplicate, merged_by=fc_manager, reason="Same")

    page = _search(client_for("practitioner"), name="Ava Morgan").content.decode()

    assert str(kept.pk) in page and str(duplicate.pk) not in page
