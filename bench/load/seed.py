"""Seed the load test's own database: people in households, open consultations, and the staff
who sign in, each with a paired authenticator.

    .venv/bin/python bench/load/seed.py --people 100000 --open 10000

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_load; never a database you
care about: the people and consultation tables are emptied first). People come from
bench/people_seed.py (PostgreSQL COPY), consultations from bench/referrals_queue.py. Writes the
plan the simulated users follow (their usernames and authenticator keys, the children they
consult about with a parent who can consent, names to search for) to var/load/plan.json.
Synthetic data only.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_load")
os.environ.setdefault("SECRET_KEY", "load-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familyfirst.settings")
PLAN = ROOT / "var" / "load" / "plan.json"
PASSWORD = "load-test-password-not-a-secret"  # noqa: S105 - synthetic accounts on 127.0.0.1

from bench.common import ensure_database  # noqa: E402

ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from bench.people_seed import Seeder  # noqa: E402
from bench.referrals_queue import seed as consultations_seed  # noqa: E402
from locality.models import MembershipRole, Team, TeamMembership  # noqa: E402
from locality.services import reference_data_load  # noqa: E402
from people.models import LivesWith, Person, Relationship  # noqa: E402
from spectrum.models import Framework  # noqa: E402


@transaction.atomic
def staff(*, practitioners: int, managers: int) -> list[dict]:
    """Family Connect practitioners and managers, each with a newly paired TOTP device. Accounts
    from an earlier run are kept (the logs they wrote refer to them) and set up afresh."""
    password = make_password(PASSWORD)  # hashed once: 300 accounts at half a second each is slow
    team = Team.objects.get(slug="family-connect")
    wanted = [(f"load.practitioner.{n}", n, Role.FC_PRACTITIONER) for n in range(practitioners)]
    wanted += [(f"load.manager.{n}", n, Role.FC_MANAGER) for n in range(managers)]
    existing = set(
        User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True)
    )
    User.objects.bulk_create(
        User(
            username=username,
            first_name="Manager" if role == Role.FC_MANAGER else "Practitioner",
            last_name=f"Load {n}",
            email=f"{username}@example.org",
            role=role,
        )
        for username, n, role in wanted
        if username not in existing
    )
    users = list(User.objects.filter(username__in=[w[0] for w in wanted]).order_by("pk"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=password, is_active=True)
    TeamMembership.objects.filter(user__in=users).delete()
    TeamMembership.objects.bulk_create(
        TeamMembership(
            user=user,
            team=team,
            role_in_team=MembershipRole.MANAGER
            if user.role == Role.FC_MANAGER
            else MembershipRole.MEMBER,
            start_date=timezone.localdate(),
        )
        for user in users
    )
    TOTPDevice.objects.filter(user__in=users).delete()
    devices = TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Load test phone", confirmed=True) for user in users
    )
    return [
        {"username": user.username, "role": user.role, "key": device.key}
        for user, device in zip(users, devices, strict=True)
    ]


def plan_people(rng: random.Random, *, children: int) -> dict:
    """Children with a parent holding parental responsibility (to consult about and take
    consent from), people living with others (for the household page), and names to search."""
    pairs = list(
        Relationship.objects.filter(parental_responsibility=True, end_date__isnull=True)
        .order_by("?")
        .values_list("to_person_id", "from_person_id")[: children * 2]
    )
    seen, consults = set(), []
    for child, holder in pairs:
        if child not in seen:
            seen.add(child)
            consults.append({"child": str(child), "holder": str(holder)})
    households = [
        str(pk)
        for pk in LivesWith.objects.order_by("?").values_list("person_a_id", flat=True)[:1000]
    ]
    names = [
        f"{given} {family}"
        for given, family in Person.objects.order_by("?").values_list("given_name", "family_name")[
            :1000
        ]
    ]
    return {"consult": consults[:children], "households": households, "names": names}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000, help="open consultations")
    parser.add_argument("--practitioners", type=int, default=240)
    parser.add_argument("--managers", type=int, default=80)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()

    call_command("migrate", verbosity=0)
    reference_data_load()
    people = Seeder(args.people, max(50, args.people // 200), args.seed).run()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE referrals_consultation, audit_accesslog CASCADE")
    accounts = staff(practitioners=args.practitioners, managers=args.managers)
    bench_staff = [
        User.objects.get_or_create(
            username=f"bench.practitioner.{n}",
            defaults={"first_name": "Bench", "last_name": f"{n}", "role": Role.FC_PRACTITIONER},
        )[0]
        for n in range(70)  # the 70-strong practitioner list the queue's filter offers
    ]
    consultations = consultations_seed(open_count=args.open, practitioners=bench_staff, rng=rng)
    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level="UNIVERSAL").order_by("code").first()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = {
        "password": PASSWORD,
        "accounts": accounts,
        "indicator": str(indicator.pk),
        **plan_people(rng, children=5000),
        "seeded": {
            "people": people["counts"]["people_person"],
            "open_consultations": consultations["consultations"],
            "children_links": consultations["children_links"],
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    PLAN.parent.mkdir(parents=True, exist_ok=True)
    PLAN.write_text(json.dumps(plan))
    print(json.dumps(plan["seeded"]))


if __name__ == "__main__":
    main()
