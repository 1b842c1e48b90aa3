import copy
import io
import itertools
import operator
import time
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from locality.models import (
    Area,
    District,
    Postcode,
    PostcodeImport,
    PostcodeSector,
    RoutingOverride,
    RoutingRule,
    RoutingRuleChange,
    RoutingRuleChangeAction,
    Team,
)
from locality.onspd import onspd_letters, onspd_read, onspd_version
from locality.reference import REFERENCE_FILE, reference_file_data, warwickshire_la_codes


@transaction.atomic
def reference_data_load(*, path: Path = REFERENCE_FILE) -> dict[str, int]:
    """Create any missing area, district or team from the reference file, and the routing rules
    when there are none.

    Existing rows are left as they are: once loaded, administrators maintain them in the app,
    and running setup again must not undo their changes.
    """
    data = reference_file_data(path)
    created = {"areas": 0, "districts": 0, "teams": 0, "routing_rules": 0}
    areas = {}
    for row in data["areas"]:
        areas[row["code"]], was_created = Area.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        created["areas"] += was_created
    districts = {}
    for row in data["districts"]:
        districts[row["ons_code"]], was_created = District.objects.get_or_create(
            ons_code=row["ons_code"], defaults={"name": row["name"], "area": areas[row["area"]]}
        )
        created["districts"] += was_created
    for row in data["teams"]:
        team, was_created = Team.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "team_type": row["team_type"],
                "serves": row["serves"],
                "phone": row["phone"],
                "email": row.get("email", ""),
                "inbox_email": row.get("inbox_email", ""),
                "district": districts.get(row.get("district")),
            },
        )
        if was_created:
            team.areas.set([areas[code] for code in row.get("areas", [])])
        created["teams"] += was_created
    # Rules have no stable key an administrator cannot edit, so they are seeded only into an
    # empty table: after that, the administrators' versions are the rules.
    if not RoutingRule.objects.exists():
        for row in data["routing_rules"]:
            routing_rule_save(rule=RoutingRule(**copy.deepcopy(row)), changed_by=None)
            created["routing_rules"] += 1
    return created


# --- Postcodes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostcodeLoadSummary:
    skipped: bool
    source_version: str
    postcodes: int
    sectors: int
    seconds: float


def _units(pcds: list[str]) -> str:
    """The last two characters of each 7-character postcode, run together, sliced in C."""
    joined = "".join(pcds).encode("ascii")
    units = bytearray(2 * len(pcds))
    units[0::2] = joined[5::7]
    units[1::2] = joined[6::7]
    return units.decode("ascii")


def _directory_rows(letters: str) -> tuple[list[tuple], list[tuple]]:
    """Warwickshire postcode rows and packed UK sector rows from the directory's files.

    Each file is sorted by postcode, so a sector's units are one run found by bisection; the
    per-postcode Python work is kept to the few sectors that need it.
    """
    in_county = warwickshire_la_codes()
    postcodes, sectors = [], []
    for letter in letters:
        pcds, la_codes = onspd_read(letter)
        if not all(map(operator.le, pcds, itertools.islice(pcds, 1, None))):
            pcds, la_codes = map(list, zip(*sorted(zip(pcds, la_codes, strict=True)), strict=True))
        start = 0
        while start < len(pcds):
            key = pcds[start][:5]  # "CV212AB"[:5] is the sector "CV212"; "B46 1AA" gives "B46 1"
            end = bisect_left(pcds, key + "~", lo=start)
            run_pcds, run_la_codes = pcds[start:end], la_codes[start:end]
            start = end
            distinct = set(run_la_codes)
            if not all(isinstance(code, str) and code for code in distinct):
                # Postcodes with no local authority (NaN in the directory) are left out.
                kept = [
                    (p, c)
                    for p, c in zip(run_pcds, run_la_codes, strict=True)
                    if isinstance(c, str) and c
                ]
                if not kept:
                    continue
                run_pcds, run_la_codes = [p for p, _ in kept], [c for _, c in kept]
                distinct = set(run_la_codes)
            distinct = sorted(distinct)
            index = ""
            if len(distinct) > 1:
                position = {code: chr(48 + n) for n, code in enumerate(distinct)}
                index = "".join([position[code] for code in run_la_codes])
            outward = key[:4].rstrip()
            sector = f"{outward} {key[4]}"
            sectors.append((sector, outward, _units(run_pcds), " ".join(distinct), index))
            if in_county.intersection(distinct):
                postcodes.extend(
                    (f"{outward} {p[4:]}", outward, sector, code)
                    for p, code in zip(run_pcds, run_la_codes, strict=True)
                    if code in in_county
                )
    return postcodes, sectors


def _replace_rows(model, columns: list[str], rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        # TRUNCATE leaves no dead rows behind (readers wait the second or two until commit);
        # COPY is several times faster than INSERT. The values are postcodes and ONS codes:
        # letters, digits and spaces, so no escaping is needed.
        buffer = io.StringIO("".join("\t".join(row) + "\n" for row in rows))
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)
    else:
        model.objects.all().delete()
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000
        )


@transaction.atomic
def postcodes_load(
    *, force: bool = False, directory_rows: tuple | None = None
) -> PostcodeLoadSummary:
    """Build the Warwickshire postcode table and the UK sector table from the directory.

    Idempotent: when the last import was of this release, nothing is done unless ``force``.
    ``directory_rows`` (from postcode_directory_rows) saves reading the files again when the
    caller loads the same release many times, as the tests do.
    """
    source_version = onspd_version()
    latest = PostcodeImport.objects.order_by("-imported_at").first()
    if (
        not force
        and latest is not None
        and latest.source_version == source_version
        and Postcode.objects.exists()
    ):
        return PostcodeLoadSummary(True, source_version, latest.postcodes, latest.sectors, 0.0)
    started = time.perf_counter()
    postcodes, sectors = directory_rows or postcode_directory_rows()
    _replace_rows(Postcode, ["postcode", "outward_code", "sector", "la_code"], postcodes)
    _replace_rows(
        PostcodeSector, ["sector", "outward_code", "units", "la_codes", "la_index"], sectors
    )
    seconds = time.perf_counter() - started
    PostcodeImport.objects.create(
        source_version=source_version,
        postcodes=len(postcodes),
        sectors=len(sectors),
        seconds=round(seconds, 3),
        imported_at=timezone.now(),
    )
    return PostcodeLoadSummary(False, source_version, len(postcodes), len(sectors), seconds)


def postcode_directory_rows() -> tuple[list[tuple], list[tuple]]:
    """The rows postcodes_load writes: Warwickshire postcodes, and every UK sector packed."""
    return _directory_rows(onspd_letters())


# --- Routing rules ---------------------------------------------------------------------------

RULE_FIELDS = [
    "position",
    "name",
    "is_active",
    "levels",
    "main_concern_kinds",
    "min_age_years",
    "requires_severe_disability",
    "team_type",
    "team_chosen_by",
    "reason",
]


def _rule_snapshot(rule: RoutingRule) -> dict:
    return {field: getattr(rule, field) for field in RULE_FIELDS}


@transaction.atomic
def routing_rule_save(*, rule: RoutingRule, changed_by, at=None) -> RoutingRuleChange | None:
    """Create or change a rule and log who did it, when, and the rule before and after.

    The next routing decision reads the rules afresh, so the change takes effect at once.
    Returns the log row, or None when nothing changed.
    """
    before = None
    if rule.pk is not None:
        stored = RoutingRule.objects.select_for_update().filter(pk=rule.pk).first()
        before = _rule_snapshot(stored) if stored else None
    # Field checks only: the admin form has already checked uniqueness and the constraints,
    # and the database enforces them again, without a query each here.
    rule.clean_fields()
    rule.save()
    after = _rule_snapshot(rule)
    if before == after:
        return None
    return RoutingRuleChange.objects.create(
        rule=rule,
        rule_name=rule.name,
        action=RoutingRuleChangeAction.CREATED
        if before is None
        else RoutingRuleChangeAction.CHANGED,
        changed_by=changed_by,
        changed_at=at or timezone.now(),
        before=before,
        after=after,
    )


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, deleted_by, at=None) -> RoutingRuleChange:
    change = RoutingRuleChange.objects.create(
        rule=rule,
        rule_name=rule.name,
        action=RoutingRuleChangeAction.DELETED,
        changed_by=deleted_by,
        changed_at=at or timezone.now(),
        before=_rule_snapshot(rule),
        after=None,
    )
    rule.delete()
    return change


class RoutingOverrideInvalid(ValueError):
    """The override cannot be recorded. str() is the message to show beside the field."""


@transaction.atomic
def routing_override_record(
    *, suggestion, chosen_team: Team, reason: str, overridden_by, at=None
) -> RoutingOverride:
    """Record that a practitioner sent the case to ``chosen_team`` instead of the team in
    ``suggestion`` (a RoutingResult), and why. The consultation keeps the returned row."""
    reason = (reason or "").strip()
    if not reason:
        raise RoutingOverrideInvalid("Enter why the case should go to a different team")
    if not chosen_team.is_active:
        raise RoutingOverrideInvalid("Choose a team that is still active")
    if suggestion.team is not None and chosen_team.pk == suggestion.team.pk:
        raise RoutingOverrideInvalid("Choose a different team from the one suggested")
    return RoutingOverride.objects.create(
        suggested_team=suggestion.team,
        suggested_reasons=list(suggestion.reasons),
        chosen_team=chosen_team,
        reason=reason,
        overridden_by=overridden_by,
        overridden_at=at or timezone.now(),
    )
