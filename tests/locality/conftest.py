"""The postcode tables for tests: the whole ONS Postcode Directory, read once per session.

Reading the package takes about three seconds, so the rows are cached for the session and
written to the test database once, committed, before the first test that asks for them; every
test's own transaction then starts with them. Tests that use transactional_db (the browser
tests) empty every table when they end, so ``postcodes`` writes them again when it finds them
gone (about half a second).

Other apps' tests can use the fixtures by importing them: ``from tests.locality.conftest import
postcodes, postcode_tables``.
"""

from functools import cache

import pytest

from locality.models import Postcode
from locality.services import postcode_directory_rows, postcodes_load


@cache
def directory_rows():
    return postcode_directory_rows()


@pytest.fixture(scope="session")
def postcode_tables(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        postcodes_load(directory_rows=directory_rows())


@pytest.fixture
def postcodes(postcode_tables, reference_data):
    if not Postcode.objects.exists():
        postcodes_load(directory_rows=directory_rows(), force=True)
