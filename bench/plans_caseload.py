"""Time the plans caseload page (/plans/): a Family Help Lead Practitioner with 40 plans, each
with its next review date, outcomes and open actions.

    .venv/bin/python bench/plans_caseload.py                   # fc_bench, 40 plans, 250 renders
    .venv/bin/python bench/plans_caseload.py --plans 80 --renders 500

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench; never a database you
care about). Migrates it, loads the reference data (teams), makes a benchmark FHLP in the Rugby
team, removes the plans and cases an earlier run gave that worker, then seeds ``--plans`` open
cases allocated to them, each with a plan of two outcomes and three actions, reviews from
overdue to two months ahead (tests/plans/builders.py, the builder the query-count test uses).
Renders /plans/ through Django's test client signed in with two-factor verification done,
``--renders`` times after a warm-up. Reports p50/p95 ms, SQL statements and database time per
render. Targets: p95 at most 150 ms, at most 15 statements.

Writes bench/results/plans.json.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 150
TARGET_STATEMENTS = 15

from bench.common import DatabaseTimer, django_start, percentile, summary  # noqa: E402

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from accounts.models import Role  # noqa: E402
from accounts.personas import Persona  # noqa: E402
from accounts.services import persona_user_ensure  # noqa: E402
from audit.models import AccessLog  # noqa: E402
from cases.models import Case  # noqa: E402
from conftest import verified_client  # noqa: E402
from locality.models import Team  # noqa: E402
from locality.services import reference_data_load  # noqa: E402
from plans.models import Action, Outcome, Plan  # noqa: E402
from tests.plans.builders import caseload_plans  # noqa: E402

BENCH_FHLP = Persona(
    "bench_fhlp",
    "bench.plans.fhlp",
    "Bench",
    "Practitioner",
    Role.FHLP,
    "Family Help Lead Practitioner",
    "family-help-rugby",
)


@transaction.atomic
def seed(*, count: int) -> tuple:
    started = time.perf_counter()
    if not Team.objects.filter(slug="family-help-rugby").exists():
        reference_data_load()
    worker = persona_user_ensure(
        persona=BENCH_FHLP, password="bench-only-password", start_date=timezone.localdate()
    )
    old_plans = Plan.objects.filter(case__allocated_to=worker)
    Action.objects.filter(outcome__plan__in=old_plans).delete()
    Outcome.objects.filter(plan__in=old_plans).delete()
    old_cases = list(old_plans.values_list("case_id", flat=True))
    old_plans.delete()
    Case.objects.filter(pk__in=old_cases).delete()
    fake = Faker("en_GB")
    fake.seed_instance(14)
    names = [(fake.first_name(), fake.last_name()) for _ in range(count)]
    plans = caseload_plans(
        worker=worker,
        team=Team.objects.get(slug="family-help-rugby"),
        count=count,
        names=lambda n: names[n],
    )
    return worker, {"plans": len(plans), "seconds": round(time.perf_counter() - started, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=40)
    parser.add_argument("--renders", type=int, default=250)
    args = parser.parse_args()

    call_command("migrate", "--no-input", verbosity=0)
    worker, seeded = seed(count=args.plans)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_plan; ANALYZE plans_outcome; ANALYZE plans_action")
    client = verified_client(worker)
    for _ in range(10):  # warm caches, templates and the connection; not counted
        client.get("/plans/")
    timings, statements, db_ms = [], [], []
    for _ in range(args.renders):
        timer = DatabaseTimer()
        started = time.perf_counter()
        with connection.execute_wrapper(timer):
            response = client.get("/plans/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        statements.append(timer.statements)
        db_ms.append(timer.seconds * 1000)
    page = response.content.decode()
    rows = page.count('<tr class="govuk-table__row">') - 1
    figures = {
        "plans_on_caseload": rows,
        "seeded": seeded,
        "renders": args.renders,
        "page_time": summary(timings),
        "database_time": summary(db_ms),
        "sql_statements_per_render": max(statements),
        "overdue_shown": page.count(">Overdue<"),
        "access_log_rows_per_render": AccessLog.objects.filter(
            user=worker, record_type="plan-caseload"
        )
        .order_by("-at")[: args.plans]
        .count(),
        "target_p95_ms": TARGET_P95_MS,
        "target_statements": TARGET_STATEMENTS,
        "meets_target": percentile(timings, 95) <= TARGET_P95_MS
        and max(statements) <= TARGET_STATEMENTS,
        "database": connection.settings_dict["NAME"],
        "machine": f"{os.cpu_count()} cores",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    assert rows == args.plans, f"expected {args.plans} rows, saw {rows}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "plans.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
