"""Settings come from the environment, fail loudly, and pass Django's deployment checks."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest

from familyfirst.env import ConfigurationError, database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7$e!b3kq#p0v@m2n9z&l5r8t1w4y6u-" + "a" * 30,
    "ALLOWED_HOSTS": "familyconnect.warwickshire.gov.uk",
    "LETTER_BASE_URL": "https://familyconnect.warwickshire.gov.uk",
}


def _clean_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_HTTPS",
            "STATIC_MANIFEST",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "EMAIL_HOST",
            "REQUIRE_MFA",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(overrides)
    return env


def _manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("ON", True), ("0", False), ("no", False)]
)
def test_booleans_are_read_in_their_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", default=not expected) is expected


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda: env_bool("SOME_FLAG", False), "ture", "SOME_FLAG must be true or false"),
        (lambda: env_int("SOME_FLAG", 1), "ten", "SOME_FLAG must be a whole number"),
        (lambda: env_int("SOME_FLAG", 1, minimum=5), "3", "SOME_FLAG must be at least 5"),
    ],
)
def test_a_bad_value_stops_with_a_message_naming_the_variable(monkeypatch, reader, raw, message):
    monkeypatch.setenv("SOME_FLAG", raw)

    with pytest.raises(ConfigurationError, match=message):
        reader()


def test_a_database_url_becomes_a_postgresql_connection():
    database = database_from_url(
        "postgres://fc:p%40ss@db.internal:6543/familyconnect?sslmode=require"
    )

    assert (
        database["HOST"],
        database["PORT"],
        database["NAME"],
        database["USER"],
        database["PASSWORD"],
    ) == (
        "db.internal",
        "6543",
        "familyconnect",
        "fc",
        "p@ss",
    )
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_a_non_postgresql_database_url_is_refused():
    with pytest.raises(ConfigurationError, match="postgres://"):
        database_from_url("mysql://localhost/familyconnect")


@pytest.mark.slow
def test_the_app_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = _manage("check", env=_clean_env(DEBUG="false"))

    assert result.returncode != 0
    assert "SECRET_KEY must be set whenever DEBUG is off" in result.stderr


@pytest.mark.slow
def test_a_misspelt_setting_stops_the_app_at_start_up():
    result = _manage("check", env=_clean_env(DEBUG="ture"))

    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'ture'" in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checks_with_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_clean_env(**PRODUCTION))

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("http://127.0.0.1:8000", "letters.W001"),
        ("http://familyconnect.warwickshire.gov.uk", "letters.W002"),
    ],
)
def test_deployment_checks_refuse_letter_links_referrers_cannot_use(base_url, problem):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=_clean_env(**{**PRODUCTION, "LETTER_BASE_URL": base_url}),
    )

    assert result.returncode != 0
    assert problem in result.stdout + result.stderr


def _settings_from(**env) -> SimpleNamespace:
    """What ``familyfirst/settings.py`` makes of this environment: the settings file run afresh in
    this process (not the settings this test run is using), as Django imports it at start-up."""
    with mock.patch.dict(os.environ, _clean_env(**env), clear=True):
        return SimpleNamespace(**runpy.run_path(str(ROOT / "familyfirst" / "settings.py")))


@pytest.mark.parametrize(
    ("env", "read", "expected"),
    [
        (
            {},
            lambda settings: settings.DATABASES["default"]["ENGINE"],
            "django.db.backends.sqlite3",
        ),
        (
            {"DATABASE_URL": "postgres://localhost/fc"},
            lambda settings: settings.DATABASES["default"]["ENGINE"],
            "django.db.backends.postgresql",
        ),
        ({}, lambda settings: settings.CELERY_TASK_ALWAYS_EAGER, True),
        (
            {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"},
            lambda settings: settings.CELERY_TASK_ALWAYS_EAGER,
            False,
        ),
        (
            {},
            lambda settings: settings.EMAIL_BACKEND,
            "django.core.mail.backends.filebased.EmailBackend",
        ),
        (
            {"EMAIL_HOST": "smtp.internal"},
            lambda settings: settings.EMAIL_BACKEND,
            "django.core.mail.backends.smtp.EmailBackend",
        ),
        ({}, lambda settings: settings.REQUIRE_MFA, True),
    ],
    ids=[
        "sqlite-by-default",
        "postgres-from-url",
        "eager-without-broker",
        "redis-broker",
        "mail-to-files",
        "smtp-when-configured",
        "mfa-on-by-default",
    ],
)
def test_services_are_chosen_from_the_environment(env, read, expected):
    assert read(_settings_from(**PRODUCTION, **env)) == expected


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_with_no_services_the_app_migrates_sqlite_and_serves_its_sign_in_page(tmp_path):
    port = _free_port()
    env = _clean_env(
        DEBUG="false",
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_HTTPS="false",
        STATIC_MANIFEST="false",
        FAMILY_CONNECT_VAR_DIR=str(tmp_path),
    )
    migrated = _manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "familyfirst.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        page = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/sign-in/", timeout=2
                ) as response:  # noqa: S310
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert page is not None, "the server never answered"
    assert "Sign in to Family Connect" in page
    assert (tmp_path / "family-connect.sqlite3").exists()
