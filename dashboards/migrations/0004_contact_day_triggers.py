"""Triggers that mark a day of the contact summary not fresh when one of its contacts changes
(docs/adr/0011-dashboards-charts-and-aggregates.md, "The summary").

In the database rather than in Django signals because some changes are queryset updates (a
draft's received time, caller and purpose are saved with ``.update()``), which send no signal.
The marking is an upsert, so it waits for a refresh of the same day in progress and is never
overwritten by it. Today is not marked: it is always counted live, and the beat task re-counts
yesterday every time it runs. PostgreSQL only; on SQLite the front door counts every day live.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION dashboards_contact_day_stale(received timestamptz) RETURNS void AS $$
BEGIN
    IF received IS NOT NULL
       AND (received AT TIME ZONE 'Europe/London')::date
           < (now() AT TIME ZONE 'Europe/London')::date THEN
        INSERT INTO dashboards_contactdayrefresh (day, fresh)
        VALUES ((received AT TIME ZONE 'Europe/London')::date, false)
        ON CONFLICT (day) DO UPDATE SET fresh = false;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dashboards_consultation_changed() RETURNS trigger AS $$
BEGIN
    PERFORM dashboards_contact_day_stale(OLD.received_at);
    IF TG_OP = 'UPDATE' THEN
        PERFORM dashboards_contact_day_stale(NEW.received_at);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dashboards_consultation_child_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dashboards_contact_day_stale(
            (SELECT received_at FROM referrals_consultation WHERE id = OLD.consultation_id));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM dashboards_contact_day_stale(
            (SELECT received_at FROM referrals_consultation WHERE id = NEW.consultation_id));
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER dashboards_consultation_changed
AFTER UPDATE OF received_at, purpose, caller_agency_type OR DELETE ON referrals_consultation
FOR EACH ROW EXECUTE FUNCTION dashboards_consultation_changed();

CREATE TRIGGER dashboards_consultation_child_changed
AFTER INSERT OR DELETE OR UPDATE OF outcome, authorisation, team_id, consultation_id
ON referrals_consultationchild
FOR EACH ROW EXECUTE FUNCTION dashboards_consultation_child_changed();
"""

DROP = r"""
DROP TRIGGER IF EXISTS dashboards_consultation_child_changed ON referrals_consultationchild;
DROP TRIGGER IF EXISTS dashboards_consultation_changed ON referrals_consultation;
DROP FUNCTION IF EXISTS dashboards_consultation_child_changed();
DROP FUNCTION IF EXISTS dashboards_consultation_changed();
DROP FUNCTION IF EXISTS dashboards_contact_day_stale(timestamptz);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_contact_day_summary"),
        ("referrals", "0006_consultationchild_decision_due_at"),
    ]

    operations = [migrations.RunPython(create, drop)]
