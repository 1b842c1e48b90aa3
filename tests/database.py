"""Emptying the test database after a test that commits (browser, worker and other
``transaction=True`` tests), in a tenth of the time Django's ``flush`` takes.

Django empties every table with one TRUNCATE of all of them (about 100 here), which creates a new
file for each table and costs a second or more per test, then writes the content types and
permissions back. Most of those tables are empty: a browser test writes to a dozen or so. Here the
tables that hold a row are found with one query and emptied with DELETE, with foreign-key and
append-only triggers off for this transaction only (``session_replication_role``, which needs the
superuser the test database is created by). Content types and permissions are left as they are:
no test creates them, and keeping them spares rewriting them. Then the reference data and
personas are written back, so every test, in whatever order tests run (pytest-xdist moves them
between processes), starts from the database ``django_db_setup`` made.

Anywhere this cannot apply (SQLite, a role that is not a superuser, a test asking for serialised
rollback or a subset of apps) Django's own flush runs, as before.
"""

from collections.abc import Callable

from django.db import connections, transaction
from django.test import TransactionTestCase

KEPT = frozenset({"django_content_type", "auth_permission"})

_django_fixture_teardown = TransactionTestCase._fixture_teardown
_reseed: list[Callable[[], None]] = []


def _is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"


def tables_with_rows(connection) -> list[str]:
    quote = connection.ops.quote_name
    tables = [
        table
        for table in connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        if table not in KEPT
    ]
    if not tables:
        return []
    probe = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probe, tables)
        return [row[0] for row in cursor.fetchall()]


def empty_database(connection) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables_with_rows(connection):
            cursor.execute(f"DELETE FROM {quote(table)}")


def _fixture_teardown(self):
    names = list(self._databases_names(include_mirrors=False))
    fast = (
        self.available_apps is None
        and not self.serialized_rollback
        and all(
            connections[name].vendor == "postgresql" and _is_superuser(connections[name])
            for name in names
        )
    )
    if not fast:
        return _django_fixture_teardown(self)
    for name in names:
        empty_database(connections[name])
    for reseed in _reseed:
        reseed()


def install(*, reseed: Callable[[], None]) -> None:
    _reseed[:] = [reseed]
    TransactionTestCase._fixture_teardown = _fixture_teardown
