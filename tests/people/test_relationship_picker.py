"""The person page's "Add a relationship" (issue 19, point 2): the other person is picked from
the household and family, found by name through the people search (one access-log row per
person shown) or recorded in place, never pasted as a Person ID; saving returns to the person
page. The picker is people/picker.py, shared with the consultation and the family map."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from audit.models import AccessAction, AccessLog
from people.models import DuplicateDecision, Person, Relationship
from people.services import person_search_names_ensure

pytestmark = pytest.mark.django_db


def _url(subject, **query):
    url = reverse("people:relationship-add", args=[subject.pk])
    return f"{url}?{urlencode(query)}" if query else url


def test_the_household_and_family_are_offered_and_no_one_pastes_an_id(client_for, family):
    child = family["child"]
    client = client_for("practitioner")
    before = set(AccessLog.objects.values_list("pk", flat=True))

    html = client.get(_url(child)).content.decode()

    assert "Person ID" not in html
    for person in (family["mother"], family["grandmother"]):
        assert f'value="{person.pk}"' in html
    assert f'value="{child.pk}"' not in html
    shown = list(AccessLog.objects.exclude(pk__in=before))
    assert {row.person_id for row in shown} == {
        child.pk,
        family["mother"].pk,
        family["grandmother"].pk,
    }
    assert len(shown) == 3  # one row each: the person, and each person offered


def test_someone_found_by_name_is_chosen_and_the_relationship_returns_to_the_person_page(
    client_for, family
):
    child = family["child"]
    aunt = Person.objects.create(given_name="Rosa", family_name="Quinlan")
    person_search_names_ensure(person=aunt)
    client = client_for("practitioner")

    before = set(AccessLog.objects.values_list("pk", flat=True))
    html = client.get(_url(child, name="Rosa Quinlan")).content.decode()
    searched = list(AccessLog.objects.exclude(pk__in=before))
    assert [r.person_id for r in searched if r.action == AccessAction.SEARCH] == [aunt.pk]
    assert "Rosa Quinlan" in html and f"person={aunt.pk}" in html
    assert "None of these: record someone new" in html

    chosen = client.get(_url(child, person=aunt.pk)).content.decode()
    assert f'value="{aunt.pk}"' in chosen

    response = client.post(
        _url(child, person=aunt.pk), {"other_person": aunt.pk, "kind": "OTHER_RELATIVE"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person-detail", args=[child.pk])
    assert Relationship.objects.filter(from_person=aunt, to_person=child).exists()


def test_someone_new_is_recorded_in_place_after_a_search_and_comes_back_chosen(client_for, family):
    child = family["child"]
    client = client_for("practitioner")
    page = client.get(_url(child, name="Tomasz Nowak")).content.decode()
    assert "0 possible matches" in page
    search_id = page.split('name="new-search" value="')[1].split('"')[0]

    response = client.post(
        _url(child),
        {
            "record_new": "1",
            "new-search": search_id,
            "new-given_name": "Tomasz",
            "new-family_name": "Nowak",
        },
    )
    newcomer = Person.objects.get(given_name="Tomasz")
    assert response.status_code == 302
    assert response["Location"] == _url(child, person=newcomer.pk)
    assert DuplicateDecision.objects.get(created_person=newcomer).search_id is not None
    assert AccessLog.objects.filter(person_id=newcomer.pk, action=AccessAction.CHANGE).exists()

    chosen = client.get(response["Location"]).content.decode()
    assert f'value="{newcomer.pk}"' in chosen and "checked" in chosen
    client.post(
        response["Location"], {"other_person": newcomer.pk, "kind": "PARENT", "lives_with": "on"}
    )
    assert Relationship.objects.filter(from_person=newcomer, to_person=child).exists()


def test_someone_new_needs_a_search_first_and_nothing_typed_is_lost(client_for, family):
    child = family["child"]
    client = client_for("practitioner")
    response = client.post(
        _url(child),
        {
            "record_new": "1",
            "new-search": "6f1c4b1e-0000-4000-8000-000000000000",
            "new-given_name": "Tomasz",
            "new-family_name": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and html.count("govuk-error-summary__title") == 1
    assert "Enter the new person&#x27;s family name" in html
    assert 'value="Tomasz"' in html
    assert not Person.objects.filter(given_name="Tomasz").exists()


def test_a_relationship_without_its_kind_is_an_error_next_to_the_field(client_for, family):
    child, mother = family["child"], family["mother"]
    client = client_for("practitioner")
    html = client.post(_url(child), {"other_person": mother.pk}).content.decode()
    assert "Select how they are related" in html
    assert "govuk-form-group--error" in html
    assert f'value="{mother.pk}" checked' in html or "checked" in html
