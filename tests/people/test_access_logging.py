"""Every list, search and page writes one access-log row per person it shows."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from people.models import RelationshipKind
from people.services import relationship_with_household_record
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_the_people_api_caps_a_page_at_100_and_logs_each_person_listed(client_for, practitioner):
    for _ in range(105):
        PersonFactory()

    body = client_for("practitioner").get(reverse("people-api:person-list"), {"limit": 1000}).json()

    listed = {row["id"] for row in body["results"]}
    logged = AccessLog.objects.filter(user=practitioner, record_type="person-list")
    assert len(listed) == 100
    assert body["count"] == 105
    assert {str(row.person_id) for row in logged} == listed
    assert logged.count() == 100


def test_a_search_logs_each_person_it_shows(client_for, practitioner):
    shown = [PersonFactory(family_name="Pemberton-Slade") for _ in range(3)]

    response = client_for("practitioner").get(reverse("people:search"), {"name": "Pemberton-Slade"})

    assert response.status_code == 200
    logged = AccessLog.objects.filter(user=practitioner, record_type="person-search")
    assert {row.person_id for row in logged} == {person.pk for person in shown}


def test_the_person_page_logs_the_relatives_and_parental_responsibility_holders_it_shows(
    client_for, practitioner, fc_manager
):
    child, mother, grandfather = PersonFactory(), PersonFactory(), PersonFactory()
    relationship_with_household_record(
        from_person=mother,
        to_person=child,
        kind=RelationshipKind.PARENT,
        parental_responsibility=True,
        lives_with=True,
        created_by=fc_manager,
    )
    relationship_with_household_record(
        from_person=grandfather,
        to_person=child,
        kind=RelationshipKind.GRANDPARENT,
        created_by=fc_manager,
    )

    response = client_for("practitioner").get(reverse("people:person-detail", args=[child.pk]))

    assert response.status_code == 200
    logged = AccessLog.objects.filter(user=practitioner)
    assert {row.person_id for row in logged} == {child.pk, mother.pk, grandfather.pk}
    assert logged.filter(person_id=mother.pk).count() == 1  # a relative and PR holder: one row


def test_the_household_page_logs_each_member_it_shows(client_for, practitioner, fc_manager):
    child, mother = PersonFactory(), PersonFactory()
    relationship_with_household_record(
        from_person=mother,
        to_person=child,
        kind=RelationshipKind.PARENT,
        lives_with=True,
        created_by=fc_manager,
    )

    response = client_for("practitioner").get(reverse("people:household", args=[child.pk]))

    assert response.status_code == 200
    logged = AccessLog.objects.filter(user=practitioner)
    assert {row.person_id for row in logged} == {child.pk, mother.pk}
