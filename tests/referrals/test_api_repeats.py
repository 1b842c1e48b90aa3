"""A consultation sent twice makes one consultation: an `Idempotency-Key` repeat returns the first
result, and a new child who looks like someone already recorded is not added again unasked."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AccessLog
from conftest import verified_client
from consent.models import ConsentRecord
from letters.models import Letter
from people.models import Person
from referrals.models import Consultation, ConsultationChild
from tests.referrals.test_api import CONSULTATIONS, _body


def _new_child(**extra) -> dict:
    born = timezone.localdate() - timedelta(days=6 * 365 + 20)
    return {
        "new": {"given_name": "Noah", "family_name": "Kowalski", "date_of_birth": born.isoformat()},
        "outcome": "ADVICE",
        "services_signposted": "Family Information Service",
        **extra,
    }


def _post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(CONSULTATIONS, body, content_type="application/json", **headers)


def _made() -> tuple:
    return (
        Consultation.objects.count(),
        ConsultationChild.objects.count(),
        Person.objects.count(),
        Letter.objects.count(),
    )


@pytest.fixture
def practitioner_client(client_for, reference_data):
    return client_for("practitioner")


def test_a_repeat_with_the_same_key_returns_the_first_result_and_makes_nothing(
    practitioner_client,
):
    body = _body(_new_child())
    first = _post(practitioner_client, body, key="3f6c2a5e-retry-1")
    made = _made()

    repeat = _post(practitioner_client, body, key="3f6c2a5e-retry-1")

    assert first.status_code == 201, first.json()
    assert made == (1, 1, 1, 1)
    assert (repeat.status_code, repeat["Idempotent-Replayed"]) == (201, "true")
    assert repeat.json()["id"] == first.json()["id"]
    assert repeat.json()["children"] == first.json()["children"]
    assert _made() == made
    # The repeat shows the child again, so it is logged like any other read.
    assert AccessLog.objects.filter(
        person_id=first.json()["children"][0]["child"]["id"], reason="repeated request"
    ).exists()


def test_the_same_key_with_another_body_is_refused_and_makes_nothing(practitioner_client):
    _post(practitioner_client, _body(_new_child()), key="key-1")
    made = _made()

    other = _post(practitioner_client, _body(_new_child(), concerns="Something else"), key="key-1")

    assert other.status_code == 422
    assert "already used for a different request" in other.json()["Idempotency-Key"][0]
    assert _made() == made


def test_a_refused_create_leaves_the_key_free_for_the_corrected_request(practitioner_client):
    refused = _post(practitioner_client, _body(_new_child(outcome="")), key="key-2")
    corrected = _post(practitioner_client, _body(_new_child()), key="key-2")

    assert refused.status_code == 400
    assert corrected.status_code == 201, corrected.json()
    assert _made() == (1, 1, 1, 1)


def test_two_users_keys_never_meet(client_for, reference_data):
    body = _body(_new_child(none_of_these=True))

    mine = _post(client_for("practitioner"), body, key="same-key")
    theirs = _post(client_for("fc_manager"), body, key="same-key")

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_new_child_already_recorded_is_refused_with_the_likely_duplicates(practitioner_client):
    first = _post(practitioner_client, _body(_new_child()))
    recorded = first.json()["children"][0]["child"]["id"]

    again = _post(practitioner_client, _body(_new_child()))

    assert again.status_code == 400
    errors = again.json()["children"]["0"]["new"]
    assert [match["person"]["id"] for match in errors["likely_duplicates"]] == [recorded]
    assert "may already be on Family Connect" in errors["non_field_errors"][0]
    assert _made()[:3] == (1, 1, 1)
    # Showing the likely duplicate is a read of their record: one row for them.
    assert (
        AccessLog.objects.filter(person_id=recorded, record_type="person-duplicate-check").count()
        == 1
    )

    anyway = _post(practitioner_client, _body(_new_child(none_of_these=True)))

    assert anyway.status_code == 201, anyway.json()
    assert Person.objects.filter(family_name="Kowalski").count() == 2


def test_the_people_and_consent_creates_take_a_key_too(client_for, rugby_family):
    client = client_for("practitioner")
    body = {
        "child": str(rugby_family["child"].pk),
        "purpose": "REFERRAL",
        "status": "GIVEN",
        "given_by": str(rugby_family["mother"].pk),
        "capacity": "PARENTAL_RESPONSIBILITY",
        "method": "VERBAL",
    }
    url = "/api/v1/consent/records/"

    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c-1")
    repeat = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="c-1")

    assert first.status_code == 201, first.json()
    assert (repeat.status_code, repeat.json()["id"]) == (201, first.json()["id"])
    assert ConsentRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_repeats_arriving_together_make_one_consultation(make_persona, reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets one writer in at a time, so nothing races")
    user = make_persona("practitioner")
    clients = [verified_client(user), verified_client(user)]
    body = _body(_new_child())
    start = threading.Barrier(len(clients))
    responses = [None] * len(clients)

    def send(number):
        start.wait()
        try:
            responses[number] = _post(clients[number], body, key="sent-twice-at-once")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert _made() == (1, 1, 1, 1)
