"""Fixtures shared by every test: reference data, the named personas, and signed-in clients.

Personas (STYLE.md point 10): a Family Connect practitioner, a Family Connect manager, a Rugby
FHLP, a Warwick FHLP, a locality team manager, a MACPT Lead Child Protection Practitioner, an
auditor, an administrator, and a stranger (an active account with no role or team).
"""

from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.personas import PERSONAS, PERSONAS_BY_KEY
from accounts.services import persona_user_ensure
from locality.models import Team
from locality.services import reference_data_load
from people.models import Person, Relationship
from spectrum.services import framework_v1_ensure
from tests import database

PERSONA_PASSWORD = "correct-horse-battery-staple"  # noqa: S105
PERSONA_KEYS = [persona.key for persona in PERSONAS] + ["stranger"]
# Real hashing costs half a second a persona; the algorithm is not what these tests check.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


# The marks of the tests that take seconds each: a browser, a Celery worker, a subprocess.
LONG_RUNNING = ("browser", "worker", "slow")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Long-running tests first, in their usual order, then the rest. ``make test`` has
    pytest-xdist hand them out one at a time in this order (``--maxschedchunk=1``), so the long
    ones run side by side from the start and the processes finish together, where a long test
    dealt out last kept one process running alone (docs/testing.md). On PostgreSQL only:
    there a test that commits leaves the database as it found it (tests/database.py), while on
    SQLite Django's flush empties it, so pytest-django's order (those tests last) is kept."""
    if connection.vendor != "postgresql":
        return
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONG_RUNNING))


def _seed() -> None:
    """Reference data, the published Spectrum framework (its data migration loads it; a database
    kept from an older run may have lost it) and every persona, as each test expects to find
    them."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        reference_data_load()
        framework_v1_ensure()
        for persona in PERSONAS:
            persona_user_ensure(
                persona=persona, password=PERSONA_PASSWORD, start_date=timezone.localdate()
            )
        stranger, _ = User.objects.get_or_create(
            username="sam.stranger", defaults={"first_name": "Sam"}
        )
        stranger.set_password(PERSONA_PASSWORD)
        stranger.save()


# After a test that commits, the database is put back as django_db_setup left it, not emptied
# with Django's TRUNCATE of every table (tests/database.py).
database.install()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with reference data and the personas written once, committed, before
    the first test: each test's own transaction starts with them and rolls its changes back.
    Building them in every test was most of the suite's time."""
    with django_db_blocker.unblock():
        _seed()
        database.snapshot(connection)


@pytest.fixture
def reference_data(db):
    # After a test on a transactional database (browser and worker tests) the seeded rows are
    # put back (tests/database.py); where Django's own flush ran instead (SQLite), which empties
    # every table, they are written again here.
    if not Team.objects.exists() or not User.objects.filter(username="sam.stranger").exists():
        _seed()


@pytest.fixture
def make_persona(reference_data):
    def make(key: str) -> User:
        username = "sam.stranger" if key == "stranger" else PERSONAS_BY_KEY[key].username
        return User.objects.get(username=username)

    return make


def _persona_fixture(key):
    @pytest.fixture(name=key)
    def fixture(make_persona):
        return make_persona(key)

    return fixture


for _key in PERSONA_KEYS:
    globals()[_key] = _persona_fixture(_key)


def verified_client(user: User) -> Client:
    """A test client signed in as the user, with two-factor verification done as django-otp records it."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test authenticator", defaults={"confirmed": True}
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for(make_persona):
    """client_for("practitioner") -> a signed-in, verified client; client_for("anonymous") -> no sign-in."""

    def make(key: str) -> Client:
        if key == "anonymous":
            return Client()
        return verified_client(make_persona(key))

    return make


def _born(years: int) -> date:
    return timezone.localdate() - relativedelta(years=years, days=30)


@pytest.fixture
def family(db):
    """A mother with parental responsibility for an 8-year-old and a 16-year-old, and a
    grandmother who is related but holds no parental responsibility."""
    mother = Person.objects.create(
        given_name="Claire", family_name="Dawson", date_of_birth=_born(38)
    )
    grandmother = Person.objects.create(
        given_name="Joan", family_name="Dawson", date_of_birth=_born(66)
    )
    child = Person.objects.create(given_name="Mia", family_name="Dawson", date_of_birth=_born(8))
    teenager = Person.objects.create(
        given_name="Leo", family_name="Dawson", date_of_birth=_born(16)
    )
    for young in (child, teenager):
        Relationship.objects.create(
            from_person=mother, to_person=young, kind="PARENT", parental_responsibility=True
        )
        Relationship.objects.create(from_person=grandmother, to_person=young, kind="GRANDPARENT")
    return {"mother": mother, "grandmother": grandmother, "child": child, "teenager": teenager}
