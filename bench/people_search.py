"""Time person search and measure the duplicate check, on a database seeded by people_seed.py.

    .venv/bin/python bench/people_seed.py --people 1000000
    .venv/bin/python bench/people_search.py --queries 1000

1. ``--queries`` random people, each searched for with injected typos (a slipped key, a dropped,
   doubled or swapped letter, a nickname) and a random mix of full, swapped, partial or no date
   of birth and full, partial or no postcode. For each: database time (the sum of every SQL
   statement's time, measured with a connection execute wrapper) and whole search time, then
   the search page through Django's test client (form, search, access-log rows, template).
2. The duplicate check on every planted duplicate: search with the duplicate's own details
   (name, date of birth if any, postcode) excluding itself; recall@5 and precision@1 of the true
   original (from ``bench_person_cluster``).
3. EXPLAIN (ANALYZE, BUFFERS) of the name candidate query for sample searches, and which
   indexes it used.

Writes bench/results/people_search.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"

from bench.common import DatabaseTimer, django_start, summary  # noqa: E402

django_start(REQUIRE_MFA="false")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.people_seed import nickname_for, typo  # noqa: E402
from people.search import PartialDate, name_candidate_sql, person_search, search_criteria_parse  # noqa: E402

SEARCH_INDEXES = [
    "personname_family_trgm",
    "personname_given_trgm",
    "personname_dmetaphone",
    "personname_given_family_prefix",
    "personname_given_sound_family_prefix",
    "personname_family_given_prefix",
    "personname_family_sound_given_prefix",
    "person_dob",
    "personaddress_postcode",
]


def random_people(count, rng):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person")
        total = cursor.fetchone()[0]
        if not total:
            sys.exit("No people: run bench/people_seed.py first")
        fraction = min(1.0, count * 3 / total)
        cursor.execute(
            "SELECT p.id, p.given_name, p.family_name, p.date_of_birth, "
            "(SELECT postcode FROM people_personaddress a WHERE a.person_id = p.id LIMIT 1) "
            "FROM people_person p TABLESAMPLE BERNOULLI (%s) REPEATABLE (%s) "
            "WHERE p.id NOT IN (SELECT person_id FROM bench_person_cluster "
            "                   WHERE variation <> 'original')",
            [fraction * 100, rng.randint(1, 10_000)],
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows[:count], total


def typo_query(row, rng):
    """What a practitioner might type for this person: typos, nicknames, partial dates."""
    person_id, given, family, dob, postcode = row
    roll = rng.random()
    if roll < 0.35:
        given = typo(given, rng)
    elif roll < 0.70:
        family = typo(family, rng)
    elif roll < 0.80:
        given, family = typo(given, rng), typo(family, rng)
    elif roll < 0.90:
        given = nickname_for(given, rng) or typo(given, rng)
    query = {"name": f"{given} {family}"}
    roll = rng.random()
    if dob and roll < 0.40:
        query["dob"] = dob.isoformat()
    elif dob and roll < 0.55 and dob.day <= 12 and dob.day != dob.month:
        query["dob"] = dt.date(dob.year, dob.day, dob.month).isoformat()
    elif dob and roll < 0.70:
        query["dob"] = str(dob.year)
    elif dob and roll < 0.80:
        query["dob"] = f"{dob.month}/{dob.year}"
    roll = rng.random()
    if postcode and roll < 0.30:
        query["postcode"] = postcode
    elif postcode and roll < 0.40:
        query["postcode"] = postcode.split(" ")[0]
    return person_id, query


def time_search(user, query):
    criteria, errors = search_criteria_parse(**query)
    assert not errors, (query, errors)
    timer = DatabaseTimer()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        matches = person_search(user=user, criteria=criteria)
    return matches, timer.seconds * 1000, (time.perf_counter() - started) * 1000, timer.statements


def explain(criteria_query, trigram=False):
    criteria, _ = search_criteria_parse(**criteria_query)
    sql, params = name_candidate_sql(criteria, trigram=trigram)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "query": criteria_query,
        "arms": "trigram fallback" if trigram else "first pass",
        "indexes_used": sorted({name for name in SEARCH_INDEXES if name in plan}),
        "sequential_scan": "Seq Scan" in plan,
        "plan": plan,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--duplicates", type=int, default=None, help="Check at most this many")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    user, _ = User.objects.get_or_create(
        username="bench.practitioner", defaults={"role": Role.FC_PRACTITIONER}
    )
    client = Client()
    client.force_login(user)

    rows, total = random_people(args.queries + 50, rng)
    queries = [typo_query(row, rng) for row in rows]
    for _person_id, query in queries[:50]:  # warm caches and connections; not counted
        time_search(user, query)
        client.get("/people/search/?" + urlencode(query))
    queries = queries[50:]

    db_ms, search_ms, view_ms, statements, found_top1, found_top5 = [], [], [], [], 0, 0
    for person_id, query in queries:
        matches, db, whole, count = time_search(user, query)
        db_ms.append(db)
        search_ms.append(whole)
        statements.append(count)
        ranked = [m.person.pk for m in matches if m.person]
        found_top1 += bool(ranked) and ranked[0] == person_id
        found_top5 += person_id in ranked[:5]
        started = time.perf_counter()
        response = client.get("/people/search/?" + urlencode(query))
        view_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.person_id, c.variation, o.person_id, p.given_name, p.family_name, "
            "p.date_of_birth, (SELECT postcode FROM people_personaddress a "
            "                  WHERE a.person_id = p.id LIMIT 1) "
            "FROM bench_person_cluster c JOIN bench_person_cluster o "
            "  ON o.cluster_id = c.cluster_id AND o.variation = 'original' "
            "JOIN people_person p ON p.id = c.person_id WHERE c.variation <> 'original' "
            "ORDER BY c.cluster_id"
        )
        planted = cursor.fetchall()
    if args.duplicates:
        planted = planted[: args.duplicates]
    recall5 = precision1 = 0
    by_variation = {}
    duplicate_ms = []
    for duplicate_id, variation, original_id, given, family, dob, postcode in planted:
        criteria, _ = search_criteria_parse(name=f"{given} {family}", postcode=postcode or "")
        if dob:
            criteria.dob = PartialDate(dob.year, dob.month, dob.day)
        started = time.perf_counter()
        matches = person_search(
            user=user, criteria=criteria, limit=5, exclude_person_id=duplicate_id
        )
        duplicate_ms.append((time.perf_counter() - started) * 1000)
        ranked = [m.person.pk for m in matches if m.person]
        hit5, hit1 = original_id in ranked[:5], bool(ranked) and ranked[0] == original_id
        recall5 += hit5
        precision1 += hit1
        stats = by_variation.setdefault(
            variation, {"count": 0, "recall_at_5": 0, "precision_at_1": 0}
        )
        stats["count"] += 1
        stats["recall_at_5"] += hit5
        stats["precision_at_1"] += hit1
    for stats in by_variation.values():
        stats["recall_at_5"] = round(stats["recall_at_5"] / stats["count"], 3)
        stats["precision_at_1"] = round(stats["precision_at_1"] / stats["count"], 3)

    plans = [explain(query) for _person_id, query in queries[:3]]
    plans.append(explain({"name": "Wiliam Smtih"}))
    plans.append(explain({"name": "Wiliam Snith"}, trigram=True))
    figures = {
        "people": total,
        "queries": len(queries),
        "database_time": summary(db_ms),
        "search_time": summary(search_ms),
        "view_time": summary(view_ms),
        "sql_statements_per_search": round(statistics.fmean(statements), 1),
        "targets": {
            "database_p95_ms": 50,
            "view_p95_ms": 150,
            "recall_at_5": 0.95,
            "precision_at_1": 0.90,
        },
        "typo_queries_target_in_top_5": round(found_top5 / len(queries), 3),
        "typo_queries_target_first": round(found_top1 / len(queries), 3),
        "duplicate_check": {
            "planted": len(planted),
            "recall_at_5": round(recall5 / len(planted), 4),
            "precision_at_1": round(precision1 / len(planted), 4),
            "time": summary(duplicate_ms),
            "by_variation": by_variation,
        },
        "explain": plans,
        "database": connection.settings_dict["NAME"],
        "machine": f"{os.cpu_count()} cores",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "people_search.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    printable = {k: v for k, v in figures.items() if k != "explain"}
    printable["explain_indexes"] = [plan["indexes_used"] for plan in plans]
    print(json.dumps(printable, indent=2, default=str))


if __name__ == "__main__":
    main()
