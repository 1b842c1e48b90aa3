"""Seed the load test's own database: people in households, open consultations, the five Family
Help teams' caseloads, and the staff who sign in, each with a paired authenticator.

    .venv/bin/python bench/load/seed.py --people 100000 --open 10000

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_load; never a database you
care about: the people and consultation tables are emptied first). People come from
bench/people_seed.py (PostgreSQL COPY), consultations from bench/referrals_queue.py. Writes the
plan the simulated users follow (their usernames and authenticator keys, the children they
consult about with a parent who can consent, names to search for) to var/load/plan.json.
Synthetic data only.
"""

import argparse
import datetime as dt
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
from cases.models import (  # noqa: E402
    Allocation,
    Case,
    CaseEvent,
    CaseLevel,
    CaseNote,
    CaseStatus,
    CaseTask,
)
from locality.models import MembershipRole, Team, TeamMembership  # noqa: E402
from locality.services import reference_data_load  # noqa: E402
from pathway.models import (  # noqa: E402
    Assessment,
    AssessmentKind,
    AssessmentVersion,
    Nature,
    SituationEntry,
    SituationTopic,
    Voice,
)
from people.models import LivesWith, Person, Relationship  # noqa: E402
from spectrum.models import Framework  # noqa: E402

# The locality teams whose caseloads the case workers and team managers work from.
FAMILY_HELP_TEAMS = [
    "family-help-north-warwickshire",
    "family-help-nuneaton-bedworth",
    "family-help-rugby",
    "family-help-stratford",
    "family-help-warwick",
]
MANAGING_ROLES = {Role.FC_MANAGER, Role.TEAM_MANAGER}


@transaction.atomic
def _accounts(wanted: list[tuple[str, str, Role, str]]) -> list[dict]:
    """Accounts (username, last name, role, team slug), each a member of its team (managers as
    its manager) with a newly paired TOTP device. Accounts from an earlier run are kept (the logs
    they wrote refer to them) and set up afresh."""
    password = make_password(PASSWORD)  # hashed once: 300 accounts at half a second each is slow
    teams = {team.slug: team for team in Team.objects.filter(slug__in={w[3] for w in wanted})}
    team_of = {username: teams[slug] for username, _, _, slug in wanted}
    existing = set(
        User.objects.filter(username__in=list(team_of)).values_list("username", flat=True)
    )
    User.objects.bulk_create(
        User(
            username=username,
            first_name="Manager" if role in MANAGING_ROLES else "Practitioner",
            last_name=last_name,
            email=f"{username}@example.org",
            role=role,
        )
        for username, last_name, role, _ in wanted
        if username not in existing
    )
    users = list(User.objects.filter(username__in=list(team_of)).order_by("pk"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=password, is_active=True)
    TeamMembership.objects.filter(user__in=users).delete()
    TeamMembership.objects.bulk_create(
        TeamMembership(
            user=user,
            team=team_of[user.username],
            role_in_team=MembershipRole.MANAGER
            if user.role in MANAGING_ROLES
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
        {
            "username": user.username,
            "role": user.role,
            "key": device.key,
            "team": team_of[user.username].slug,
            "pk": user.pk,
        }
        for user, device in zip(users, devices, strict=True)
    ]


def staff(*, practitioners: int, managers: int) -> list[dict]:
    """Family Connect practitioners and managers."""
    wanted = [
        (f"load.practitioner.{n}", f"Load {n}", Role.FC_PRACTITIONER, "family-connect")
        for n in range(practitioners)
    ]
    wanted += [
        (f"load.manager.{n}", f"Load {n}", Role.FC_MANAGER, "family-connect")
        for n in range(managers)
    ]
    return _accounts(wanted)


def case_staff(*, workers: int, managers: int) -> list[dict]:
    """Family Help lead practitioners and team managers, spread over the Family Help teams."""
    wanted = [
        (
            f"load.fhlp.{n}",
            f"Load {n}",
            Role.FHLP,
            FAMILY_HELP_TEAMS[n % len(FAMILY_HELP_TEAMS)],
        )
        for n in range(workers)
    ]
    wanted += [
        (
            f"load.team-manager.{n}",
            f"Load {n}",
            Role.TEAM_MANAGER,
            FAMILY_HELP_TEAMS[n % len(FAMILY_HELP_TEAMS)],
        )
        for n in range(managers)
    ]
    return _accounts(wanted)


@transaction.atomic
def caseloads(
    rng: random.Random, accounts: list[dict], *, per_worker: int, waiting_per_team: int
) -> dict:
    """Open cases in the Family Help teams, built in bulk as bench/referrals_queue.py builds
    consultations (a real case is opened by an authorised referral, cases.services.case_open;
    the caseloads and the case page read the same rows either way): ``per_worker`` allocated to
    each case worker, each with its chronology, notes and tasks (some overdue), and
    ``waiting_per_team`` per team accepted but not allocated or waiting to be accepted. Each
    child is one with a parent holding parental responsibility, so the case page shows a
    household."""
    workers = [a for a in accounts if a["role"] == Role.FHLP]
    managers = {a["team"]: a for a in accounts if a["role"] == Role.TEAM_MANAGER}
    teams = {team.slug: team for team in Team.objects.filter(slug__in=FAMILY_HELP_TEAMS)}
    wanted = len(workers) * per_worker + len(teams) * waiting_per_team
    children = list(
        Relationship.objects.filter(parental_responsibility=True, end_date__isnull=True)
        .order_by("?")
        .values_list("to_person_id", flat=True)
        .distinct()[: wanted * 2]
    )
    children = list(dict.fromkeys(children))[:wanted]
    rng.shuffle(children)
    now = timezone.now()
    today = timezone.localdate()
    cases, allocated = [], []
    for worker in workers:
        for _ in range(per_worker):
            referred = today - dt.timedelta(days=rng.randint(1, 120))
            cases.append(
                Case(
                    child_id=children.pop(),
                    team=teams[worker["team"]],
                    level=CaseLevel.FAMILY_HELP,
                    status=CaseStatus.ALLOCATED,
                    urgent=rng.random() < 0.05,
                    referral_date=referred,
                    assessment_due_date=referred + dt.timedelta(days=63),
                    opened_at=now - dt.timedelta(days=(today - referred).days),
                    accepted_at=now - dt.timedelta(days=(today - referred).days - 1),
                    accepted_by_id=managers[worker["team"]]["pk"],
                    allocated_to_id=worker["pk"],
                )
            )
            allocated.append(cases[-1])
    for slug, team in teams.items():
        for number in range(waiting_per_team):
            referred = today - dt.timedelta(days=rng.randint(0, 10))
            accepted = number % 2 == 0
            cases.append(
                Case(
                    child_id=children.pop(),
                    team=team,
                    level=CaseLevel.FAMILY_HELP,
                    status=CaseStatus.UNALLOCATED if accepted else CaseStatus.INCOMING,
                    urgent=rng.random() < 0.1,
                    referral_date=referred,
                    assessment_due_date=referred + dt.timedelta(days=63),
                    opened_at=now - dt.timedelta(days=(today - referred).days),
                    accepted_at=now if accepted else None,
                    accepted_by_id=managers[slug]["pk"] if accepted else None,
                )
            )
    Case.objects.bulk_create(cases, batch_size=2000)
    events, notes, tasks, allocations = [], [], [], []
    for case in cases:
        events.append(
            CaseEvent(case=case, kind="OPENED", at=case.opened_at, summary="Referral authorised")
        )
        if case.accepted_at:
            events.append(
                CaseEvent(
                    case=case,
                    kind="ACCEPTED",
                    at=case.accepted_at,
                    by_id=case.accepted_by_id,
                    summary="Accepted by the team",
                )
            )
    for case in allocated:
        allocations.append(
            Allocation(
                case=case,
                worker_id=case.allocated_to_id,
                allocated_by_id=case.accepted_by_id,
                started_at=case.accepted_at,
            )
        )
        events.append(
            CaseEvent(
                case=case,
                kind="ALLOCATED",
                at=case.accepted_at,
                by_id=case.accepted_by_id,
                summary="Allocated to the lead practitioner",
            )
        )
        for visit in range(rng.randint(1, 6)):
            at = case.accepted_at + dt.timedelta(days=visit * 7 + 1)
            notes.append(
                CaseNote(
                    case=case,
                    kind="HOME_VISIT" if visit % 2 == 0 else "PHONE",
                    occurred_at=at,
                    who_was_seen="Parent and child",
                    child_seen=visit % 2 == 0,
                    text="Synthetic load-test visit: routines, school attendance and support.",
                    written_by_id=case.allocated_to_id,
                    written_at=at,
                )
            )
        for number in range(rng.randint(0, 4)):
            tasks.append(
                CaseTask(
                    case=case,
                    title=f"Synthetic follow-up {number + 1}",
                    due_date=today + dt.timedelta(days=rng.randint(-10, 30)),
                    assigned_to_id=case.allocated_to_id,
                    created_by_id=case.allocated_to_id,
                    created_at=case.accepted_at,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    CaseNote.objects.bulk_create(notes, batch_size=5000)
    CaseTask.objects.bulk_create(tasks, batch_size=5000)
    Allocation.objects.bulk_create(allocations, batch_size=5000)
    return {
        "open_cases": len(cases),
        "allocated": len(allocated),
        "notes": len(notes),
        "assessments": assessments(rng, allocated),
    }


SITUATION = [
    (SituationTopic.PAST, Voice.WORKER, Nature.FACT, "Synthetic: two school moves last year."),
    (SituationTopic.NOW, Voice.FAMILY, Nature.OPINION, "Synthetic: mornings are a struggle."),
    (SituationTopic.TRIGGER, Voice.WORKER, Nature.FACT, "Synthetic: attendance fell this term."),
    (SituationTopic.STRENGTH, Voice.FAMILY, Nature.FACT, "Synthetic: grandparents help often."),
    (SituationTopic.AFFECTED, Voice.CHILD, Nature.OPINION, "Synthetic: the child feels tired."),
]


def assessments(rng: random.Random, allocated: list) -> int:
    """A Family Help Assessment in draft on each allocated case, for its child, with a Situation
    entry of each kind (pathway/; docs/pathway.md), so the case page links to one and the load
    test opens it. A real one is started by ``pathway.services.assessment_start``; the page
    reads the same rows either way."""
    made = [
        Assessment(
            case=case,
            kind=AssessmentKind.FAMILY_HELP,
            start_date=case.referral_date,
            due_date=case.assessment_due_date,
            started_by_id=case.allocated_to_id,
            started_at=case.accepted_at,
        )
        for case in allocated
    ]
    Assessment.objects.bulk_create(made, batch_size=2000)
    Assessment.children.through.objects.bulk_create(
        [Assessment.children.through(assessment_id=a.pk, person_id=a.case.child_id) for a in made],
        batch_size=5000,
    )
    versions = AssessmentVersion.objects.bulk_create(
        [
            AssessmentVersion(
                assessment=a,
                number=1,
                author_id=a.started_by_id,
                created_at=a.started_at,
                updated_at=a.started_at,
                updated_by_id=a.started_by_id,
                context_housing="Synthetic: a rented three-bedroom house.",
            )
            for a in made
        ],
        batch_size=2000,
    )
    SituationEntry.objects.bulk_create(
        [
            SituationEntry(
                version=version,
                topic=topic,
                voice=voice,
                nature=nature,
                text=text,
                position=position,
                person_id=version.assessment.case.child_id if voice == Voice.CHILD else None,
            )
            for version in versions
            for position, (topic, voice, nature, text) in enumerate(
                rng.sample(SITUATION, k=rng.randint(3, len(SITUATION)))
            )
        ],
        batch_size=5000,
    )
    return len(made)


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
    parser.add_argument("--case-workers", type=int, default=50, help="Family Help practitioners")
    parser.add_argument("--team-managers", type=int, default=25)
    parser.add_argument("--cases-per-worker", type=int, default=25)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()

    call_command("migrate", verbosity=0)
    reference_data_load()
    people = Seeder(args.people, max(50, args.people // 200), args.seed).run()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE referrals_consultation, cases_case, audit_accesslog CASCADE")
    accounts = staff(practitioners=args.practitioners, managers=args.managers)
    case_accounts = case_staff(workers=args.case_workers, managers=args.team_managers)
    cases = caseloads(
        rng, case_accounts, per_worker=args.cases_per_worker, waiting_per_team=args.cases_per_worker
    )
    accounts += case_accounts
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
            **cases,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    PLAN.parent.mkdir(parents=True, exist_ok=True)
    PLAN.write_text(json.dumps(plan))
    print(json.dumps(plan["seeded"]))


if __name__ == "__main__":
    main()
