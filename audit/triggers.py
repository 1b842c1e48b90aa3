"""A PostgreSQL trigger that makes a table append-only for every client, not only the ORM.

Used by migrations of log tables (access log, information-sharing log). SQLite, the no-services
fallback, gets no trigger; the models' AppendOnlyModel base refuses changes there.
TRUNCATE is deliberately not trapped: the test runner empties tables with it between tests, and
in production the application's database role does not own its tables, so it cannot truncate.
"""

from django.db import migrations

_FUNCTION = """
CREATE OR REPLACE FUNCTION family_connect_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunPython:
    trigger = f"{table}_append_only"

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION family_connect_append_only();",
                params=None,
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table};", params=None)

    return migrations.RunPython(forward, backward)
