"""Time `manage.py audit_verify` over a 1,000,000-row access log, and what the hash chain costs
each insert.

    .venv/bin/python bench/audit_verify.py                 # fc_bench, 1,000,000 rows
    .venv/bin/python bench/audit_verify.py --rows 200000

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench; never a database you
care about), connecting as the tables' owner. Migrates it and empties its access log (TRUNCATE,
which only the owner may do), then:

- measures single-row inserts (each its own transaction, as the app writes them) with the chain
  trigger and, for comparison, with it lifted; and the same with ``--writers`` threads writing
  at once, which queue on the chain head;
- seeds ``--rows`` rows through the trigger in batches of INSERT … SELECT (realistic values:
  ids, a request id, a view name), timing the rows per second;
- times the same walk `audit_verify` does (audit.chain.chain_verify) over the whole log, and
  checks it found the chain intact. Target: at most 60 s for 1,000,000 rows.

Writes bench/results/audit_verify.json.
"""

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TARGET_SECONDS = 60
BATCH = 50_000

from bench.common import django_start  # noqa: E402

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from audit.chain import chain_verify  # noqa: E402
from audit.models import AccessLog  # noqa: E402

SEED_SQL = """
INSERT INTO audit_accesslog (id, at, user_id, role, team_slugs, action, record_type, record_id,
    person_id, view_name, request_id, reason, prev_hash, row_hash)
SELECT gen_random_uuid(), now() - (g * interval '1 second'), %s, 'FC_PRACTITIONER',
    'family-connect', 'VIEW', 'person', p::text, p, 'people:person-detail',
    md5(g::text), '', '', ''
FROM generate_series(1, %s) AS g, LATERAL (SELECT gen_random_uuid() AS p) AS person
"""


def _empty_log():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_accesslog")


def _single_inserts(user, count: int) -> float:
    """Seconds for `count` single-row inserts, each committed on its own."""
    started = time.perf_counter()
    for _ in range(count):
        AccessLog.objects.create(
            user=user, role=user.role, action="VIEW", record_type="person", view_name="bench"
        )
    return time.perf_counter() - started


def _concurrent_inserts(user, writers: int, each: int) -> float:
    barrier = threading.Barrier(writers + 1)

    def write():
        barrier.wait()
        _single_inserts(user, each)
        connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _chain_trigger(enabled: bool):
    with connection.cursor() as cursor:
        state = "ENABLE" if enabled else "DISABLE"
        cursor.execute(f"ALTER TABLE audit_accesslog {state} TRIGGER audit_accesslog_chain")


def insert_cost(user, *, singles: int, writers: int) -> dict:
    figures = {}
    for chained in (False, True):
        _empty_log()
        _chain_trigger(chained)
        _single_inserts(user, 50)  # warm up
        one = _single_inserts(user, singles)
        many = _concurrent_inserts(user, writers, singles // writers)
        key = "with_chain" if chained else "without_chain"
        figures[key] = {
            "single_insert_ms": round(one / singles * 1000, 3),
            f"{writers}_writers_inserts_per_second": round(singles / many),
        }
    _chain_trigger(True)
    _empty_log()
    figures["chain_cost_per_insert_ms"] = round(
        figures["with_chain"]["single_insert_ms"] - figures["without_chain"]["single_insert_ms"], 3
    )
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--singles", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    user, _ = User.objects.get_or_create(
        username="bench.audit.practitioner",
        defaults={"first_name": "Bench", "last_name": "Auditor", "role": Role.FC_PRACTITIONER},
    )
    inserts = insert_cost(user, singles=args.singles, writers=args.writers)
    print(f"insert cost: {inserts}")

    _empty_log()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for offset in range(0, args.rows, BATCH):
            cursor.execute(SEED_SQL, [user.pk, min(BATCH, args.rows - offset)])
        cursor.execute("VACUUM ANALYZE audit_accesslog")
    seed_seconds = time.perf_counter() - started
    print(f"seeded {args.rows} chained rows in {seed_seconds:.1f} s")

    started = time.perf_counter()
    report = chain_verify(AccessLog)
    verify_seconds = time.perf_counter() - started
    if not report.intact or report.rows != args.rows:
        sys.exit(f"audit_verify found {report.rows} good rows, then: {report.problem}")
    print(f"audit_verify walked {report.rows} rows in {verify_seconds:.1f} s")

    figures = {
        "rows": args.rows,
        "verify_seconds": round(verify_seconds, 2),
        "verify_rows_per_second": round(args.rows / verify_seconds),
        "target_seconds": TARGET_SECONDS,
        "meets_target": verify_seconds <= TARGET_SECONDS,
        "seed_chained_rows_per_second": round(args.rows / seed_seconds),
        "inserts": inserts,
        "postgresql": connection.cursor().connection.server_version,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_verify.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
