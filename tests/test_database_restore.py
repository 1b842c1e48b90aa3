"""After a test that commits, the database is put back as the seed left it (tests/database.py):
what the test changed is undone, whichever table it was in, and nothing else is touched."""

import pytest
from django.db import connection

from locality.models import Postcode, Team
from people.models import Person
from tests import database
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


@pytest.fixture
def restorable(transactional_db, reference_data):
    if connection.alias not in database._snapshots:
        pytest.skip("Put back by copy on PostgreSQL as a superuser only; elsewhere Django flushes")


def _changed_tables():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {database.SCHEMA}.changed")
        return {row[0] for row in cursor.fetchall()}


def test_committed_changes_are_undone_and_only_changed_tables_are_named(restorable):
    team = Team.objects.order_by("pk").first()
    seeded_name = team.name
    Team.objects.filter(pk=team.pk).update(name="Renamed in a test")
    Person.objects.create(given_name="Left", family_name="Behind")

    assert {"locality_team", "people_person"} <= _changed_tables()
    assert "spectrum_indicator" not in _changed_tables()

    database.restore(connection)

    assert Team.objects.get(pk=team.pk).name == seeded_name
    assert not Person.objects.filter(given_name="Left").exists()
    assert _changed_tables() == set()


def test_a_table_that_lost_its_watch_is_put_back_and_watched_again(restorable):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {database.TRIGGER} ON people_person")
    Person.objects.create(given_name="Unwatched", family_name="Row")

    database.restore(connection)

    assert not Person.objects.filter(given_name="Unwatched").exists()
    Person.objects.create(given_name="Watched", family_name="Again")
    assert "people_person" in _changed_tables()


@pytest.mark.usefixtures("postcodes")
def test_the_postcode_directory_survives_a_test_that_commits(restorable):
    count = Postcode.objects.count()
    assert count > 20_000
    Person.objects.create(given_name="Any", family_name="Change")

    database.restore(connection)

    assert Postcode.objects.count() == count
