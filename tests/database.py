"""Putting the test database back as ``django_db_setup`` made it after each test that commits
(browser, worker and other ``transaction=True`` tests), in a fraction of the time Django's
``flush`` takes, and with nothing lost.

Django empties every table with one TRUNCATE of all of them (about 100 here), which creates a new
file for each table and costs a second or more a test; and it takes with it the rows the data
migrations wrote (the published Spectrum framework), which tests after it then lack. Here, once
the database is migrated and seeded, every table holding a row is copied into a schema of its own
(``test_seed``). After a test that commits, the tables that hold a row are found with one query,
emptied with DELETE, and the seeded ones filled again from their copies, with foreign-key,
append-only and chaining triggers off for that transaction only (``session_replication_role``,
which needs the superuser that creates the test database). So every test, in whatever order the
tests run and in whichever pytest-xdist process, starts from the same database; and a database
kept with ``--reuse-db`` is as the last run found it.

Anywhere this cannot apply (SQLite, a role that is not a superuser, a test asking for serialised
rollback or a subset of apps) Django's own flush runs, as before, and the ``reference_data`` and
``framework`` fixtures write their rows again.
"""

from django.db import connections, transaction
from django.test import TransactionTestCase

SCHEMA = "test_seed"

_django_fixture_teardown = TransactionTestCase._fixture_teardown
# alias -> [(table, quoted column list)] of the tables copied into SCHEMA.
_snapshots: dict[str, list[tuple[str, str]]] = {}


def _usable(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"


def tables_with_rows(connection) -> list[str]:
    quote = connection.ops.quote_name
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if not tables:
        return []
    probe = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probe, tables)
        return [row[0] for row in cursor.fetchall()]


def snapshot(connection) -> None:
    """Copy every table holding a row into SCHEMA (called once the database is seeded)."""
    if not _usable(connection):
        return
    quote = connection.ops.quote_name
    copied = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables_with_rows(connection):
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "ORDER BY ordinal_position",
                [table],
            )
            columns = ", ".join(quote(row[0]) for row in cursor.fetchall())
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{quote(table)} AS SELECT {columns} FROM {quote(table)}"
            )
            copied.append((table, columns))
    _snapshots[connection.alias] = copied


def restore(connection) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for table in tables_with_rows(connection):
            cursor.execute(f"DELETE FROM {quote(table)}")
        for table, columns in _snapshots[connection.alias]:
            cursor.execute(
                f"INSERT INTO {quote(table)} ({columns}) "
                f"SELECT {columns} FROM {SCHEMA}.{quote(table)}"
            )


def _fixture_teardown(self):
    names = list(self._databases_names(include_mirrors=False))
    if (
        self.available_apps is not None
        or self.serialized_rollback
        or not all(name in _snapshots for name in names)
    ):
        return _django_fixture_teardown(self)
    for name in names:
        restore(connections[name])


def install() -> None:
    TransactionTestCase._fixture_teardown = _fixture_teardown
