"""Seed a benchmark database with people in households, plus planted duplicates.

    .venv/bin/python bench/people_seed.py                 # 50,000 people into fc_bench
    .venv/bin/python bench/people_seed.py --people 1000000

Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fc_bench; never point it at a
database you care about: the people tables are emptied first). Rows go in with PostgreSQL COPY;
the search indexes from people/migrations/0003 are dropped first and rebuilt after, which is
faster than maintaining them row by row. Planted duplicates and their true cluster ids go in the
table ``bench_person_cluster`` (person_id, cluster_id, variation), which bench/people_search.py
reads. Figures are written to bench/results/people_seed.json. Synthetic data only.
"""

import argparse
import datetime as dt
import importlib
import io
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"

from bench.common import django_start  # noqa: E402

django_start()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from faker.providers.person.en_GB import Provider as NameProvider  # noqa: E402
from nhs_number import calculate_checksum  # noqa: E402

from people.identifiers import upn_check_letter  # noqa: E402
from people.names import _nickname_groups, name_normalise  # noqa: E402

SEARCH_INDEXES = importlib.import_module(
    "people.migrations.0003_search_extensions_and_indexes"
).INDEXES

MALE = list(NameProvider.first_names_male)
FEMALE = list(NameProvider.first_names_female)
# A few names with accents and apostrophes, as families in Warwickshire have.
MALE += ["José", "Łukasz", "Andrzej", "Seán", "Mateusz", "Ciarán"]
FEMALE += ["Zoë", "Chloë", "Renée", "Zofia", "Siân", "Aoife", "Inès"]
FAMILY = list(NameProvider.last_names) + [
    "O'Brien",
    "O'Neill",
    "Müller",
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "D'Souza",
    "MacDonald",
    "Ó Súilleabháin",
    "Núñez",
]
OUTWARD = [f"CV{n}" for n in range(1, 48)] + [
    "B49",
    "B50",
    "B78",
    "B79",
    "B80",
    "OX15",
    "OX16",
    "OX17",
    "GL55",
    "GL56",
    "LE10",
    "LE17",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
KEYBOARD = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}
VARIATIONS = [
    "typo_given",
    "typo_family",
    "transposition",
    "nickname",
    "swapped_day_month",
    "hyphenated_surname",
    "changed_surname",
    "missing_dob",
]


def typo(name: str, rng: random.Random, kind: str | None = None) -> str:
    """One keyboard slip: a neighbouring key, a dropped, doubled or swapped letter."""
    letters = list(name)
    positions = [i for i, ch in enumerate(letters) if ch.isalpha()]
    if len(positions) < 3:
        return name + rng.choice("aeiou")
    kind = kind or rng.choice(["substitute", "delete", "insert", "transpose"])
    i = rng.choice(positions[1:])
    if kind == "substitute":
        letters[i] = rng.choice(KEYBOARD.get(letters[i].lower(), "e"))
    elif kind == "delete":
        del letters[i]
    elif kind == "insert":
        letters.insert(i, letters[i])
    else:
        j = i - 1 if i == len(letters) - 1 else i
        if letters[j] == letters[j + 1]:
            letters[i] = rng.choice(KEYBOARD.get(letters[i].lower(), "e"))
        else:
            letters[j], letters[j + 1] = letters[j + 1], letters[j]
    result = "".join(letters)
    return result if result.lower() != name.lower() else name + "e"


def nickname_for(given: str, rng: random.Random) -> str | None:
    group = _nickname_groups().get(name_normalise(given))
    if not group:
        return None
    options = sorted(group - {name_normalise(given)})
    return rng.choice(options).title() if options else None


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"


class NhsNumbers:
    """Unique synthetic NHS numbers from the 999 test range, each with a valid check digit."""

    def __init__(self):
        self.next = 999_000_000

    def take(self) -> str:
        while True:
            body = str(self.next)
            self.next += 1
            check = calculate_checksum(body)
            if check != 10:
                return body + str(check)


class Seeder:
    def __init__(self, people: int, duplicates: int, seed: int):
        self.target, self.duplicates, self.rng = people, duplicates, random.Random(seed)
        self.today = dt.date.today()
        self.nhs = NhsNumbers()
        self.upn_serial = 0
        self.files = {
            name: io.StringIO()
            for name in ["person", "name", "address", "phone", "relationship", "liveswith"]
        }
        self.people = []  # (id, given, family, dob, sex, postcode) for planting duplicates
        self.now = dt.datetime.now(dt.UTC).isoformat()
        self.name_id = 0
        self.address_id = 0
        self.phone_id = 0

    def _row(self, file, *values):
        self.files[file].write(
            "\t".join("\\N" if v is None else str(v).replace("\t", " ") for v in values) + "\n"
        )

    def person(self, *, given, family, dob, sex, postcode, nhs=True, upn=False, phone=False):
        pid = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        nhs_number = self.nhs.take() if nhs else ""
        upn_value = ""
        if upn:
            self.upn_serial += 1
            # LA 937, a 4-digit "school" and 3-digit serial that together never repeat.
            school, serial = divmod(self.upn_serial, 1000)
            body = f"937{school:04d}{dob.year % 100:02d}{serial:03d}"
            upn_value = upn_check_letter(body) + body
        # Columns in people_person's COPY order (see _copy).
        self._row(
            "person",
            pid,
            given,
            family,
            dob.isoformat() if dob else None,
            None,
            None,
            sex,
            "",
            "",
            "",
            "f",
            "",
            "[]",
            nhs_number,
            upn_value,
            "",
            "",
            "f",
            "",
            None,
            self.now,
            None,
        )
        self.name_id += 1
        self._row(
            "name",
            self.name_id,
            pid,
            "CURRENT",
            given,
            family,
            name_normalise(given),
            name_normalise(family),
            "",
            self.now,
        )
        if postcode:
            self.address_id += 1
            self._row(
                "address",
                self.address_id,
                pid,
                f"{self.rng.randint(1, 180)} High Street",
                "",
                "Warwickshire",
                postcode,
                postcode.split(" ")[0],
                None,
                None,
                self.now,
            )
        if phone:
            self.phone_id += 1
            number = f"+447{self.rng.randint(100_000_000, 999_999_999)}"
            self._row("phone", self.phone_id, pid, "MOBILE", "0" + number[3:], number, self.now)
        return pid

    def household(self):
        rng = self.rng
        postcode = _postcode(rng)
        family = rng.choice(FAMILY)
        if rng.random() < 0.05:
            family = f"{family}-{rng.choice(FAMILY)}"
        adults = []
        for index in range(1 if rng.random() < 0.35 else 2):
            sex = "F" if index == 0 else rng.choice("MF")
            given = rng.choice(FEMALE if sex == "F" else MALE)
            adult_family = family if index == 0 or rng.random() < 0.7 else rng.choice(FAMILY)
            dob = self.today - dt.timedelta(days=rng.randint(19 * 365, 60 * 365))
            pid = self.person(
                given=given,
                family=adult_family,
                dob=dob,
                sex=sex,
                postcode=postcode,
                nhs=rng.random() < 0.8,
                phone=rng.random() < 0.6,
            )
            adults.append(pid)
            self.people.append((pid, given, adult_family, dob, sex, postcode))
        children = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])):
            sex = rng.choice("MF")
            given = rng.choice(FEMALE if sex == "F" else MALE)
            dob = self.today - dt.timedelta(days=rng.randint(0, 17 * 365))
            pid = self.person(
                given=given,
                family=family,
                dob=dob,
                sex=sex,
                postcode=postcode,
                nhs=rng.random() < 0.9,
                upn=dob.year < self.today.year - 4,
            )
            children.append(pid)
            self.people.append((pid, given, family, dob, sex, postcode))
        for adult in adults:
            for child in children:
                self._row(
                    "relationship",
                    uuid.uuid4(),
                    adult,
                    child,
                    "PARENT",
                    "t",
                    "f",
                    None,
                    None,
                    "",
                    self.now,
                    None,
                )
        if len(adults) == 2:
            self._row(
                "relationship",
                uuid.uuid4(),
                adults[0],
                adults[1],
                "PARTNER",
                "f",
                "f",
                None,
                None,
                "",
                self.now,
                None,
            )
        for i, first in enumerate(children):
            for second in children[i + 1 :]:
                self._row(
                    "relationship",
                    uuid.uuid4(),
                    first,
                    second,
                    "SIBLING",
                    "f",
                    "f",
                    None,
                    None,
                    "",
                    self.now,
                    None,
                )
        members = adults + children
        for other in members[1:]:
            self._row("liveswith", uuid.uuid4(), members[0], other, None, None, self.now, None)
        return len(members)

    def plant_duplicates(self):
        rng = self.rng
        clusters = []
        originals = rng.sample(self.people, self.duplicates)
        for cluster_id, (pid, given, family, dob, sex, postcode) in enumerate(originals, 1):
            variation = VARIATIONS[cluster_id % len(VARIATIONS)]
            new_given, new_family, new_dob = given, family, dob
            keep_postcode = rng.random() < 0.85
            if variation == "nickname":
                new_given = nickname_for(given, rng) or typo(given, rng)
            elif variation == "typo_given":
                new_given = typo(given, rng)
            elif variation == "typo_family":
                new_family = typo(family, rng)
            elif variation == "transposition":
                target = rng.choice(["given", "family"])
                if target == "given":
                    new_given = typo(given, rng, "transpose")
                else:
                    new_family = typo(family, rng, "transpose")
            elif variation == "swapped_day_month":
                if dob.day <= 12 and dob.day != dob.month:
                    new_dob = dt.date(dob.year, dob.day, dob.month)
                else:
                    new_given = typo(given, rng)
            elif variation == "hyphenated_surname":
                if "-" in family:
                    new_family = rng.choice(family.split("-"))
                else:
                    new_family = f"{family}-{rng.choice(FAMILY)}"
            elif variation == "changed_surname":
                new_family = rng.choice([f for f in FAMILY if f != family])
                keep_postcode = True
            elif variation == "missing_dob":
                new_dob = None
                keep_postcode = True
            duplicate = self.person(
                given=new_given,
                family=new_family,
                dob=new_dob,
                sex=sex,
                postcode=postcode if keep_postcode else _postcode(rng),
                nhs=False,
            )
            clusters.append((pid, cluster_id, "original"))
            clusters.append((duplicate, cluster_id, variation))
        return clusters

    def run(self) -> dict:
        timings = {}
        started = time.perf_counter()
        made = 0
        while made < self.target - self.duplicates:
            made += self.household()
        clusters = self.plant_duplicates()
        timings["generate_seconds"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "TRUNCATE people_person, people_personname, people_personaddress, "
                "people_personphone, people_relationship, people_liveswith, "
                "people_chronologyevent, people_personsearch, people_duplicatedecision, "
                "people_personmerge CASCADE"
            )
            for name, _definition in SEARCH_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS bench_person_cluster")
            cursor.execute(
                "CREATE TABLE bench_person_cluster (person_id uuid PRIMARY KEY, cluster_id int, "
                "variation text)"
            )
        timings["truncate_seconds"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        self._copy()
        cluster_file = io.StringIO("".join(f"{p}\t{c}\t{v}\n" for p, c, v in clusters))
        with connection.cursor() as cursor:
            cursor.copy_from(cluster_file, "bench_person_cluster")
        timings["copy_seconds"] = round(time.perf_counter() - started, 1)
        timings["copy_seconds_by_table"] = self.copy_seconds

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for name, definition in SEARCH_INDEXES:
                cursor.execute(f"CREATE INDEX {name} ON people_personname {definition}")
            cursor.execute("VACUUM ANALYZE people_person")
            cursor.execute("VACUUM ANALYZE people_personname")
            cursor.execute("VACUUM ANALYZE people_personaddress")
            cursor.execute("VACUUM ANALYZE people_personphone")
            # Every copied table, as autovacuum would in time: without statistics the planner
            # took the household's relationship lookups (pathway, cases) for a few rows and
            # scanned all 76,000.
            cursor.execute("VACUUM ANALYZE people_relationship")
            cursor.execute("VACUUM ANALYZE people_liveswith")
        timings["index_seconds"] = round(time.perf_counter() - started, 1)

        with connection.cursor() as cursor:
            counts = {}
            for table in [
                "people_person",
                "people_personname",
                "people_personaddress",
                "people_personphone",
                "people_relationship",
                "people_liveswith",
                "bench_person_cluster",
            ]:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
                counts[table] = cursor.fetchone()[0]
        return {"timings": timings, "counts": counts}

    def _copy(self):
        columns = {
            "person": (
                "people_person",
                [
                    "id",
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "expected_date_of_birth",
                    "date_of_death",
                    "sex",
                    "gender",
                    "ethnicity",
                    "first_language",
                    "interpreter_needed",
                    "religion",
                    "disabilities",
                    "nhs_number",
                    "upn",
                    "la_child_id",
                    "school_or_setting",
                    "restricted",
                    "restriction_category",
                    "merged_into_id",
                    "created_at",
                    "created_by_id",
                ],
            ),
            "name": (
                "people_personname",
                [
                    "id",
                    "person_id",
                    "kind",
                    "given_name",
                    "family_name",
                    "given_norm",
                    "family_norm",
                    "note",
                    "created_at",
                ],
            ),
            "address": (
                "people_personaddress",
                [
                    "id",
                    "person_id",
                    "line_1",
                    "line_2",
                    "town",
                    "postcode",
                    "postcode_outward",
                    "start_date",
                    "end_date",
                    "created_at",
                ],
            ),
            "phone": (
                "people_personphone",
                ["id", "person_id", "kind", "number", "number_normalised", "created_at"],
            ),
            "relationship": (
                "people_relationship",
                [
                    "id",
                    "from_person_id",
                    "to_person_id",
                    "kind",
                    "parental_responsibility",
                    "family_network",
                    "start_date",
                    "end_date",
                    "note",
                    "created_at",
                    "created_by_id",
                ],
            ),
            "liveswith": (
                "people_liveswith",
                [
                    "id",
                    "person_a_id",
                    "person_b_id",
                    "since_date",
                    "until_date",
                    "created_at",
                    "created_by_id",
                ],
            ),
        }
        self.copy_seconds = {}
        with connection.cursor() as cursor:
            # The generated rows are consistent by construction, so skip the per-row foreign-key
            # triggers while loading (needs a superuser, as the benchmark database's owner is).
            cursor.execute("SET session_replication_role = replica")
            for key, (table, cols) in columns.items():
                buffer = self.files[key]
                buffer.seek(0)
                started = time.perf_counter()
                cursor.copy_from(buffer, table, columns=cols)
                self.copy_seconds[table] = round(time.perf_counter() - started, 1)
            cursor.execute("SET session_replication_role = DEFAULT")
            for table in ["people_personname", "people_personaddress", "people_personphone"]:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument(
        "--duplicates",
        type=int,
        default=None,
        help="Planted duplicates (default: 0.5%% of --people, 5,000 at 1M)",
    )
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    duplicates = args.duplicates if args.duplicates is not None else max(50, args.people // 200)

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seeder = Seeder(args.people, duplicates, args.seed)
    figures = seeder.run()
    figures.update(
        {
            "people_requested": args.people,
            "planted_duplicates": duplicates,
            "database": connection.settings_dict["NAME"],
            "total_seconds": round(time.perf_counter() - started, 1),
            "method": "PostgreSQL COPY; search indexes dropped before and rebuilt after",
            "machine": f"{os.cpu_count()} cores",
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "people_seed.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
