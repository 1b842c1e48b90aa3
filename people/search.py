"""Person search: find candidates cheaply through indexes, then score and explain each one.

1. **Candidates.** Several small "arms", each an indexed lookup with its own LIMIT, united in one
   statement that also brings back each candidate's names, addresses and phones: phonetic name
   (fuzzystrmatch ``dmetaphone`` over the normalised name columns), near-miss spelling (one name
   exact, a nickname or sounding alike, the other name's first letters, closest ``levenshtein``
   first), parts of hyphenated family names, date of birth (exact and day/month swapped),
   identifiers, phone and postcode. Their B-tree indexes (migration 0003) INCLUDE the columns
   the arms read, so each arm is an index-only scan. When that first pass finds nothing scoring
   ``TRIGRAM_FALLBACK_BELOW`` or more, a pg_trgm arm (``%`` on both names, GIN indexes) runs
   too. On SQLite the name arms fall back to ``startswith``/``contains`` filters.
2. **Scoring** in Python, the same on both databases: weighted name, date of birth, postcode,
   phone and identifier components, each adding a human reason. Name parts compare by trigram
   similarity (as pg_trgm computes it) or a small edit distance; "sounds like" comes from
   PostgreSQL's ``dmetaphone`` (Python soundex on SQLite).

People the user may not see are dropped, except restricted people, who come back to front-door
users as a placeholder with no identifying detail ("possible match with a restricted record").
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from accounts import rules
from people.identifiers import (
    la_child_id_normalise,
    nhs_number_normalise,
    phone_normalise,
    postcode_query_normalise,
    upn_normalise,
)
from people.models import NameKind, Person, PersonAddress, PersonName, PersonPhone
from people.names import are_nicknames, name_normalise, name_variants, soundex, trigram_similarity

RESTRICTED_MATCH_MESSAGE = "Possible match with a restricted record: ask a manager"
DOB_MESSAGE = (
    "Enter a date of birth like 27/3/2015, or just the month and year (3/2015) or the year"
)
MIN_SCORE = 35
LIKELY_DUPLICATE_SCORE = 60

# How much each part of a search counts towards the score, when it was searched for.
WEIGHTS = {
    "name": 50,
    "dob": 30,
    "postcode": 15,
    "phone": 15,
    "nhs_number": 60,
    "upn": 60,
    "la_child_id": 60,
}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def is_full(self) -> bool:
        return self.day is not None

    def as_date(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    def swapped(self) -> dt.date | None:
        if not self.is_full or self.day == self.month or self.day > 12:
            return None
        return dt.date(self.year, self.day, self.month)

    def __str__(self):
        if self.is_full:
            return self.as_date().isoformat()
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


def dob_query_parse(value: str) -> PartialDate | None:
    """27/3/2015, 2015-03-27, 3/2015, 2015-03 or 2015; ValidationError when it is none of them."""
    text = (value or "").strip()
    if not text:
        return None
    parts = [int(p) for p in re.split(r"[/\-. ]+", text) if p.isdigit()]
    if len(parts) != len(re.split(r"[/\-. ]+", text)) or not 1 <= len(parts) <= 3:
        raise ValidationError(DOB_MESSAGE, code="invalid_dob")
    if len(parts[0:1]) and parts[0] > 31:  # year first: ISO order
        year, rest = parts[0], parts[1:]
        month, day = (rest + [None, None])[:2]
    else:
        year = parts[-1]
        day, month = ([None, None] + parts[:-1])[-2:]
    try:
        if not 1900 <= year <= dt.date.today().year + 1:
            raise ValueError
        if month is not None and not 1 <= month <= 12:
            raise ValueError
        if day is not None:
            dt.date(year, month, day)
    except (ValueError, TypeError):
        raise ValidationError(DOB_MESSAGE, code="invalid_dob") from None
    return PartialDate(year, month, day)


@dataclass
class SearchCriteria:
    given: str = ""  # normalised
    family: str = ""  # normalised; hyphenated names keep each part as a word
    name_raw: str = ""
    dob: PartialDate | None = None
    postcode: tuple[str, str] | None = None  # ("FULL" | "OUTWARD", value)
    nhs_number: str = ""
    upn: str = ""
    la_child_id: str = ""
    phone: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.given
            or self.family
            or self.dob
            or self.postcode
            or self.nhs_number
            or self.upn
            or self.la_child_id
            or self.phone
        )

    def as_json(self) -> dict:
        return {
            "name": self.name_raw,
            "dob": str(self.dob) if self.dob else "",
            "postcode": self.postcode[1] if self.postcode else "",
            "nhs_number": self.nhs_number,
            "upn": self.upn,
            "la_child_id": self.la_child_id,
            "phone": self.phone,
        }


def name_query_split(name: str) -> tuple[str, str]:
    """(given, family) from what was typed: "Jon Smyth", "Smyth, Jon", "Ann Smith-Jones"."""
    text = (name or "").strip()
    if "," in text:
        family, _, given = text.partition(",")
    else:
        words = text.split()
        if len(words) <= 1:
            return "", name_normalise(text)
        given, family = words[0], words[-1]
    given_words = name_normalise(given).split()
    return (given_words[0] if given_words else ""), name_normalise(family)


def search_criteria_parse(
    *, name="", dob="", postcode="", nhs_number="", upn="", la_child_id="", phone=""
) -> tuple[SearchCriteria, dict[str, str]]:
    """Criteria from what was typed, and field-keyed GOV.UK error messages for bad input."""
    criteria, errors = SearchCriteria(name_raw=(name or "").strip()), {}
    criteria.given, criteria.family = name_query_split(name)
    for key, raw, parse in [
        ("dob", dob, dob_query_parse),
        ("postcode", postcode, postcode_query_normalise),
        ("nhs_number", nhs_number, nhs_number_normalise),
        ("upn", upn, upn_normalise),
        ("la_child_id", la_child_id, la_child_id_normalise),
        ("phone", phone, phone_normalise),
    ]:
        if not (raw or "").strip():
            continue
        try:
            setattr(criteria, key, parse(raw))
        except ValidationError as error:
            errors[key] = error.messages[0]
    return criteria, errors


@dataclass
class Match:
    """One search result. For a restricted record the user may not see, ``person`` is None."""

    person: Person | None
    score: int
    reasons: list[str] = field(default_factory=list)
    is_restricted_placeholder: bool = False
    current_postcode: str = ""

    @property
    def message(self) -> str:
        return RESTRICTED_MATCH_MESSAGE if self.is_restricted_placeholder else ""


# Candidates ---------------------------------------------------------------------------------
#
# On PostgreSQL every arm is one sub-select with its own LIMIT, and all arms go to the database
# as one UNION statement. ``dmetaphone(<constant>)`` is folded to a constant by the planner, so
# the expression indexes from migration 0003 apply. The trigram ``%`` operator uses pg_trgm's
# default threshold of 0.3.

_GIVEN_MATCHES = "(given_norm = ANY(%(variants)s) OR dmetaphone(given_norm) IN ({given_codes}))"

_PG_NAME_ARMS = {
    # Both names sound alike (a composite expression index), closest spellings first.
    "phonetic": """
        SELECT person_id FROM people_personname
         WHERE dmetaphone(family_norm) = dmetaphone(%(family)s)
           AND dmetaphone(given_norm) IN ({given_codes})
         ORDER BY levenshtein(family_norm, %(family)s) + levenshtein(given_norm, %(given)s)
         LIMIT 30""",
    # The given name is right (or a nickname); the family name is misspelt after its first letter.
    "family_near_miss": """
        SELECT person_id FROM people_personname
         WHERE given_norm = ANY(%(variants)s) AND family_norm LIKE %(family_initial)s
         ORDER BY levenshtein(family_norm, %(family)s)
         LIMIT 20""",
    # The given name sounds right; the family name is misspelt after its first two letters.
    "family_sound_near_miss": """
        SELECT person_id FROM people_personname
         WHERE dmetaphone(given_norm) IN ({given_codes}) AND family_norm LIKE %(family_start)s
         ORDER BY levenshtein(family_norm, %(family)s) + levenshtein(given_norm, %(given)s)
         LIMIT 20""",
    # The family name is right; the given name is misspelt after its first letter.
    "given_near_miss": """
        SELECT person_id FROM people_personname
         WHERE family_norm = %(family)s AND given_norm LIKE %(given_initial)s
         ORDER BY levenshtein(given_norm, %(given)s)
         LIMIT 20""",
    # The family name sounds right; the given name is misspelt after its first two letters.
    "given_sound_near_miss": """
        SELECT person_id FROM people_personname
         WHERE dmetaphone(family_norm) = dmetaphone(%(family)s) AND given_norm LIKE %(given_start)s
         ORDER BY levenshtein(given_norm, %(given)s) + levenshtein(family_norm, %(family)s)
         LIMIT 20""",
    # "Jones" finds "Jones-Muller" (prefix index) and "Muller-Jones" (reversed-name index).
    "family_first_part": """
        SELECT person_id FROM people_personname
         WHERE family_norm LIKE %(family_first_word)s AND {given_matches}
         LIMIT 10""",
    "family_last_part": """
        SELECT person_id FROM people_personname
         WHERE reverse(family_norm) LIKE %(family_last_word)s AND {given_matches}
         LIMIT 10""",
}

# "Smith-Jones" (typed) finds "Smith" and "Jones".
_PG_QUERY_PARTS_ARM = """
        SELECT person_id FROM people_personname
         WHERE family_norm = ANY(%(family_parts)s) AND {given_matches}
         LIMIT 20"""

# Trigram similarity on both names (GIN indexes, BitmapAnd). It costs more than the arms above at
# a million people, so it runs only when they found nothing convincing (see person_search).
_PG_TRIGRAM_ARM = """
        SELECT person_id FROM people_personname
         WHERE family_norm %% %(family)s
           AND (given_norm %% %(given)s OR given_norm = ANY(%(variants)s))
         ORDER BY similarity(family_norm, %(family)s) + similarity(given_norm, %(given)s) DESC
         LIMIT 40"""

_PG_FAMILY_ONLY_ARMS = {
    "phonetic": """
        SELECT person_id FROM people_personname
         WHERE dmetaphone(family_norm) = dmetaphone(%(family)s)
         ORDER BY levenshtein(family_norm, %(family)s) LIMIT 40""",
    "trigram": """
        SELECT person_id FROM people_personname
         WHERE family_norm %% %(family)s
         ORDER BY similarity(family_norm, %(family)s) DESC LIMIT 40""",
    "family_first_part": """
        SELECT person_id FROM people_personname
         WHERE family_norm LIKE %(family_first_word)s LIMIT 25""",
    "family_last_part": """
        SELECT person_id FROM people_personname
         WHERE reverse(family_norm) LIKE %(family_last_word)s LIMIT 25""",
    "given": """
        SELECT person_id FROM people_personname
         WHERE given_norm = ANY(%(variants)s) LIMIT 40""",
}

# A first pass whose best match scores below this also runs the trigram arm.
TRIGRAM_FALLBACK_BELOW = 70


def _like_prefix(text: str, letters: int = 1) -> str:
    return text[:letters].replace("%", "").replace("_", "") + "%"


def _variant_codes_sql(variants: list[str]) -> tuple[str, dict]:
    placeholders = ", ".join(f"dmetaphone(%(variant_{i})s)" for i in range(len(variants)))
    return placeholders, {f"variant_{i}": v for i, v in enumerate(variants)}


def name_candidate_sql(criteria: SearchCriteria, *, trigram: bool = False) -> tuple[str, dict]:
    """The PostgreSQL name arms and their parameters (also used by the benchmark's EXPLAIN).

    ``trigram=True`` gives the fallback trigram arm alone (given and family name searches).
    """
    variants = sorted(name_variants(criteria.given or criteria.family))
    codes_sql, code_params = _variant_codes_sql(variants)
    family_words = criteria.family.split()
    params = {
        "family": criteria.family,
        "given": criteria.given,
        "variants": variants,
        "family_initial": _like_prefix(criteria.family),
        "given_initial": _like_prefix(criteria.given),
        "family_start": _like_prefix(criteria.family, 2),
        "given_start": _like_prefix(criteria.given, 2),
        "family_first_word": f"{family_words[0] if family_words else ''} %",
        "family_last_word": f"{family_words[-1][::-1] if family_words else ''} %",
        "family_parts": family_words,
        **code_params,
    }
    if trigram:
        arms = {"trigram": _PG_TRIGRAM_ARM}
    elif criteria.given:
        arms = dict(_PG_NAME_ARMS)
        if len(family_words) > 1:
            arms["query_parts"] = _PG_QUERY_PARTS_ARM
    else:
        arms = _PG_FAMILY_ONLY_ARMS
    # Only fixed SQL text and generated placeholder names go into the string; values are params.
    fragments = {
        "given_codes": codes_sql,
        "given_matches": _GIVEN_MATCHES.format(given_codes=codes_sql),
    }
    sql = " UNION ".join(
        f"(SELECT person_id FROM ({arm.format(**fragments)}) AS {name})"  # noqa: S608
        for name, arm in arms.items()
    )
    return sql, params


def _dob_range(dob: PartialDate) -> tuple[dt.date, dt.date]:
    start = dt.date(dob.year, dob.month or 1, 1)
    if dob.month:
        return start, dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, dt.date(start.year + 1, 1, 1)


def _other_arms(criteria: SearchCriteria) -> list:
    """The arms that are not about names, as querysets of person ids (each already sliced)."""
    people = Person.objects.order_by()
    arms = []
    for key in ["nhs_number", "upn", "la_child_id"]:
        if getattr(criteria, key):
            arms.append(people.filter(**{key: getattr(criteria, key)}).values_list("pk")[:20])
    if criteria.phone:
        arms.append(
            PersonPhone.objects.order_by()
            .filter(number_normalised=criteria.phone)
            .values_list("person_id")[:50]
        )
    if criteria.dob and criteria.dob.is_full:
        dates = [d for d in [criteria.dob.as_date(), criteria.dob.swapped()] if d]
        born = people.filter(Q(date_of_birth__in=dates) | Q(expected_date_of_birth__in=dates))
        if criteria.family:
            # Same birthday, and a name that starts the same (so a changed family name, or a
            # misspelt given name, still counts); not everyone born that day.
            first = criteria.given[:1] or criteria.family[:1]
            born = born.filter(
                Q(names__given_norm__in=name_variants(criteria.given or criteria.family))
                | Q(names__given_norm__startswith=first)
                | Q(names__family_norm__startswith=criteria.family[:1])
            )
        arms.append(born.values_list("pk")[:200])
    elif criteria.dob and not criteria.family:
        start, end = _dob_range(criteria.dob)
        arms.append(
            people.filter(date_of_birth__gte=start, date_of_birth__lt=end).values_list("pk")[:200]
        )
    if criteria.postcode:
        kind, value = criteria.postcode
        addresses = PersonAddress.objects.order_by()
        if kind == "FULL":
            arms.append(addresses.filter(postcode=value).values_list("person_id")[:200])
        elif not criteria.family:
            arms.append(addresses.filter(postcode_outward=value).values_list("person_id")[:200])
    return arms


def _candidate_union_postgres(
    criteria: SearchCriteria, *, trigram: bool = False
) -> tuple[str, dict]:
    """One UNION of every arm's person ids, as SQL and named parameters."""
    parts, params = [], {}
    if criteria.family:
        sql, params = name_candidate_sql(criteria, trigram=trigram)
        parts.append(sql)
    for index, queryset in enumerate([] if trigram else _other_arms(criteria)):
        arm_sql, arm_params = queryset.query.sql_with_params()
        # Django renders %s placeholders; name them so they sit beside the name arms' params.
        names = [f"arm{index}_{i}" for i in range(len(arm_params))]
        for name in names:
            arm_sql = arm_sql.replace("%s", f"%({name})s", 1)
        params.update(dict(zip(names, arm_params, strict=True)))
        parts.append(f"(SELECT * FROM ({arm_sql}) AS arm{index})")  # noqa: S608 (Django's SQL)
    return " UNION ".join(parts), params


def _candidate_ids_portable(criteria: SearchCriteria) -> set:
    ids = set()
    if criteria.family:
        family = criteria.family
        # Broad on purpose: SQLite has no trigram or phonetic index, so Python scoring decides.
        condition = (
            Q(family_norm__startswith=family[:1])
            | Q(family_norm__contains=family[:3])
            | Q(family_norm__contains=family[-3:])
        )
        if criteria.given:
            condition &= Q(given_norm__in=name_variants(criteria.given)) | Q(
                given_norm__startswith=criteria.given[:1]
            )
            condition |= Q(family_norm=family)
        else:
            condition |= Q(given_norm__in=name_variants(family))
        ids |= set(PersonName.objects.filter(condition).values_list("person_id", flat=True)[:2000])
    for queryset in _other_arms(criteria):
        ids |= {row[0] for row in queryset}
    return ids


# Scoring ------------------------------------------------------------------------------------


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two neighbouring letters counts as one."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@lru_cache(maxsize=50_000)
def part_similarity(query: str, stored: str) -> float:
    """0..1: the better of trigram similarity and a small-edit-distance score."""
    if query == stored:
        return 1.0
    best = trigram_similarity(query, stored)
    distance = _edit_distance(query, stored)
    longest = max(len(query), len(stored))
    if distance == 1 and longest >= 3:
        best = max(best, 1 - 1 / longest)
    elif distance == 2 and longest >= 6:
        best = max(best, 1 - 2 / longest)
    return best


def _family_score(query: str, name: dict) -> tuple[float, str]:
    stored, shown = name["family_norm"], name["family_name"]
    if query == stored:
        return 1.0, "Same family name"
    query_parts, stored_parts = set(query.split()), set(stored.split())
    if (
        len(stored_parts) > 1
        and query in stored_parts
        or len(query_parts) > 1
        and stored in query_parts
    ):
        return 0.9, f"Family name is part of {shown}"
    similarity = part_similarity(query, stored)
    if name["family_sounds"] and similarity < 0.8:
        return max(similarity, 0.75), f"Family name sounds like {shown}"
    if similarity >= 0.5:
        return similarity, f"Family name is like {shown}"
    return similarity, ""


def _given_score(query: str, name: dict) -> tuple[float, str]:
    stored, shown = name["given_norm"], name["given_name"]
    stored_first = stored.split()[0] if stored else ""
    if query in (stored, stored_first):
        return 1.0, "Same given name"
    if are_nicknames(query, stored_first):
        return 0.9, f"{shown} is a common form of {query.title()}"
    similarity = part_similarity(query, stored_first)
    if name["given_sounds"] and similarity < 0.8:
        return max(similarity, 0.75), f"Given name sounds like {shown}"
    if similarity >= 0.5:
        return similarity, f"Given name is like {shown}"
    return similarity, ""


def _name_component(criteria, names) -> tuple[float, list[str]]:
    best, best_reasons = 0.0, []
    for name in names:
        if criteria.given:
            family, family_reason = _family_score(criteria.family, name)
            given, given_reason = _given_score(criteria.given, name)
            value = 0.55 * family + 0.45 * given
            reasons = [r for r in [given_reason, family_reason] if r]
        else:
            family, family_reason = _family_score(criteria.family, name)
            given, given_reason = _given_score(criteria.family, name)
            value, reason = max((family, family_reason), (0.9 * given, given_reason))
            reasons = [reason] if reason else []
        if name["kind"] != NameKind.CURRENT and reasons:
            label = "previous name" if name["kind"] == NameKind.PREVIOUS else "also known as"
            reasons.append(f"Matched on {label} {name['given_name']} {name['family_name']}")
        if value > best:
            best, best_reasons = value, reasons
    if best_reasons and best_reasons[:2] == ["Same given name", "Same family name"]:
        best_reasons[:2] = ["Same name"]
    return best, best_reasons


def _dob_component(dob: PartialDate, person: Person) -> tuple[float | None, str]:
    born = person.date_of_birth or person.expected_date_of_birth
    if born is None:
        return 0.3, ""
    expected = "expected " if person.date_of_birth is None else ""
    if not dob.is_full:
        if born.year == dob.year and (dob.month is None or born.month == dob.month):
            when = f"{_MONTHS[dob.month - 1]} {dob.year}" if dob.month else str(dob.year)
            return 1.0, f"{'Due' if expected else 'Born'} in {when}"
        return 0.0, ""
    wanted = dob.as_date()
    if born == wanted:
        return 1.0, f"Same {expected}date of birth"
    if born == dob.swapped():
        return 0.85, f"Same {expected}date of birth with day and month swapped"
    if (born.month, born.day) == (wanted.month, wanted.day) and abs(born.year - wanted.year) == 1:
        return 0.6, "Date of birth a year apart"
    if born.year == wanted.year and born.month == wanted.month:
        return 0.5, "Same month and year of birth"
    if born.year == wanted.year:
        return 0.25, "Same year of birth"
    return 0.0, ""


def _postcode_component(postcode, addresses) -> tuple[float, str]:
    kind, value = postcode
    best = (0.0, "")
    for address in addresses:
        lives = "Lives" if address["end_date"] is None else "Lived"
        if kind == "FULL" and address["postcode"] == value:
            return 1.0, f"{lives} at {value}"
        outward = value.split(" ")[0]
        if address["postcode_outward"] == outward and best[0] < (1.0 if kind == "OUTWARD" else 0.4):
            best = (1.0 if kind == "OUTWARD" else 0.4, f"{lives} in the {outward} area")
    return best


def _score(criteria, person, names, addresses, phones) -> tuple[int, list[str]]:
    total, weight, reasons = 0.0, 0, []

    def add(key, value, reason=""):
        nonlocal total, weight
        total += WEIGHTS[key] * value
        weight += WEIGHTS[key]
        if reason:
            reasons.append(reason)

    for key, label in [
        ("nhs_number", "NHS number"),
        ("upn", "UPN"),
        ("la_child_id", "local child ID"),
    ]:
        wanted, stored = getattr(criteria, key), getattr(person, key)
        if wanted and stored:
            add(key, 1.0 if wanted == stored else 0.0, f"Same {label}" if wanted == stored else "")
    if criteria.family:
        value, name_reasons = _name_component(criteria, names)
        add("name", value)
        reasons.extend(name_reasons)
    if criteria.dob:
        add("dob", *_dob_component(criteria.dob, person))
    if criteria.postcode:
        add("postcode", *_postcode_component(criteria.postcode, addresses))
    if criteria.phone:
        same = criteria.phone in phones
        add("phone", 1.0 if same else 0.0, "Same phone number" if same else "")
    if not weight:
        return 0, []
    return round(100 * total / weight), reasons


def _names_portable(criteria: SearchCriteria, ids) -> dict:
    """Each candidate's names, and whether each part sounds like the search (soundex)."""
    variants = sorted(name_variants(criteria.given or criteria.family))
    family_code, given_codes = soundex(criteria.family), {soundex(v) for v in variants}
    by_person = {}
    rows = [
        (*row, soundex(row[5]) == family_code, soundex(row[4]) in given_codes)
        for row in PersonName.objects.filter(person_id__in=ids).values_list(
            "person_id", "kind", "given_name", "family_name", "given_norm", "family_norm"
        )
    ]
    keys = [
        "person_id",
        "kind",
        "given_name",
        "family_name",
        "given_norm",
        "family_norm",
        "family_sounds",
        "given_sounds",
    ]
    for row in rows:
        name = dict(zip(keys, row, strict=True))
        by_person.setdefault(name["person_id"], []).append(name)
    return by_person


_PERSON_FIELDS = [
    "id",
    "given_name",
    "family_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "restricted",
    "nhs_number",
    "upn",
    "la_child_id",
    "merged_into",
]


def person_search(
    *,
    user,
    name: str = "",
    dob=None,
    postcode=None,
    nhs_number=None,
    upn=None,
    la_child_id=None,
    phone=None,
    limit: int = 20,
    criteria: SearchCriteria | None = None,
    exclude_person_id=None,
    within_scope: bool = False,
) -> list[Match]:
    """Ranked matches for what was typed, best first; bad input raises ValidationError.

    Pass raw strings, or an already parsed ``criteria`` (forms and the API parse first so they
    can show errors beside each field). Writes nothing: callers log the search with
    ``people.services.person_search_log``.

    The search is the front door's; ``within_scope`` lets a case worker search too, finding
    only the people they may already see (the families on their cases) and never a restricted
    record's placeholder (the relationship picker on the family map, docs/pathway.md).
    """
    if criteria is None:
        criteria, errors = search_criteria_parse(
            name=name,
            dob=dob or "",
            postcode=postcode or "",
            nhs_number=nhs_number or "",
            upn=upn or "",
            la_child_id=la_child_id or "",
            phone=phone or "",
        )
        if errors:
            raise ValidationError(errors)
    front_door = rules.can_use_front_door(user)
    if criteria.is_empty or not (front_door or (within_scope and rules.can_work_cases(user))):
        return []

    from people.selectors import people_visible_to

    if connection.vendor == "postgresql":
        candidates = _candidates_postgres(criteria)
    else:
        candidates = _candidates_portable(criteria)
    scored = _scored(criteria, candidates, exclude_person_id)
    if (
        connection.vendor == "postgresql"
        and criteria.given
        and (not scored or scored[0][0] < TRIGRAM_FALLBACK_BELOW)
    ):
        seen = {c.person.pk for c in candidates}
        extra = [c for c in _candidates_postgres(criteria, trigram=True) if c.person.pk not in seen]
        scored = sorted(scored + _scored(criteria, extra, exclude_person_id), key=_rank)

    visible = set(
        people_visible_to(user=user)
        .filter(pk__in=[person.pk for _, person, _, _ in scored])
        .values_list("pk", flat=True)
    )
    matches = []
    for score, person, reasons, current_postcode in scored:
        if person.pk in visible:
            matches.append(
                Match(
                    person=person, score=score, reasons=reasons, current_postcode=current_postcode
                )
            )
        elif person.restricted and front_door:
            matches.append(Match(person=None, score=score, is_restricted_placeholder=True))
        if len(matches) == limit:
            break
    return matches


def _rank(item):
    score, person = item[0], item[1]
    return (-score, person.family_name, person.given_name, str(person.pk))


@dataclass
class _Candidate:
    person: Person
    names: list
    addresses: list
    phones: set


_NAME_KEYS = [
    "kind",
    "given_name",
    "family_name",
    "given_norm",
    "family_norm",
    "family_sounds",
    "given_sounds",
]
_ADDRESS_KEYS = ["postcode", "postcode_outward", "end_date"]


def _candidates_postgres(criteria: SearchCriteria, *, trigram: bool = False) -> list[_Candidate]:
    """Candidates with their names, addresses and phones in one statement (one round trip)."""
    union_sql, params = _candidate_union_postgres(criteria, trigram=trigram)
    if not union_sql:
        return []
    fields = [f for f in Person._meta.concrete_fields if f.name in _PERSON_FIELDS]
    codes_sql, code_params = _variant_codes_sql(
        sorted(name_variants(criteria.given or criteria.family))
    )
    params.update({**code_params, "family": criteria.family})
    names_sql = (
        "(SELECT json_agg(json_build_array(n.kind, n.given_name, n.family_name, n.given_norm, "  # noqa: S608
        "n.family_norm, dmetaphone(n.family_norm) = dmetaphone(%(family)s), "
        f"dmetaphone(n.given_norm) IN ({codes_sql}))) "
        "FROM people_personname n WHERE n.person_id = p.id)"
        if criteria.family
        else "NULL"
    )
    phones_sql = (
        "(SELECT array_agg(ph.number_normalised) FROM people_personphone ph WHERE ph.person_id = p.id)"
        if criteria.phone
        else "NULL"
    )
    sql = (
        f"SELECT {', '.join('p.' + f.column for f in fields)}, {names_sql}, "  # noqa: S608
        "(SELECT json_agg(json_build_array(a.postcode, a.postcode_outward, a.end_date)) "
        "   FROM people_personaddress a WHERE a.person_id = p.id), "
        f"{phones_sql} "
        f"FROM people_person p WHERE p.id IN ({union_sql}) AND p.merged_into_id IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    attnames = [f.attname for f in fields]
    candidates = []
    for row in rows:
        values, names, addresses, phones = row[: len(fields)], row[-3], row[-2], row[-1]
        candidates.append(
            _Candidate(
                person=Person.from_db(connection.alias, attnames, values),
                names=[dict(zip(_NAME_KEYS, n, strict=True)) for n in names or []],
                addresses=[dict(zip(_ADDRESS_KEYS, a, strict=True)) for a in addresses or []],
                phones=set(phones or []),
            )
        )
    return candidates


def _candidates_portable(criteria: SearchCriteria) -> list[_Candidate]:
    ids = _candidate_ids_portable(criteria)
    people = Person.objects.filter(pk__in=ids, merged_into__isnull=True).only(*_PERSON_FIELDS)
    names = _names_portable(criteria, ids) if criteria.family else {}
    addresses, phones = {}, {}
    for row in PersonAddress.objects.filter(person_id__in=ids).values("person_id", *_ADDRESS_KEYS):
        addresses.setdefault(row["person_id"], []).append(row)
    for person_id, number in PersonPhone.objects.filter(person_id__in=ids).values_list(
        "person_id", "number_normalised"
    ):
        phones.setdefault(person_id, set()).add(number)
    return [
        _Candidate(p, names.get(p.pk, []), addresses.get(p.pk, []), phones.get(p.pk, set()))
        for p in people
    ]


def _scored(criteria: SearchCriteria, candidates: list[_Candidate], exclude_person_id) -> list:
    """(score, person, reasons, current postcode) for candidates worth showing, best first."""
    scored = []
    for candidate in candidates:
        person = candidate.person
        if person.pk == exclude_person_id:
            continue
        score, reasons = _score(
            criteria, person, candidate.names, candidate.addresses, candidate.phones
        )
        if score >= MIN_SCORE and reasons:
            current = [a["postcode"] for a in candidate.addresses if a["end_date"] is None]
            scored.append((score, person, reasons, current[0] if current else ""))
    return sorted(scored, key=_rank)


def likely_duplicates(*, user, details) -> list[Match]:
    """People already recorded who are likely to be the person about to be added (a
    people.services.PersonDetails): the search-before-create check. Writes nothing: callers log
    the people they show."""
    criteria, errors = search_criteria_parse(
        name=f"{details.given_name} {details.family_name}",
        postcode=details.postcode or "",
        nhs_number=details.nhs_number or "",
        upn=details.upn or "",
        la_child_id=details.la_child_id or "",
        phone=details.phone or "",
    )
    if errors:  # an identifier that cannot be read is the create's own error to give
        return []
    born = details.date_of_birth or details.expected_date_of_birth
    if born:
        criteria.dob = PartialDate(born.year, born.month, born.day)
    return [
        match
        for match in person_search(user=user, criteria=criteria, limit=5)
        if match.score >= LIKELY_DUPLICATE_SCORE
    ]
