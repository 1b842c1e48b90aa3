"""Each load-test page's own cost, one request at a time: no queueing behind other users.

    .venv/bin/python bench/load/pages.py            # after bench/load/run.py, on its database

On a busy machine the load test's figures are mostly time spent waiting for a gunicorn worker
or a core, which every page shares. This renders the pages the simulated users visit in process
(Django's test client, signed in as the load test's accounts with two-factor verification done,
as the tests' client_for does), ``--renders`` times each after a warm-up, against the database
bench/load/seed.py filled (LOAD_DATABASE_URL, default fc_load), and reports p50/p95 ms, SQL
statements and database time per render, with each page's p50 against the bare page's.
Writes bench/results/load_pages.json.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_load"
)
os.environ.setdefault("SECRET_KEY", "load-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("SECURE_HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familyfirst.settings")
RESULTS = ROOT / "bench" / "results" / "load_pages.json"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.common import DatabaseTimer, summary  # noqa: E402
from cases.models import Case, CaseStatus  # noqa: E402
from conftest import verified_client  # noqa: E402


def _time(client, url, renders):
    for _ in range(5):  # warm the templates, caches and the connection; not counted
        client.get(url)
    timings, statements, db_ms = [], [], []
    for _ in range(renders):
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        statements.append(timer.statements)
        db_ms.append(timer.seconds * 1000)
    return {
        "url": url,
        "renders": renders,
        **summary(timings),
        "database_p50_ms": summary(db_ms)["p50_ms"],
        "sql_statements": max(statements),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    args = parser.parse_args()
    practitioner = User.objects.get(username="load.practitioner.0")
    manager = User.objects.get(username="load.manager.0")
    worker = User.objects.get(username="load.fhlp.0")
    team_manager = User.objects.get(username="load.team-manager.0")
    team = team_manager.memberships.get().team
    case = Case.objects.filter(allocated_to=worker, status=CaseStatus.ALLOCATED).first()
    pages = [
        ("bare page (healthz)", practitioner, "/healthz/"),
        ("home", practitioner, "/"),
        ("front-door queue", practitioner, "/front-door/queue/"),
        ("authorisation queue", manager, "/front-door/authorisations/"),
        ("caseload: my cases", worker, "/cases/"),
        ("caseload: team", team_manager, f"/cases/teams/{team.slug}/"),
        ("case page", worker, f"/cases/{case.pk}/"),
        ("assessment page", worker, f"/assessments/{case.assessments.get().pk}/"),
    ]
    clients = {}
    figures = {}
    for name, user, url in pages:
        client = clients.setdefault(user.pk, verified_client(user))
        figures[name] = _time(client, url, args.renders)
    bare = figures["bare page (healthz)"]["p50_ms"]
    for page in figures.values():
        page["p50_vs_bare"] = round(page["p50_ms"] / bare, 1)
    RESULTS.write_text(
        json.dumps({"loadavg_at_start": os.getloadavg()[0], "pages": figures}, indent=2) + "\n"
    )
    for name, page in figures.items():
        print(
            f"{name:24} p50 {page['p50_ms']:7.1f}  p95 {page['p95_ms']:7.1f}  "
            f"db {page['database_p50_ms']:6.1f}  sql {page['sql_statements']:3}  x{page['p50_vs_bare']}"
        )


if __name__ == "__main__":
    main()
