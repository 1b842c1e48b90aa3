"""The person and household pages cost the same number of queries for a household of one as
for a household of thirty (it was one more query per member: bench/results/load.json)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import ChronologyEvent, LivesWith, Person, Relationship


def _household(size: int) -> Person:
    """A child living with ``size`` other people, each related to them, with an event each."""
    child = Person.objects.create(given_name="Mia", family_name="Dawson")
    members = Person.objects.bulk_create(
        Person(given_name=f"Member{n}", family_name="Dawson") for n in range(size)
    )
    Relationship.objects.bulk_create(
        Relationship(from_person=member, to_person=child, kind="SIBLING") for member in members
    )
    LivesWith.objects.bulk_create(LivesWith(person_a=member, person_b=child) for member in members)
    ChronologyEvent.objects.bulk_create(
        ChronologyEvent(
            person=person, kind="NOTE", title="Seen at school", occurred_at=timezone.now()
        )
        for person in [child, *members]
    )
    return child


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["people:person-detail", "people:household"])
def test_a_page_about_a_person_costs_the_same_queries_at_one_and_thirty_in_the_household(
    client_for, page
):
    client = client_for("practitioner")
    small, large = _household(1), _household(30)

    counts = [_queries(client, reverse(page, kwargs={"person_id": p.pk})) for p in (small, large)]

    assert counts[0] == counts[1], f"{page}: {counts[0]} queries at 1 member, {counts[1]} at 30"
