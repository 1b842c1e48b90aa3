"""On PostgreSQL, refuse UPDATE and DELETE on the access log from any client, not only the ORM.

SQLite (the no-services fallback) has no such trigger; the model and queryset refuse there.
TRUNCATE is deliberately not trapped: the test runner empties tables with it between tests, and in
production the application's database role does not own its tables, so it cannot truncate.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_accesslog is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_accesslog_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_accesslog
    FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS audit_accesslog_no_update_or_delete ON audit_accesslog;
DROP FUNCTION IF EXISTS audit_accesslog_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
