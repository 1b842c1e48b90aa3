"""Indexes the dashboards' aggregates read by (docs/adr/0011-dashboards-charts-and-aggregates.md).

They sit on other apps' tables but serve only the dashboards, so they live here: the owning apps'
models need not know about them. ``IF NOT EXISTS`` lets an owning app adopt one later. The
covering index on a consultation's children lets the front door count them from the index alone
(PostgreSQL's ``INCLUDE``; SQLite gets the plain index).
"""

from django.db import migrations

INDEXES = [
    ("dash_consultation_received", "referrals_consultation", "(received_at)", ""),
    (
        "dash_consultation_child_cover",
        "referrals_consultationchild",
        "(consultation_id)",
        " INCLUDE (outcome, authorisation, team_id)",
    ),
    ("dash_case_team_due", "cases_case", "(team_id, assessment_due_date)", ""),
    (
        "dash_case_referral_date",
        "cases_case",
        "(referral_date) WHERE opened_by_id IS NOT NULL",
        "",
    ),
    ("dash_letter_queued", "letters_letter", "(queued_at)", ""),
    ("dash_consent_exception_decided", "consent_consentexception", "(decided_at)", ""),
]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for name, table, columns, include in INDEXES:
        if include and postgres:
            columns = columns + include
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")


def drop(apps, schema_editor):
    for name, *_rest in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("referrals", "0005_consultation_reference_counter"),
        ("cases", "0003_case_work"),
        ("letters", "0001_initial"),
        ("consent", "0003_hash_chain"),
    ]

    operations = [migrations.RunPython(create, drop)]
