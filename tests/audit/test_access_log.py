import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from audit.admin import AccessLogAdmin
from audit.models import AccessAction, AccessLog, AppendOnlyError
from people.models import Person


@pytest.fixture
def logged_row(practitioner):
    person = Person.objects.create(given_name="Ava", family_name="Morgan")
    return AccessLog.objects.create(
        user=practitioner,
        role=practitioner.role,
        action=AccessAction.VIEW,
        record_type="person",
        record_id=str(person.pk),
        person_id=person.pk,
        view_name="test",
    )


def test_viewing_a_person_writes_who_what_when_and_the_request_id(client_for, practitioner):
    person = Person.objects.create(given_name="Ava", family_name="Morgan")
    client = client_for("practitioner")

    response = client.get(reverse("people:person-detail", kwargs={"person_id": person.pk}))

    row = AccessLog.objects.get()
    assert (row.user, row.role, row.team_slugs, row.action) == (
        practitioner,
        "FC_PRACTITIONER",
        "family-connect",
        AccessAction.VIEW,
    )
    assert (row.record_type, row.person_id, row.view_name) == (
        "person",
        person.pk,
        "people:person-detail",
    )
    assert row.request_id == response["X-Request-ID"]


def test_an_outsider_gets_a_404_and_no_row_is_written(client_for):
    person = Person.objects.create(given_name="Ava", family_name="Morgan")

    response = client_for("rugby_fhlp").get(
        reverse("people:person-detail", kwargs={"person_id": person.pk})
    )

    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_a_saved_row_cannot_be_changed_through_the_model(logged_row):
    logged_row.reason = "tampered"

    with pytest.raises(AppendOnlyError):
        logged_row.save()


def test_a_row_cannot_be_deleted_through_the_model(logged_row):
    with pytest.raises(AppendOnlyError):
        logged_row.delete()


@pytest.mark.parametrize(
    "operation",
    [
        lambda rows: rows.update(reason="tampered"),
        lambda rows: rows.delete(),
        lambda rows: rows.bulk_update(list(rows), ["reason"]),
    ],
    ids=["update", "delete", "bulk_update"],
)
def test_rows_cannot_be_changed_or_deleted_in_bulk(logged_row, operation):
    with pytest.raises(AppendOnlyError):
        operation(AccessLog.objects.all())

    assert AccessLog.objects.get().reason == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_accesslog SET reason = 'tampered'", "DELETE FROM audit_accesslog"],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_updates_and_deletes(logged_row, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)

    assert AccessLog.objects.get().reason == ""


def test_the_admin_offers_no_way_to_add_change_or_delete_rows(administrator, logged_row):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    admin = AccessLogAdmin(AccessLog, site)

    permissions = (
        admin.has_add_permission(request),
        admin.has_change_permission(request, logged_row),
        admin.has_delete_permission(request, logged_row),
    )

    assert permissions == (False, False, False)


def test_the_auditor_can_filter_the_log_by_person(client_for, logged_row):
    other = Person.objects.create(given_name="Ben", family_name="Lee")
    AccessLog.objects.create(
        user=logged_row.user,
        role="FC_PRACTITIONER",
        action=AccessAction.VIEW,
        record_type="person",
        record_id=str(other.pk),
        person_id=other.pk,
        view_name="test",
    )

    response = client_for("auditor").get(
        reverse("audit:access-log"), {"person_id": str(logged_row.person_id)}
    )

    assert [row.pk for row in response.context["page"]] == [logged_row.pk]


def test_a_bad_filter_is_explained_beside_the_field_and_keeps_what_was_typed(client_for):
    response = client_for("auditor").get(
        reverse("audit:access-log"),
        {"username": "priya", "person_id": "not-an-id", "date_from": "31/2/2026"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Enter a person ID in the form shown on the person&#x27;s page" in content
    assert "Enter a real date, like 27/3/2026" in content
    assert 'value="priya"' in content
