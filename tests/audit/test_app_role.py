"""The app's own PostgreSQL role (audit/roles.py): it works the service, but on the log tables it
may only INSERT and SELECT. The test database is created by the owner (pytest-django connects as
the owner, as migrations do); these tests create the app role, grant it as `manage.py
db_app_role` does, and connect as it."""

import secrets
import uuid

import psycopg2
import pytest
from django.db import connection, connections
from django.urls import reverse
from psycopg2 import errors

from audit.chain import chain_verify
from audit.models import AccessLog
from audit.roles import app_role_ensure, app_role_grant
from people.models import Person

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

LOG_TABLES = ["audit_accesslog", "consent_sharingrecord"]


@pytest.fixture
def app_role(transactional_db):
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    password = secrets.token_urlsafe(24)
    app_role_ensure(role=role, password=password)
    app_role_grant(role=role)
    yield role, password
    with connection.cursor() as cursor:  # roles are the cluster's: leave none behind
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


@pytest.fixture
def as_app(app_role):
    role, password = app_role
    settings = connection.settings_dict
    conn = psycopg2.connect(
        dbname=settings["NAME"],
        user=role,
        password=password,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    conn.autocommit = True
    yield conn.cursor()
    conn.close()


def _insert_access_row(cursor, user_id):
    row_id = uuid.uuid4()
    cursor.execute(
        "INSERT INTO audit_accesslog (id, at, user_id, role, team_slugs, action, record_type, "
        "record_id, view_name, request_id, reason, prev_hash, row_hash) "
        "VALUES (%s, now(), %s, 'FC_PRACTITIONER', '', 'VIEW', 'person', '', 't', '', '', '', '')",
        [str(row_id), user_id],
    )
    return row_id


def test_the_app_role_inserts_and_reads_the_log_and_its_rows_are_chained(as_app, practitioner):
    row_id = _insert_access_row(as_app, practitioner.pk)
    as_app.execute("SELECT chain_seq FROM audit_accesslog WHERE id = %s", [str(row_id)])

    assert as_app.fetchone() == (1,)
    assert chain_verify(AccessLog).intact


REFUSED_ON_LOGS = [
    "UPDATE {table} SET reason = 'tampered'",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "ALTER TABLE {table} DISABLE TRIGGER USER",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TABLE {table}",
]
REFUSED_ON_CHAIN = [
    "DROP TRIGGER audit_accesslog_chain ON audit_accesslog",
    "DROP TRIGGER consent_sharingrecord_append_only ON consent_sharingrecord",
    "CREATE OR REPLACE FUNCTION audit_accesslog_chain() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$",
]


def _refused(cursor, statement) -> bool:
    try:
        cursor.execute(statement)
    except errors.InsufficientPrivilege:
        return True
    return False


def test_the_app_role_may_not_change_or_empty_a_log_or_move_its_chain(as_app, practitioner):
    # One test, many statements: each runs on its own (autocommit), so a refusal spoils nothing.
    _insert_access_row(as_app, practitioner.pk)
    statements = [s.format(table=t) for t in LOG_TABLES for s in REFUSED_ON_LOGS] + REFUSED_ON_CHAIN

    allowed = [statement for statement in statements if not _refused(as_app, statement)]

    assert allowed == []
    assert AccessLog.objects.count() == 1
    assert chain_verify(AccessLog).intact


def test_the_app_role_is_no_superuser_and_owns_nothing(as_app, app_role):
    as_app.execute(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s",
        [app_role[0]],
    )
    assert as_app.fetchone() == (False, False, False)
    as_app.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [app_role[0]])
    assert as_app.fetchone() == (0,)


def test_the_app_role_still_changes_the_records_it_works_on(as_app):
    person = Person.objects.create(given_name="Ava", family_name="Morgan")

    as_app.execute("UPDATE people_person SET given_name = 'Eva' WHERE id = %s", [str(person.pk)])

    person.refresh_from_db()
    assert person.given_name == "Eva"


def test_the_service_runs_as_the_app_role(app_role, client_for):
    """The real app, connected as the app role: opening a child's record writes a chained row."""
    person = Person.objects.create(given_name="Ava", family_name="Morgan")
    client = client_for("practitioner")
    default = connections["default"]
    owner = (default.settings_dict["USER"], default.settings_dict["PASSWORD"])
    default.close()
    default.settings_dict["USER"], default.settings_dict["PASSWORD"] = app_role
    try:
        response = client.get(reverse("people:person-detail", kwargs={"person_id": person.pk}))
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            (user,) = cursor.fetchone()
    finally:
        default.close()
        default.settings_dict["USER"], default.settings_dict["PASSWORD"] = owner

    assert (response.status_code, user) == (200, app_role[0])
    row = AccessLog.objects.get(person_id=person.pk)
    assert row.chain_seq == 1
    assert chain_verify(AccessLog).intact
