"""Putting the test database back as ``django_db_setup`` made it after each test that commits
(browser, worker and other ``transaction=True`` tests), in a fraction of the time Django's
``flush`` takes, and with nothing lost.

Django empties every table with one TRUNCATE of all of them (about 100 here), which creates a new
file for each table and costs a second or more a test; and it takes with it the rows the data
migrations wrote (the published Spectrum framework), which tests after it then lack. Here, once
the database is migrated and seeded, every table holding a row is copied into a schema of its own
(``test_seed``), and every table gets a statement-level trigger that writes its name to
``test_seed.changed`` when a statement inserts, updates, deletes or truncates in it (in whatever
connection: the test's, the live server's, a Celery worker's). After a test that commits, only
the tables named there are put back: emptied with DELETE and the seeded ones filled again from
their copies, with foreign-key, append-only and chaining triggers off for that transaction only
(``session_replication_role``, which needs the superuser that creates the test database; it also
keeps the change triggers quiet while the tables are put back). A table without the trigger (one
a migration test dropped and made again) is put back too, and given the trigger. So every test,
in whatever order the tests run and in whichever pytest-xdist process, starts from the same
database; and a database kept with ``--reuse-db`` is as the last run found it.

Rows committed once a session, after the seed (the postcode directory, tests/locality/conftest.py),
join the copy with ``snapshot_tables`` and are then left alone by tests that do not change them.

Anywhere this cannot apply (SQLite, a role that is not a superuser, a test asking for serialised
rollback or a subset of apps) Django's own flush runs, as before, and the ``reference_data`` and
``framework`` fixtures write their rows again.
"""

from django.db import connections, transaction
from django.test import TransactionTestCase

SCHEMA = "test_seed"
TRIGGER = "zz_test_seed_changed"

_django_fixture_teardown = TransactionTestCase._fixture_teardown
# alias -> {table: quoted column list} of the tables copied into SCHEMA.
_snapshots: dict[str, dict[str, str]] = {}


def _usable(connection) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"


def _tables(connection) -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)


def tables_with_rows(connection) -> list[str]:
    quote = connection.ops.quote_name
    tables = _tables(connection)
    if not tables:
        return []
    probe = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(probe, tables)
        return [row[0] for row in cursor.fetchall()]


def _copy(cursor, connection, table: str) -> str:
    """Copy ``table``'s rows into SCHEMA; returns its quoted column list."""
    quote = connection.ops.quote_name
    cursor.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "ORDER BY ordinal_position",
        [table],
    )
    columns = ", ".join(quote(row[0]) for row in cursor.fetchall())
    cursor.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{quote(table)}")
    cursor.execute(f"CREATE TABLE {SCHEMA}.{quote(table)} AS SELECT {columns} FROM {quote(table)}")
    return columns


def _watch(cursor, connection, tables) -> None:
    quote = connection.ops.quote_name
    for table in tables:
        cursor.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {SCHEMA}.note_change()"
        )


def _unwatched(cursor, connection) -> list[str]:
    tables = _tables(connection)
    cursor.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s) "
        "AND c.relnamespace = current_schema()::regnamespace "
        "AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
        [tables, TRIGGER],
    )
    watched = {row[0] for row in cursor.fetchall()}
    return [table for table in tables if table not in watched]


def snapshot(connection) -> None:
    """Copy every table holding a row into SCHEMA and watch every table for changes (called
    once the database is seeded)."""
    if not _usable(connection):
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.changed (name text PRIMARY KEY)")
        cursor.execute(
            # As its owner: the app's own role (tests/audit/test_app_role.py) may not write here.
            f"CREATE FUNCTION {SCHEMA}.note_change() RETURNS trigger LANGUAGE plpgsql "
            "SECURITY DEFINER SET search_path = pg_catalog AS $$ "
            f"BEGIN INSERT INTO {SCHEMA}.changed VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING; "
            "RETURN NULL; END $$"
        )
        copied = {table: _copy(cursor, connection, table) for table in tables_with_rows(connection)}
        _watch(cursor, connection, _unwatched(cursor, connection))
    _snapshots[connection.alias] = copied


def snapshot_tables(connection, tables) -> None:
    """Add these tables, as they are now, to the copy: rows committed after the seed that tests
    should find there (the postcode directory)."""
    if connection.alias not in _snapshots:
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in tables:
            _snapshots[connection.alias][table] = _copy(cursor, connection, table)
        cursor.execute(f"DELETE FROM {SCHEMA}.changed WHERE name = ANY(%s)", [list(tables)])


def restore(connection) -> None:
    quote = connection.ops.quote_name
    copied = _snapshots[connection.alias]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(f"DELETE FROM {SCHEMA}.changed RETURNING name")
        # A table a migration test dropped is gone from the list until it is made again.
        changed = {row[0] for row in cursor.fetchall()} & set(_tables(connection))
        unwatched = _unwatched(cursor, connection)
        for table in sorted(changed | set(unwatched)):
            cursor.execute(f"DELETE FROM {quote(table)}")
            if table in copied:
                columns = copied[table]
                cursor.execute(
                    f"INSERT INTO {quote(table)} ({columns}) "
                    f"SELECT {columns} FROM {SCHEMA}.{quote(table)}"
                )
        _watch(cursor, connection, unwatched)


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
