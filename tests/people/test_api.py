import datetime as dt

import pytest

from audit.models import AccessAction, AccessLog
from people.models import (
    DuplicateDecision,
    DuplicateOutcome,
    Person,
    PersonSearch,
    RestrictionCategory,
)
from people.search import RESTRICTED_MATCH_MESSAGE
from tests.people.factories import PersonFactory, valid_nhs_number

pytestmark = pytest.mark.django_db
API = "/api/v1/people/"


def _search_id(client, **query):
    return client.get(f"{API}search/", query).json()["search_id"]


def test_search_returns_ranked_results_with_scores_and_reasons(client_for):
    william = PersonFactory(
        given_name="William", family_name="Smith", date_of_birth=dt.date(2015, 3, 7)
    )
    PersonFactory(given_name="William", family_name="Smith", date_of_birth=dt.date(2015, 1, 1))

    response = client_for("practitioner").get(
        f"{API}search/", {"name": "Bill Smith", "dob": "2015-07-03"}
    )

    body = response.json()
    assert response.status_code == 200
    assert body["results"][0]["person"]["id"] == str(william.pk)
    assert body["results"][0]["score"] > body["results"][1]["score"]
    assert "Same date of birth with day and month swapped" in body["results"][0]["reasons"]
    shown = {result["person"]["id"] for result in body["results"]}
    logged = AccessLog.objects.filter(action=AccessAction.SEARCH)
    assert {str(row.person_id) for row in logged} == shown


def test_search_reports_bad_input_by_field(client_for):
    response = client_for("practitioner").get(
        f"{API}search/", {"nhs_number": "123", "postcode": "?"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "nhs_number": ["Enter a valid NHS number, like 485 777 3456"],
        "postcode": ["Enter a full postcode, like CV34 4RL, or the first part, like CV34"],
    }


def test_a_restricted_match_carries_no_person_details(client_for):
    PersonFactory(
        given_name="Hidden",
        family_name="Child",
        restricted=True,
        restriction_category=RestrictionCategory.SAFETY,
    )

    result = (
        client_for("practitioner")
        .get(f"{API}search/", {"name": "Hidden Child"})
        .json()["results"][0]
    )

    assert result == {
        "score": result["score"],
        "reasons": [],
        "restricted_match": True,
        "message": RESTRICTED_MATCH_MESSAGE,
        "person": None,
    }


def test_adding_a_person_needs_a_search_first(client_for):
    response = client_for("practitioner").post(
        API,
        {
            "search_id": "00000000-0000-0000-0000-000000000000",
            "given_name": "Leo",
            "family_name": "Hart",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "search_id" in response.json()


def test_likely_duplicates_stop_an_add_until_confirmed(client_for):
    existing = PersonFactory(
        given_name="Leo", family_name="Hart", date_of_birth=dt.date(2018, 2, 14)
    )
    client = client_for("practitioner")
    payload = {
        "search_id": _search_id(client, name="Leo Hart"),
        "given_name": "Leo",
        "family_name": "Hart",
        "date_of_birth": "2018-02-14",
    }

    first = client.post(API, payload, content_type="application/json")
    second = client.post(API, {**payload, "none_of_these": True}, content_type="application/json")

    assert first.status_code == 409
    assert first.json()["likely_duplicates"][0]["person"]["id"] == str(existing.pk)
    assert second.status_code == 201
    decision = DuplicateDecision.objects.get()
    assert decision.outcome == DuplicateOutcome.NONE_OF_THESE
    assert str(decision.created_person.pk) == second.json()["id"]


def test_a_bad_nhs_number_is_refused_by_the_api(client_for):
    client = client_for("practitioner")
    payload = {
        "search_id": _search_id(client, name="Leo Hart"),
        "given_name": "Leo",
        "family_name": "Hart",
        "nhs_number": "485 777 3456",
    }

    response = client.post(API, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["nhs_number"] == ["Enter a valid NHS number, like 485 777 3456"]
    assert not Person.objects.exists()


def test_a_practitioner_cannot_restrict_a_record_through_the_api(client_for):
    client = client_for("practitioner")
    payload = {
        "search_id": _search_id(client, name="Leo Hart"),
        "given_name": "Leo",
        "family_name": "Hart",
        "restriction_category": RestrictionCategory.SAFETY,
    }

    assert client.post(API, payload, content_type="application/json").status_code == 403


def test_one_person_in_full_is_logged(client_for):
    person = PersonFactory(nhs_number=valid_nhs_number(9), postcode="CV34 4RL")

    body = client_for("practitioner").get(f"{API}{person.pk}/").json()

    assert body["nhs_number"] == valid_nhs_number(9)
    assert body["addresses"][0]["postcode"] == "CV34 4RL"
    assert AccessLog.objects.get().person_id == person.pk


def test_relationships_are_added_and_read_from_either_side(client_for):
    child, mother = PersonFactory(), PersonFactory()
    client = client_for("practitioner")

    created = client.post(
        f"{API}{child.pk}/relationships/",
        {
            "other_person": str(mother.pk),
            "kind": "PARENT",
            "parental_responsibility": True,
            "lives_with": True,
        },
        content_type="application/json",
    )
    from_mother = client.get(f"{API}{mother.pk}/relationships/").json()

    assert created.status_code == 201
    assert created.json()["kind"] == "Parent" and created.json()["parental_responsibility"]
    assert [(r["person"]["id"], r["kind"]) for r in from_mother] == [(str(child.pk), "Child")]


def test_a_relationship_with_oneself_is_refused(client_for):
    child = PersonFactory()

    response = client_for("practitioner").post(
        f"{API}{child.pk}/relationships/",
        {"other_person": str(child.pk), "kind": "SIBLING"},
        content_type="application/json",
    )

    assert response.status_code == 400


def test_the_list_leaves_out_restricted_people_for_a_practitioner(client_for):
    PersonFactory(family_name="Open")
    PersonFactory(
        family_name="Closed", restricted=True, restriction_category=RestrictionCategory.OTHER
    )

    body = client_for("practitioner").get(API).json()

    assert [p["family_name"] for p in body["results"]] == ["Open"]


def test_the_people_api_is_in_the_schema(client_for):
    schema = client_for("practitioner").get("/api/schema/").content.decode()

    for path in [
        "/api/v1/people/",
        "/api/v1/people/search/",
        "/api/v1/people/{person_id}/",
        "/api/v1/people/{person_id}/relationships/",
    ]:
        assert path in schema
    assert PersonSearch.objects.count() == 0
