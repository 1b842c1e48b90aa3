"""Relationships recorded from the children step (issue 19, point 2): pick someone in the
household or record someone new; never paste a person ID; saving returns to the step."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from conftest import verified_client
from people.models import LivesWith, Person, PersonSearch, Relationship, RestrictionCategory
from referrals.services import consultation_child_add, consultation_start
from tests.referrals.helpers import fill_in_the_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(practitioner, rugby_family):
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose="REFERRAL")
    for child in (rugby_family["child"], rugby_family["teenager"]):
        consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    hidden = Person.objects.create(
        given_name="Hidden",
        family_name="Lodger",
        restricted=True,
        restriction_category=RestrictionCategory.OTHER,
    )
    LivesWith.objects.create(person_a=rugby_family["child"], person_b=hidden)
    return {"consultation": consultation, "hidden": hidden, **rugby_family}


def _relationship_url(call, child):
    return reverse("referrals:child-relationship", args=[call["consultation"].pk, child.pk])


def test_the_children_step_links_each_child_to_the_household_picker(practitioner, call):
    client = verified_client(practitioner)
    step = reverse("referrals:step-children", args=[call["consultation"].pk])
    html = client.get(step).content.decode()
    assert _relationship_url(call, call["child"]) in html
    assert reverse("people:relationship-add", args=[call["child"].pk]) not in html


def test_the_picker_offers_the_household_never_a_person_id_nor_a_restricted_person(
    practitioner, call
):
    html = verified_client(practitioner).get(_relationship_url(call, call["child"])).content
    html = html.decode()
    assert "Person ID" not in html
    assert 'type="radio"' in html
    assert f'value="{call["teenager"].pk}"' in html  # the sibling in the consultation
    assert f'value="{call["mother"].pk}"' in html  # holds parental responsibility
    assert f'value="{call["child"].pk}"' not in html  # not related to themselves
    assert str(call["hidden"].pk) not in html and "Lodger" not in html


def test_picking_a_household_member_records_the_relationship_and_returns_to_the_step(
    practitioner, call
):
    client = verified_client(practitioner)
    response = client.post(
        _relationship_url(call, call["teenager"]),
        {"other_person": str(call["child"].pk), "kind": "SIBLING", "lives_with": "on"},
    )
    assert response.status_code == 302
    assert response.url == reverse("referrals:step-children", args=[call["consultation"].pk])
    assert Relationship.objects.filter(
        from_person=call["child"], to_person=call["teenager"], kind="SIBLING"
    ).exists()


def test_nothing_picked_is_an_error_next_to_the_field_keeping_what_was_typed(practitioner, call):
    response = verified_client(practitioner).post(
        _relationship_url(call, call["child"]),
        {"kind": "GRANDPARENT", "family_network": "on"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("govuk-error-summary__title") == 1
    assert "Select who the other person is" in html
    assert 'value="GRANDPARENT" selected' in html


def test_someone_new_is_recorded_and_comes_back_chosen(practitioner, call):
    client = verified_client(practitioner)
    here = _relationship_url(call, call["child"])
    page = client.get(here).content.decode()
    someone_new = f"{reverse('people:search')}?next={quote(here, safe='')}"
    assert someone_new.replace("&", "&amp;") in page or someone_new in page

    results = client.get(reverse("people:search"), {"name": "Pat Newcombe", "next": here})
    search = PersonSearch.objects.latest("at")
    create = f"{reverse('people:person-create')}?search={search.pk}&amp;next={quote(here, safe='')}"
    assert create in results.content.decode()

    response = client.post(
        f"{reverse('people:person-create')}?search={search.pk}&next={quote(here, safe='')}",
        {
            "search": search.pk,
            "given_name": "Pat",
            "family_name": "Newcombe",
            "date_of_birth_0": "3",
            "date_of_birth_1": "4",
            "date_of_birth_2": "1960",
            "sex": "F",
            "postcode": "",
            "nhs_number": "",
        },
    )
    pat = Person.objects.get(family_name="Newcombe")
    assert response.status_code == 302
    assert response.url == f"{here}?person={pat.pk}"
    back = client.get(response.url).content.decode()
    assert f'value="{pat.pk}"' in back and "checked" in back.split(f'value="{pat.pk}"')[1][:40]


def test_a_next_to_another_site_is_not_followed(practitioner, call):
    results = verified_client(practitioner).get(
        reverse("people:search"), {"name": "Pat Newcombe", "next": "https://evil.example/"}
    )
    assert "evil.example" not in results.content.decode()
