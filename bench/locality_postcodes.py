"""Benchmark: building the postcode tables, and looking postcodes up.

    DATABASE_URL=postgres://... .venv/bin/python bench/locality_postcodes.py [--lookups 2000]
        [--compare]

Rebuilds the tables from the ONS Postcode Directory package (timed: reading and packing,
then writing), then times random lookups of full Warwickshire postcodes, full postcodes
outside Warwickshire, outward codes and routing decisions. Goal: lookup p95 <= 2 ms.

--compare also measures the two alternatives for postcodes outside Warwickshire that the
packed sector table was chosen over: one row per UK postcode (built in a scratch table, then
dropped), and reading the package at run time (cold and warm, with memory). Writes
bench/results/locality_postcodes.json.
"""

import argparse
import gc
import io
import json
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from bisect import bisect_left
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familyfirst.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-used-anywhere-else-0123456789")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from locality.models import Postcode, PostcodeSector, RoutingLevel  # noqa: E402
from locality.onspd import onspd_letters, onspd_read, onspd_version  # noqa: E402
from locality.reference import warwickshire_la_codes  # noqa: E402
from locality.selectors import postcode_lookup, routing_resolve  # noqa: E402
from locality.services import (  # noqa: E402
    postcode_directory_rows,
    postcodes_load,
    reference_data_load,
)

RESULTS = BASE_DIR / "bench" / "results" / "locality_postcodes.json"


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def at(fraction):
        return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 3)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def timed(calls) -> dict:
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def table_bytes(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [table])
        return cursor.fetchone()[0]


def measure_import() -> dict:
    started = time.perf_counter()
    rows = postcode_directory_rows()
    read_seconds = time.perf_counter() - started
    summary = postcodes_load(force=True, directory_rows=rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE locality_postcode, locality_postcodesector")
    return {
        "source_version": onspd_version(),
        "read_and_pack_seconds": round(read_seconds, 2),
        "write_seconds": round(summary.seconds, 2),
        "total_seconds": round(read_seconds + summary.seconds, 2),
        "warwickshire_postcodes": summary.postcodes,
        "uk_sectors": summary.sectors,
        "postcode_table_mb": round(table_bytes("locality_postcode") / 1e6, 1),
        "sector_table_mb": round(table_bytes("locality_postcodesector") / 1e6, 1),
    }


def sample_outside_postcodes(rng: random.Random, count: int) -> list[str]:
    in_county = warwickshire_la_codes()
    sectors = [
        (sector, units)
        for sector, units, la_codes in PostcodeSector.objects.values_list(
            "sector", "units", "la_codes"
        )
        if not in_county.intersection(la_codes.split())
    ]
    picks = []
    for sector, units in rng.choices(sectors, k=count):
        unit = rng.randrange(len(units) // 2)
        picks.append(f"{sector}{units[2 * unit : 2 * unit + 2]}")
    return picks


def measure_lookups(rng: random.Random, count: int) -> dict:
    in_county = rng.sample(list(Postcode.objects.values_list("postcode", flat=True)), count)
    outside = sample_outside_postcodes(rng, count)
    outward = [
        rng.choice(["CV10", "CV11", "CV12", "CV21", "CV23", "B94", "CV36", "CV1"])
        for _ in range(count // 4)
    ]
    for warm in in_county[:20] + outside[:20]:
        postcode_lookup(text=warm)
    mixed = in_county[: count // 2] + outside[: count // 2]
    rng.shuffle(mixed)
    levels = list(RoutingLevel.values)
    return {
        "full_in_county": timed(lambda p=p: postcode_lookup(text=p) for p in in_county),
        "full_outside_county": timed(lambda p=p: postcode_lookup(text=p) for p in outside),
        "mixed_full": timed(lambda p=p: postcode_lookup(text=p) for p in mixed),
        "outward_code": timed(lambda p=p: postcode_lookup(text=p) for p in outward),
        "routing_resolve": timed(
            lambda p=p: routing_resolve(
                postcode=p,
                level=rng.choice(levels),
                concerns=["EXPLOITATION"],
                date_of_birth=date(2012, 5, 1),
            )
            for p in in_county[: count // 2]
        ),
    }


def compare_full_table(rng: random.Random, count: int) -> dict:
    """One row per UK postcode, in a scratch table."""
    started = time.perf_counter()
    rows = []
    for letter in onspd_letters():
        pcds, la_codes = onspd_read(letter)
        rows.extend(
            f"{pcd}\t{code}\n"
            for pcd, code in zip(pcds, la_codes, strict=True)
            if isinstance(code, str)
        )
    read_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_all_postcodes")
        cursor.execute(
            "CREATE TABLE bench_all_postcodes (pcd varchar(7) NOT NULL, la_code varchar(9) NOT NULL)"
        )
        started = time.perf_counter()
        cursor.copy_expert("COPY bench_all_postcodes FROM STDIN", io.StringIO("".join(rows)))
        cursor.execute("ALTER TABLE bench_all_postcodes ADD PRIMARY KEY (pcd)")
        cursor.execute("ANALYZE bench_all_postcodes")
        write_seconds = time.perf_counter() - started
        size = table_bytes("bench_all_postcodes")
        keys = [row.split("\t")[0] for row in rng.sample(rows, count)]

        def look(pcd):
            cursor.execute("SELECT la_code FROM bench_all_postcodes WHERE pcd = %s", [pcd])
            cursor.fetchone()

        lookups = timed(lambda k=k: look(k) for k in keys)
        cursor.execute("DROP TABLE bench_all_postcodes")
    return {
        "rows": len(rows),
        "read_seconds": round(read_seconds, 2),
        "write_and_index_seconds": round(write_seconds, 2),
        "table_mb": round(size / 1e6, 1),
        "lookup": lookups,
    }


def compare_package_at_run_time(rng: random.Random, count: int) -> dict:
    """Reading the package when asked, keeping each letter's columns once read."""
    cache = {}

    def look(postcode):
        pcd = postcode.replace(" ", "")
        pcd = f"{pcd[:-3]:<4}{pcd[-3:]}"
        columns = cache.get(pcd[0])
        if columns is None:
            columns = cache[pcd[0]] = onspd_read(pcd[0])
        position = bisect_left(columns[0], pcd)
        return columns[1][position] if columns[0][position] == pcd else None

    cold = {}
    for letter in ("B", "C", "S"):
        started = time.perf_counter()
        onspd_read(letter)
        cold[letter] = round((time.perf_counter() - started) * 1000, 1)
    gc.collect()
    tracemalloc.start()
    onspd_read("B")
    held = onspd_read("B")
    memory_b = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del held
    keys = sample_outside_postcodes(rng, count)
    for key in keys[:50]:
        look(key)
    return {
        "cold_first_lookup_ms_by_letter": cold,
        "memory_held_for_letter_B_mb": round(memory_b / 1e6, 1),
        "warm_lookup": timed(lambda k=k: look(k) for k in keys),
        "note": "every web worker pays the cold load per letter and holds the memory",
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lookups", type=int, default=2000, help="random lookups of each kind")
    parser.add_argument("--compare", action="store_true", help="also measure the alternatives")
    parser.add_argument("--seed", type=int, default=20260301)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run with DATABASE_URL pointing at PostgreSQL: the figures are for production.")
    args.lookups = max(args.lookups, 1000)
    rng = random.Random(args.seed)
    call_command("migrate", verbosity=0)
    reference_data_load()

    results = {
        "benchmark": "locality_postcodes",
        "python": platform.python_version(),
        "postgresql": connection.pg_version,
        "cpus": os.cpu_count(),
        "import": measure_import(),
        "lookups": measure_lookups(rng, args.lookups),
    }
    results["goal"] = {
        "lookup_p95_ms": 2.0,
        "met": results["lookups"]["mixed_full"]["p95_ms"] <= 2.0
        and results["lookups"]["full_in_county"]["p95_ms"] <= 2.0,
    }
    if args.compare:
        results["compare"] = {
            "one_row_per_uk_postcode": compare_full_table(rng, args.lookups),
            "package_at_run_time": compare_package_at_run_time(rng, args.lookups),
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
