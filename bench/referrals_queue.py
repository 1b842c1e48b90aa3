"""Time the front-door queue page with 10,000 open consultations.

    .venv/bin/python bench/referrals_queue.py                      # fc_bench, 10,000 open, 250 renders
    .venv/bin/python bench/referrals_queue.py --open 20000 --renders 500

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench; never a database you
care about). Migrates it, removes the consultations an earlier run seeded (references starting
BENCH-), then seeds ``--open`` open consultations in bulk: a handful of practitioners, one to three
children each (synthetic people, reused between runs), decision clocks from overdue to two days
ahead. Then renders /front-door/queue/ through Django's test client signed in as a Family Connect
manager with two-factor verification done (as the tests' client_for does), ``--renders`` times
after a warm-up, and also filtered to one practitioner. Reports p50/p95 ms, SQL statements and
database time per render, and the page's size. Target: p95 at most 150 ms.

Writes bench/results/referrals_queue.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
REFERENCE_PREFIX = "BENCH-"
TARGET_P95_MS = 150

from bench.common import django_start, time_page  # noqa: E402

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from conftest import verified_client  # noqa: E402
from familyfirst.clocks import add_working_days  # noqa: E402
from people.models import Person  # noqa: E402
from referrals.models import (  # noqa: E402
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)


def _staff(count: int) -> tuple[list[User], User]:
    fake = Faker("en_GB")
    fake.seed_instance(11)
    practitioners = []
    for number in range(count):
        user, _ = User.objects.get_or_create(
            username=f"bench.practitioner.{number}",
            defaults={
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "role": Role.FC_PRACTITIONER,
            },
        )
        practitioners.append(user)
    manager, _ = User.objects.get_or_create(
        username="bench.fc.manager",
        defaults={"first_name": "Bench", "last_name": "Manager", "role": Role.FC_MANAGER},
    )
    return practitioners, manager


def _children(count: int, created_by: User, rng: random.Random) -> list[Person]:
    """Synthetic children, kept between runs (people are never deleted)."""
    existing = list(Person.objects.filter(created_by=created_by).order_by("pk")[:count])
    if len(existing) < count:
        fake = Faker("en_GB")
        fake.seed_instance(rng.randint(1, 10_000))
        today = timezone.localdate()
        existing += Person.objects.bulk_create(
            Person(
                given_name=fake.first_name(),
                family_name=fake.last_name(),
                date_of_birth=today - dt.timedelta(days=rng.randint(30, 17 * 365)),
                created_by=created_by,
            )
            for _ in range(count - len(existing))
        )
    return existing


@transaction.atomic
def seed(*, open_count: int, practitioners: list[User], rng: random.Random) -> dict:
    started = time.perf_counter()
    stale = Consultation.objects.filter(reference__startswith=REFERENCE_PREFIX)
    ConsultationChild.objects.filter(consultation__in=stale).delete()
    stale.delete()
    children = _children(max(open_count // 3, 100), practitioners[0], rng)
    now = timezone.now()
    consultations = []
    for number in range(1, open_count + 1):
        # From three working days overdue to freshly received.
        received_at = now - dt.timedelta(minutes=rng.randint(0, 5 * 24 * 60))
        consultations.append(
            Consultation(
                reference=f"{REFERENCE_PREFIX}{number:07d}",
                practitioner=rng.choice(practitioners),
                channel="TELEPHONE",
                received_at=received_at,
                decision_due_at=add_working_days(received_at, 1),
                status=rng.choice(
                    [ConsultationStatus.DRAFT, ConsultationStatus.AWAITING_AUTHORISATION]
                ),
                caller_name="Synthetic caller",
                concerns="Synthetic benchmark consultation",
            )
        )
    Consultation.objects.bulk_create(consultations, batch_size=2000)
    links = []
    for consultation in consultations:
        for child in rng.sample(children, rng.choice([1, 1, 1, 2, 2, 3])):
            waiting = consultation.status == ConsultationStatus.AWAITING_AUTHORISATION
            links.append(
                ConsultationChild(
                    consultation=consultation,
                    child=child,
                    outcome=Outcome.SINGLE_AGENCY if waiting else "",
                    authorisation=AuthorisationStatus.AWAITING
                    if waiting
                    else AuthorisationStatus.NOT_NEEDED,
                    decided_by=consultation.practitioner if waiting else None,
                    decision_due_at=consultation.decision_due_at,
                )
            )
    ConsultationChild.objects.bulk_create(links, batch_size=5000)
    return {
        "consultations": len(consultations),
        "children_links": len(links),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=10_000, help="Open consultations to seed")
    parser.add_argument("--practitioners", type=int, default=6)
    parser.add_argument("--renders", type=int, default=250)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    call_command("migrate", "--no-input", verbosity=0)
    practitioners, manager = _staff(args.practitioners)
    seeded = seed(open_count=args.open, practitioners=practitioners, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_consultation; ANALYZE referrals_consultationchild")
    open_total = Consultation.objects.filter(
        status__in=[ConsultationStatus.DRAFT, ConsultationStatus.AWAITING_AUTHORISATION]
    ).count()

    client = verified_client(manager)
    for _ in range(10):  # warm caches, templates and the connection; not counted
        client.get("/front-door/queue/")
    whole, response = time_page(
        client, "/front-door/queue/", args.renders, target_p95_ms=TARGET_P95_MS
    )
    page = response.content.decode()
    one_practitioner, _ = time_page(
        client,
        f"/front-door/queue/?practitioner={practitioners[0].pk}",
        max(50, args.renders // 5),
        target_p95_ms=TARGET_P95_MS,
    )

    figures = {
        "open_consultations": open_total,
        "seeded": seeded,
        "queue": whole,
        "queue_one_practitioner": one_practitioner,
        "rows_on_first_page": page.count('<tr class="govuk-table__row">') - 1,
        "says_how_many_open": f"{open_total:,} open" in page or f"{open_total} open" in page,
        "target_p95_ms": TARGET_P95_MS,
        "database": connection.settings_dict["NAME"],
        "machine": f"{os.cpu_count()} cores",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "referrals_queue.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
