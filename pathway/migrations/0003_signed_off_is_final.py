"""A signed-off assessment version, and every entry of a version no longer in draft, is final
for every database client (docs/adr/0007-assessment-versions.md). PostgreSQL only: on SQLite,
the no-services fallback, the services' checks are the only guard."""

from django.db import migrations

_VERSION_FUNCTION = """
CREATE OR REPLACE FUNCTION pathway_version_final() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'SIGNED_OFF' THEN
        RAISE EXCEPTION 'A signed-off assessment version is final: % refused', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

_ENTRY_FUNCTION = """
CREATE OR REPLACE FUNCTION pathway_entry_final() RETURNS trigger AS $$
DECLARE
    row_version uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN row_version := OLD.version_id; ELSE row_version := NEW.version_id; END IF;
    IF EXISTS (SELECT 1 FROM pathway_assessmentversion
               WHERE id = row_version AND status <> 'DRAFT') THEN
        RAISE EXCEPTION 'Only a draft assessment version can change: % on % refused',
            TG_OP, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

_LINK_FUNCTION = """
CREATE OR REPLACE FUNCTION pathway_link_final() RETURNS trigger AS $$
DECLARE
    row_entry bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN row_entry := OLD.understandingentry_id;
    ELSE row_entry := NEW.understandingentry_id; END IF;
    IF EXISTS (SELECT 1 FROM pathway_understandingentry u
               JOIN pathway_assessmentversion v ON v.id = u.version_id
               WHERE u.id = row_entry AND v.status <> 'DRAFT') THEN
        RAISE EXCEPTION 'Only a draft assessment version can change: % on % refused',
            TG_OP, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ENTRY_TABLES = ["pathway_situationentry", "pathway_understandingentry", "pathway_planitem"]
LINK_TABLE = "pathway_understandingentry_rests_on"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(_VERSION_FUNCTION, params=None)
    run(_ENTRY_FUNCTION, params=None)
    run(_LINK_FUNCTION, params=None)
    run(
        "CREATE TRIGGER pathway_assessmentversion_final BEFORE UPDATE OR DELETE "
        "ON pathway_assessmentversion FOR EACH ROW EXECUTE FUNCTION pathway_version_final();",
        params=None,
    )
    for table in ENTRY_TABLES:
        run(
            f"CREATE TRIGGER {table}_final BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pathway_entry_final();",
            params=None,
        )
    run(
        f"CREATE TRIGGER {LINK_TABLE}_final BEFORE INSERT OR UPDATE OR DELETE ON {LINK_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION pathway_link_final();",
        params=None,
    )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*ENTRY_TABLES, LINK_TABLE, "pathway_assessmentversion"]:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_final ON {table};", params=None)


class Migration(migrations.Migration):
    dependencies = [("pathway", "0002_situation_trigger_and_family_copies")]
    operations = [migrations.RunPython(forward, backward)]
