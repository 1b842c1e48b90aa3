"""The postcode tables for tests: the whole ONS Postcode Directory, read once per session.

Reading the package takes about three seconds, so the rows are cached for the session and
written to the test database once, committed, before the first test that asks for them; every
test's own transaction then starts with them, and tests that commit (the browser tests) leave
them in place (tests/database.py). Where Django's flush empties every table instead (SQLite),
``postcodes`` writes them again when it finds them gone (about half a second).

Other apps' tests can use the fixtures by importing them: ``from tests.locality.conftest import
postcodes, postcode_tables``.
"""

from functools import cache

import pytest
from django.db import connection

from locality.models import Postcode, PostcodeSector
from locality.services import postcode_directory_rows, postcodes_load
from tests import database


@cache
def directory_rows():
    return postcode_directory_rows()


@pytest.fixture(scope="session")
def postcode_tables(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        postcodes_load(directory_rows=directory_rows())
        # Kept through tests that commit, which leave them alone (tests/database.py).
        database.snapshot_tables(
            connection, [Postcode._meta.db_table, PostcodeSector._meta.db_table]
        )


@pytest.fixture
def postcodes(postcode_tables, reference_data):
    if not Postcode.objects.exists():
        postcodes_load(directory_rows=directory_rows(), force=True)
