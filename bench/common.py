"""What the benchmark scripts share: their own database, and timing figures. Import it before
Django is set up (it does not import Django)."""

import os
import statistics
import sys
import time

# How every benchmark runs Django: like production (DEBUG off) but over plain HTTP, on its own
# database, never the app's.
BENCH_ENVIRONMENT = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/fc_bench",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "DEBUG": "false",
    "STATIC_MANIFEST": "false",
    "SECURE_HTTPS": "false",
    "ALLOWED_HOSTS": "testserver",
    "DJANGO_SETTINGS_MODULE": "familyfirst.settings",
}


def environment_set(**environment: str) -> None:
    """Set the benchmark's environment: the defaults above, with ``environment`` added or
    overriding them; what the caller's shell already set wins."""
    for name, value in {**BENCH_ENVIRONMENT, **environment}.items():
        os.environ.setdefault(name, value)


def django_start(*, fresh: bool = False, **environment: str) -> None:
    """Set the benchmark's environment (``environment_set``), make sure its database exists
    (dropped and made again when ``fresh``), and set Django up."""
    environment_set(**environment)
    (fresh_database if fresh else ensure_database)(os.environ["DATABASE_URL"])
    import django

    django.setup()


def _admin_cursor_for(url: str, *, dropping: bool):
    """A connection to the server's ``postgres`` database and the benchmark database's name,
    refusing the app's database, a test database and (to drop) any name without "bench"."""
    import psycopg2

    from familyfirst.env import database_from_url

    config = database_from_url(url)
    name = config["NAME"]
    if (
        name in {"familyconnect", "postgres"}
        or name.startswith("test_")
        or (dropping and "bench" not in name)
    ):
        sys.exit(f"Refusing to seed {name!r}: use a benchmark database such as fc_bench")
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    return admin, name


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing."""
    admin, name = _admin_cursor_for(url, dropping=False)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def fresh_database(url: str) -> None:
    """Drop the benchmark database and create it again, empty."""
    admin, name = _admin_cursor_for(url, dropping=True)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


class DatabaseTimer:
    """A connection.execute_wrapper counting statements and the time spent in the database."""

    def __init__(self):
        self.seconds = 0.0
        self.statements = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def summary(values_ms):
    return {
        "p50_ms": round(percentile(values_ms, 50), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "p99_ms": round(percentile(values_ms, 99), 2),
        "mean_ms": round(statistics.fmean(values_ms), 2),
        "max_ms": round(max(values_ms), 2),
    }


def time_page(client, url, renders, *, target_p95_ms: float, target_statements: int | None = None):
    """Render ``url`` ``renders`` times with the Django test client: page and database time,
    statements and size per render, and whether the targets were met. Returns (figures, the last
    response). Django is imported by the caller's set-up (django_start) before this runs."""
    from django.db import connection

    timings, statements, db_ms, sizes = [], [], [], []
    for _ in range(renders):
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        statements.append(timer.statements)
        db_ms.append(timer.seconds * 1000)
        sizes.append(len(response.content))
    meets = percentile(timings, 95) <= target_p95_ms
    if target_statements is not None:
        meets = meets and max(statements) <= target_statements
    return {
        "url": url,
        "renders": renders,
        "page_time": summary(timings),
        "database_time": summary(db_ms),
        "sql_statements_per_render": max(statements),
        "page_bytes": max(sizes),
        "meets_target": meets,
    }, response
