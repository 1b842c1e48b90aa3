"""PostgreSQL search support: pg_trgm, unaccent and fuzzystrmatch, and the indexes person search
uses (see people/search.py). On SQLite every operation here does nothing, so it still migrates.

The indexes are not in the models' Meta because they use PostgreSQL-only operator classes and
functions; Django's autodetector therefore never tries to change or drop them.
"""

from django.contrib.postgres.operations import (
    CreateExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations

INDEXES = [
    # Trigram similarity (%) on each name part.
    ("personname_family_trgm", "USING gin (family_norm gin_trgm_ops)"),
    ("personname_given_trgm", "USING gin (given_norm gin_trgm_ops)"),
    # The B-tree indexes below carry person_id and the names (INCLUDE) so each search arm is an
    # index-only scan: at a million people, fetching thousands of heap rows is what costs.
    # Phonetic match on family and given name together (fuzzystrmatch's dmetaphone is IMMUTABLE).
    (
        "personname_dmetaphone",
        "(dmetaphone(family_norm), dmetaphone(given_norm)) INCLUDE (person_id, family_norm, given_norm)",
    ),
    # Near-miss spelling: one name exact (or a nickname) or sounding alike, plus the start of the
    # other name (LIKE 'x%'), ordered by levenshtein.
    (
        "personname_given_family_prefix",
        "(given_norm text_pattern_ops, family_norm text_pattern_ops) INCLUDE (person_id)",
    ),
    (
        "personname_given_sound_family_prefix",
        "(dmetaphone(given_norm), family_norm text_pattern_ops) INCLUDE (person_id, given_norm)",
    ),
    (
        "personname_family_given_prefix",
        "(family_norm text_pattern_ops, given_norm text_pattern_ops) INCLUDE (person_id)",
    ),
    (
        "personname_family_sound_given_prefix",
        "(dmetaphone(family_norm), given_norm text_pattern_ops) INCLUDE (person_id, family_norm)",
    ),
    # The last word of a hyphenated family name ("Jones" in "Muller-Jones"), as a prefix match on
    # the reversed name.
    (
        "personname_family_reversed",
        "(reverse(family_norm) text_pattern_ops) INCLUDE (person_id, given_norm)",
    ),
]


def _create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON people_personname {definition}"
        )


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_details_and_links")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        CreateExtension("fuzzystrmatch"),
        migrations.RunPython(_create, _drop, elidable=False),
    ]
