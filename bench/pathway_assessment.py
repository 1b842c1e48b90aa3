"""Time the assessment page and the comparison of two versions, for a family of eight with 200
chronology events.

    .venv/bin/python bench/pathway_assessment.py                  # fc_bench, 200 renders each
    .venv/bin/python bench/pathway_assessment.py --renders 500

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench; never a database you
care about). Migrates it, then seeds a new synthetic family each run (Faker en_GB): two parents,
two grandparents and four children, related and living together, on a Rugby Family Help case
allocated to a benchmark FHLP; 100 significant events on the case and 100 system events across
the family (200 in all); a Family Help Assessment for the four children written through
pathway.services, submitted, signed off by the team manager, revisited and changed. Then renders
the assessment page and the comparison of versions 1 and 2 through Django's test client signed
in as the FHLP with two-factor verification done, ``--renders`` times each after a warm-up.
Reports p50/p95 ms, SQL statements and database time per render. Target: p95 at most 150 ms and
at most 15 SQL statements.

Writes bench/results/pathway.json.
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
TARGET_P95_MS = 150
TARGET_STATEMENTS = 15

from bench.common import django_start, time_page  # noqa: E402

django_start()


import time  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from faker import Faker  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from cases.models import Case, CaseStatus  # noqa: E402
from conftest import verified_client  # noqa: E402
from locality.models import MembershipRole, Team, TeamMembership  # noqa: E402
from locality.services import reference_data_load  # noqa: E402
from pathway.models import ChronologyEntry  # noqa: E402
from pathway.services import (  # noqa: E402
    assessment_revisit,
    assessment_start,
    version_draft_save,
    version_sign_off,
    version_submit,
)
from people.models import ChronologyEvent, LivesWith, Person, Relationship  # noqa: E402
from spectrum.selectors import decision_current_for_person, framework_current  # noqa: E402
from spectrum.services import spectrum_decision_record  # noqa: E402


def _staff(team):
    fhlp, _ = User.objects.get_or_create(
        username="bench.pathway.fhlp",
        defaults={"first_name": "Bench", "last_name": "Worker", "role": Role.FHLP},
    )
    manager, _ = User.objects.get_or_create(
        username="bench.pathway.manager",
        defaults={
            "first_name": "Bench",
            "last_name": "Manager",
            "role": Role.TEAM_MANAGER,
            "email": "bench.manager@example.org",
        },
    )
    for user, role in [(fhlp, MembershipRole.MEMBER), (manager, MembershipRole.MANAGER)]:
        TeamMembership.objects.get_or_create(
            user=user,
            team=team,
            defaults={"start_date": timezone.localdate(), "role_in_team": role},
        )
    return fhlp, manager


def _family(fake, rng, by):
    today = timezone.localdate()

    def person(age, sex):
        return Person.objects.create(
            given_name=fake.first_name_male() if sex == "M" else fake.first_name_female(),
            family_name=surname,
            sex=sex,
            date_of_birth=today - dt.timedelta(days=age * 365 + rng.randint(0, 300)),
            created_by=by,
        )

    surname = fake.last_name()
    mother, father = person(38, "F"), person(41, "M")
    grandmother, grandfather = person(66, "F"), person(69, "M")
    children = [person(age, rng.choice("MF")) for age in (15, 11, 8, 3)]
    Relationship.objects.create(from_person=mother, to_person=father, kind="PARTNER")
    for child in children:
        for parent in (mother, father):
            Relationship.objects.create(
                from_person=parent, to_person=child, kind="PARENT", parental_responsibility=True
            )
        for elder in (grandmother, grandfather):
            Relationship.objects.create(from_person=elder, to_person=child, kind="GRANDPARENT")
    for a, b in zip(children, children[1:], strict=False):
        Relationship.objects.create(from_person=a, to_person=b, kind="SIBLING")
    for member in [father, *children]:
        LivesWith.objects.create(person_a=mother, person_b=member, since_date=today)
    return children, [mother, father, grandmother, grandfather, *children]


def seed(rng, *, significant=100, system=100):
    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(1, 10_000))
    reference_data_load()  # the areas and teams, as setup loads them; existing rows are kept
    team = Team.objects.get(slug="family-help-rugby")
    fhlp, manager = _staff(team)
    children, family = _family(fake, rng, fhlp)
    now = timezone.now()
    case = Case.objects.create(
        child=children[0],
        team=team,
        level="FAMILY_HELP",
        status=CaseStatus.ALLOCATED,
        allocated_to=fhlp,
        referral_date=timezone.localdate(),
        assessment_due_date=timezone.localdate() + dt.timedelta(days=60),
        opened_at=now,
    )
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            case=case,
            occurred_on=timezone.localdate() - dt.timedelta(days=rng.randint(1, 3000)),
            what=fake.sentence(nb_words=14),
            source=rng.choice(["School", "Health visitor", "Police", "Mother", "GP"]),
            impact=fake.sentence(nb_words=10),
            about_person=rng.choice(family),
            recorded_by=fhlp,
            recorded_at=now,
            updated_by=fhlp,
            updated_at=now,
        )
        for _ in range(significant)
    )
    ChronologyEvent.objects.bulk_create(
        ChronologyEvent(
            person=rng.choice(family),
            occurred_at=now - dt.timedelta(days=rng.randint(1, 3000)),
            kind="BENCH",
            title=fake.sentence(nb_words=6),
            summary=fake.sentence(nb_words=12),
        )
        for _ in range(system)
    )
    assessment = assessment_start(case=case, kind="FHA", children=children, started_by=fhlp)
    version = assessment.versions.get()
    situation = []
    for topic in ["PAST", "NOW", "TRIGGER", "STRENGTH", "AFFECTED"]:
        for _ in range(6):
            situation.append(
                {
                    "key": uuid.uuid4(),
                    "topic": topic,
                    "voice": rng.choice(["FAMILY", "WORKER", "CHILD"]),
                    "nature": rng.choice(["FACT", "OPINION"]),
                    "person_id": rng.choice(family).pk,
                    "text": fake.paragraph(nb_sentences=3),
                }
            )
    version = version_draft_save(
        version=version,
        part="situation",
        revision=version.revision,
        values={"context_housing": fake.sentence(), "context_income": fake.sentence()},
        rows=situation,
        saved_by=fhlp,
    )
    keys = [row["key"] for row in situation]
    version = version_draft_save(
        version=version,
        part="understanding",
        revision=version.revision,
        values={},
        rows=[
            {
                "key": uuid.uuid4(),
                "kind": rng.choice(["KEEPS_GOING", "RISK"]),
                "text": fake.paragraph(nb_sentences=2),
                "rests_on": rng.sample(keys, 3),
            }
            for _ in range(10)
        ],
        saved_by=fhlp,
    )
    version = version_draft_save(
        version=version,
        part="plan",
        revision=version.revision,
        values={},
        rows=[
            {
                "key": uuid.uuid4(),
                "need": fake.sentence(),
                "outcome": fake.sentence(),
                "for_person_id": rng.choice(children).pk,
            }
            for _ in range(10)
        ],
        saved_by=fhlp,
    )
    version = version_draft_save(
        version=version,
        part="review",
        revision=version.revision,
        values={
            "family_agreement": "PARTLY",
            "family_words": fake.sentence(),
            "factors": ["4B", "16A"],
        },
        rows=[],
        saved_by=fhlp,
    )
    # Each child's level weighed again for this version (docs/pathway.md).
    framework = framework_current()
    indicator = framework.indicators.filter(level="FAMILY_HELP").first()
    for child in children:
        spectrum_decision_record(
            person=child,
            framework=framework,
            indicator_ids=[indicator.pk],
            decided_level="FAMILY_HELP",
            rationale="",
            decided_by=fhlp,
            supersedes=decision_current_for_person(person=child),
        )
    version_submit(version=version, submitted_by=fhlp)
    version_sign_off(version=version, manager=manager)
    second = assessment_revisit(assessment=assessment, by=fhlp, reason="Circumstances changed")
    changed = [{**row, "text": fake.paragraph(nb_sentences=2)} for row in situation[::3]]
    version_draft_save(
        version=second,
        part="situation",
        revision=second.revision,
        values={},
        rows=changed,
        saved_by=fhlp,
    )
    return fhlp, manager, assessment, significant + system


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    call_command("migrate", "--no-input", verbosity=0)
    started = time.perf_counter()
    fhlp, manager, assessment, events = seed(rng)
    seeded_seconds = round(time.perf_counter() - started, 1)
    client = verified_client(fhlp)
    page_url = f"/assessments/{assessment.pk}/"
    compare_url = f"/assessments/{assessment.pk}/compare/?left=1&right=2"
    for _ in range(10):  # warm caches, templates and the connection; not counted
        client.get(page_url)
        client.get(compare_url)
    page, page_response = time_page(
        client,
        page_url,
        args.renders,
        target_p95_ms=TARGET_P95_MS,
        target_statements=TARGET_STATEMENTS,
    )
    compare, compare_response = time_page(
        client,
        compare_url,
        args.renders,
        target_p95_ms=TARGET_P95_MS,
        target_statements=TARGET_STATEMENTS,
    )
    html = compare_response.content.decode()
    figures = {
        "family_size": 8,
        "chronology_events": events,
        "seeded_seconds": seeded_seconds,
        "assessment_page": page,
        "compare_versions": compare,
        "changed_rows_shown": html.count('data-change="changed"'),
        "target_p95_ms": TARGET_P95_MS,
        "target_statements": TARGET_STATEMENTS,
        "database": connection.settings_dict["NAME"],
        "machine": f"{os.cpu_count()} cores",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pathway.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
