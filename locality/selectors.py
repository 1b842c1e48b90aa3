"""Reads: where a postcode is, and which team a case goes to.

Neither reads a child's record. The routing inputs (a date of birth, a postcode, a level) are
passed in by the caller, who has already loaded the child through the access functions.
"""

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone
from django.utils.formats import date_format

from familyfirst.middleware import per_request
from locality.models import (
    Area,
    ConcernKind,
    District,
    Postcode,
    PostcodeSector,
    RoutingLevel,
    RoutingRule,
    Team,
    TeamChosenBy,
    TeamMembership,
    TeamType,
)
from locality.postcodes import PostcodeInvalid, PostcodeQuery, postcode_parse
from locality.reference import warwickshire_la_codes

# A child, for routing: under 18 (Children Act 1989, s.105); the same age as spectrum.selectors.
ADULT_AGE = 18

# --- The user's teams ------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentMembership:
    team_id: int
    team_slug: str
    role_in_team: str


def memberships_current(*, user) -> list[CurrentMembership]:
    """The user's teams today, with their slug and the user's role in each: one query per
    request (``familyfirst.middleware.per_request``; a change to a membership drops it). Both the
    case rules (``cases.selectors.team_ids_of``) and the access log's team names
    (``audit.services``) read it, so a page that does both reads the memberships once
    (docs/pathway.md, "Benchmark")."""
    if not (user and user.is_authenticated):
        return []
    return per_request(
        ("memberships_current", user.pk),
        lambda: [
            CurrentMembership(team_id, slug, role)
            for team_id, slug, role in TeamMembership.objects.current(on=timezone.localdate())
            .filter(user=user)
            .order_by("team__slug")
            .values_list("team_id", "team__slug", "role_in_team")
        ],
    )


# --- Postcodes -------------------------------------------------------------------------------


class PostcodeStatus(models.TextChoices):
    IN_COUNTY = "IN_COUNTY", "In Warwickshire"
    CHOOSE_DISTRICT = "CHOOSE_DISTRICT", "In more than one place: choose the district"
    OUTSIDE_COUNTY = "OUTSIDE_COUNTY", "Outside Warwickshire"
    NOT_FOUND = "NOT_FOUND", "Not in the postcode directory"
    INVALID = "INVALID", "Not a postcode"


@dataclass(frozen=True)
class PostcodeLookup:
    query: str
    postcode: str  # as we read it: "CV21 2AB", or the start of one, "CV21 2"; "" when invalid
    is_partial: bool
    status: str
    message: str
    district: District | None = None
    # Warwickshire districts a partial postcode may be in; the practitioner chooses.
    candidates: tuple[District, ...] = ()
    # Authorities outside Warwickshire the postcode is in, or (partial) may be in.
    outside_la_codes: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return PostcodeStatus(self.status).label

    @property
    def in_county(self) -> bool | None:
        if self.status == PostcodeStatus.IN_COUNTY:
            return True
        if self.status == PostcodeStatus.OUTSIDE_COUNTY:
            return False
        return None

    @property
    def la_code(self) -> str:
        """The local authority's ONS code, when there is exactly one."""
        if self.district is not None:
            return self.district.ons_code
        if self.status == PostcodeStatus.OUTSIDE_COUNTY and len(self.outside_la_codes) == 1:
            return self.outside_la_codes[0]
        return ""

    @property
    def area(self):
        return self.district.area if self.district else None


def _unit_la_code(sector: PostcodeSector, unit: str) -> str:
    units = [sector.units[i : i + 2] for i in range(0, len(sector.units), 2)]
    position = bisect_left(units, unit)
    if position == len(units) or units[position] != unit:
        return ""
    la_codes = sector.la_codes.split()
    return la_codes[ord(sector.la_index[position]) - 48] if sector.la_index else la_codes[0]


def _sector_la_codes(sector: PostcodeSector, unit_start: str) -> set[str]:
    la_codes = sector.la_codes.split()
    if not sector.la_index:
        return set(la_codes) if not unit_start or unit_start in sector.units[::2] else set()
    return {
        la_codes[ord(sector.la_index[n]) - 48]
        for n in range(len(sector.la_index))
        if sector.units[2 * n : 2 * n + 2].startswith(unit_start)
    }


def _districts(la_codes) -> list[District]:
    districts = list(District.objects.select_related("area").filter(ons_code__in=la_codes))
    if len(districts) != len(set(la_codes)):
        raise ImproperlyConfigured("A Warwickshire district is missing: run load_reference_data")
    return districts


def _name_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


# A full postcode is the hot path (goal: p95 <= 2 ms, bench/locality_postcodes.py): one
# indexed round trip, written out in SQL, answers both "which district?" and, failing that,
# "which authority outside?". The ORM's query building alone costs more than the query when
# the server is busy.
FULL_POSTCODE_SQL = """
    SELECT district.id, district.ons_code, district.name, area.id, area.code, area.name,
        sector.units, sector.la_codes, sector.la_index
    FROM (SELECT %s AS postcode, %s AS sector) AS wanted
    LEFT JOIN locality_postcode postcode ON postcode.postcode = wanted.postcode
    LEFT JOIN locality_district district ON district.ons_code = postcode.la_code
    LEFT JOIN locality_area area ON area.id = district.area_id
    LEFT JOIN locality_postcodesector sector ON sector.sector = wanted.sector
"""


def _full_postcode_lookup(text: str, query: PostcodeQuery) -> PostcodeLookup:
    with connection.cursor() as cursor:
        cursor.execute(FULL_POSTCODE_SQL, [query.text, query.sector])
        row = cursor.fetchone()
    if row[0] is not None:
        area = Area(id=row[3], code=row[4], name=row[5])
        district = District(id=row[0], ons_code=row[1], name=row[2], area=area)
        return PostcodeLookup(
            query=text,
            postcode=query.text,
            is_partial=False,
            status=PostcodeStatus.IN_COUNTY,
            message=f"{query.text} is in {district.name}, in the {district.area.name} area.",
            district=district,
        )
    la_code = ""
    if row[6] is not None:
        sector = PostcodeSector(units=row[6], la_codes=row[7], la_index=row[8])
        la_code = _unit_la_code(sector, query.unit)
    if la_code in warwickshire_la_codes():
        raise ImproperlyConfigured(f"{query.text} is missing: run load_postcodes")
    if la_code:
        return PostcodeLookup(
            query=text,
            postcode=query.text,
            is_partial=False,
            status=PostcodeStatus.OUTSIDE_COUNTY,
            message=f"{query.text} is outside Warwickshire, in local authority {la_code}. "
            "The case transfers to the child's home authority.",
            outside_la_codes=(la_code,),
        )
    return PostcodeLookup(
        query=text,
        postcode=query.text,
        is_partial=False,
        status=PostcodeStatus.NOT_FOUND,
        message=f"{query.text} is not in the ONS Postcode Directory. Check it with the caller, "
        f"or enter the first part, like {query.outward_code}, and choose the district.",
    )


def _partial_postcode_lookup(text: str, query: PostcodeQuery) -> PostcodeLookup:
    in_county = Postcode.objects.filter(outward_code=query.outward_code)
    sectors = PostcodeSector.objects.filter(outward_code=query.outward_code)
    if query.inward:
        in_county = in_county.filter(sector=query.sector, postcode__startswith=query.text)
        sectors = sectors.filter(sector=query.sector)
    la_codes = set(in_county.order_by().values_list("la_code", flat=True).distinct())
    outside = set()
    for sector in sectors:
        outside |= _sector_la_codes(sector, query.unit)
    outside = tuple(sorted(outside - warwickshire_la_codes()))
    districts = sorted(_districts(la_codes), key=lambda district: district.name)
    start = f"Postcodes starting {query.text}"
    if not districts and not outside:
        return PostcodeLookup(
            query=text,
            postcode=query.text,
            is_partial=True,
            status=PostcodeStatus.NOT_FOUND,
            message=f"No postcode in the ONS Postcode Directory starts {query.text}. "
            "Check it with the caller.",
        )
    if not districts:
        return PostcodeLookup(
            query=text,
            postcode=query.text,
            is_partial=True,
            status=PostcodeStatus.OUTSIDE_COUNTY,
            message=f"{start} are outside Warwickshire, in local authority "
            f"{_name_list(list(outside))}. The case transfers to the child's home authority.",
            outside_la_codes=outside,
        )
    if len(districts) == 1 and not outside:
        district = districts[0]
        return PostcodeLookup(
            query=text,
            postcode=query.text,
            is_partial=True,
            status=PostcodeStatus.IN_COUNTY,
            message=f"{start} are all in {district.name}, in the {district.area.name} area.",
            district=district,
            candidates=(district,),
        )
    places = [district.name for district in districts]
    if outside:
        places.append(f"outside Warwickshire ({', '.join(outside)})")
    return PostcodeLookup(
        query=text,
        postcode=query.text,
        is_partial=True,
        status=PostcodeStatus.CHOOSE_DISTRICT,
        message=f"{start} can be in {_name_list(places)}. Choose the district, "
        "or enter the full postcode.",
        candidates=tuple(districts),
        outside_la_codes=outside,
    )


def postcode_lookup(*, text: str) -> PostcodeLookup:
    """Where a full or partial postcode is: one Warwickshire district, a choice of districts,
    outside Warwickshire (with the local authority), not in the directory, or not a postcode."""
    try:
        query = postcode_parse(text)
    except PostcodeInvalid as error:
        return PostcodeLookup(
            query=text,
            postcode="",
            is_partial=False,
            status=PostcodeStatus.INVALID,
            message=str(error),
        )
    if query.is_full:
        return _full_postcode_lookup(text, query)
    return _partial_postcode_lookup(text, query)


# --- Routing ---------------------------------------------------------------------------------


class RoutingInputError(ValueError):
    """The routing inputs cannot be decided on. ``field`` names the input, str() the message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TeamCandidate:
    district: District
    team: Team | None


@dataclass(frozen=True)
class RoutingResult:
    team: Team | None
    reasons: list[str]
    rule: RoutingRule | None = None
    # When the postcode could be in more than one district: the team for each.
    candidates: list[TeamCandidate] = field(default_factory=list)
    outside_county: bool = False
    la_code: str = ""
    district: District | None = None
    age_years: int | None = None
    is_unborn: bool = False
    postcode: PostcodeLookup | None = None

    @property
    def needs_district_choice(self) -> bool:
        return bool(self.candidates) and self.district is None


def age_in_years(*, date_of_birth: date, on: date) -> int:
    """Whole years on ``on``. A child born on 29 February is a year older on 1 March in a
    year without one."""
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def routing_rule_fits(
    rule: RoutingRule,
    *,
    level: str,
    main_concern: str,
    age_years: int | None,
    severe_disability: bool,
) -> bool:
    if rule.levels and level not in rule.levels:
        return False
    if rule.main_concern_kinds and main_concern not in rule.main_concern_kinds:
        return False
    if rule.min_age_years is not None and (age_years is None or age_years < rule.min_age_years):
        return False
    return not (rule.requires_severe_disability and not severe_disability)


def _teams_for(rule: RoutingRule, district: District) -> list[Team]:
    teams = Team.objects.filter(team_type=rule.team_type, is_active=True)
    if rule.team_chosen_by == TeamChosenBy.AREA:
        teams = teams.filter(areas=district.area)
    elif rule.team_chosen_by == TeamChosenBy.DISTRICT:
        teams = teams.filter(district=district)
    return list(teams.distinct().order_by("name"))


def _check_inputs(*, date_of_birth, expected_date_of_birth, level, concerns, on) -> None:
    if date_of_birth and expected_date_of_birth:
        raise RoutingInputError(
            "expected_date_of_birth",
            "Enter either the date of birth or, for an unborn child, the expected date of "
            "birth, not both",
        )
    if not date_of_birth and not expected_date_of_birth:
        raise RoutingInputError(
            "date_of_birth",
            "Enter the child's date of birth or, for an unborn child, the expected date of birth",
        )
    if date_of_birth and date_of_birth > on:
        raise RoutingInputError("date_of_birth", "Date of birth must be today or in the past")
    if date_of_birth and age_in_years(date_of_birth=date_of_birth, on=on) >= ADULT_AGE:
        # Family Help and the MACPT work with children: an adult is never routed to them.
        raise RoutingInputError(
            "date_of_birth",
            f"Routing is for children. This person is {ADULT_AGE} or over on "
            f"{date_format(on, 'j F Y')}, so no children's team takes them",
        )
    if level not in RoutingLevel.values:
        raise RoutingInputError("level", "Choose the Spectrum of Support level")
    unknown = [concern for concern in concerns if concern not in ConcernKind.values]
    if unknown:
        raise RoutingInputError(
            "concerns", f"Choose kinds of concern from the list, not {unknown[0]}"
        )


def _where_reason(lookup: PostcodeLookup, district: District | None, is_unborn: bool) -> str:
    if district is not None and lookup.district is None:
        where = f"The practitioner chose {district.name}, in the {district.area.name} area, for {lookup.postcode}."
    else:
        where = lookup.message
    if is_unborn:
        return f"The child is not born yet, so the case goes by the expectant parent's address: {where}"
    return where


def routing_resolve(
    *,
    postcode: str,
    level: str,
    concerns: Sequence[str] = (),
    severe_disability: bool = False,
    date_of_birth: date | None = None,
    expected_date_of_birth: date | None = None,
    district_code: str = "",
    on: date | None = None,
) -> RoutingResult:
    """Which team takes the case, and why, in plain words.

    ``concerns`` lists the kinds of concern with the main concern first. For an unborn child,
    pass the expectant parent's postcode and the expected date of birth. When the postcode is
    partial and covers more than one district, the result lists a candidate team per district;
    call again with the ``district_code`` the practitioner chose. The rules are read afresh on
    every call, so an administrator's change applies to the next decision.
    """
    on = on or timezone.localdate()
    concerns = list(concerns)
    _check_inputs(
        date_of_birth=date_of_birth,
        expected_date_of_birth=expected_date_of_birth,
        level=level,
        concerns=concerns,
        on=on,
    )
    is_unborn = date_of_birth is None
    age_years = None if is_unborn else age_in_years(date_of_birth=date_of_birth, on=on)
    lookup = postcode_lookup(text=postcode)
    if lookup.status in (PostcodeStatus.INVALID, PostcodeStatus.NOT_FOUND):
        raise RoutingInputError("postcode", lookup.message)
    if lookup.status == PostcodeStatus.OUTSIDE_COUNTY:
        return RoutingResult(
            team=None,
            reasons=[_where_reason(lookup, None, is_unborn)],
            outside_county=True,
            la_code=lookup.la_code,
            age_years=age_years,
            is_unborn=is_unborn,
            postcode=lookup,
        )

    district = lookup.district
    if district is None and district_code:
        district = next((d for d in lookup.candidates if d.ons_code == district_code), None)
        if district is None:
            raise RoutingInputError(
                "district", f"Choose one of the districts {lookup.postcode} can be in"
            )
    reasons = [_where_reason(lookup, district, is_unborn)]
    if is_unborn:
        reasons.append(
            f"Expected on {date_format(expected_date_of_birth, 'j F Y')}; rules with a minimum "
            "age do not apply before birth."
        )
    else:
        reasons.append(
            f"The child is {age_years} on {date_format(on, 'j F Y')}, the day of this decision."
        )

    rule = routing_rule_for(
        level=level,
        main_concern=concerns[0] if concerns else "",
        age_years=age_years,
        severe_disability=severe_disability,
    )
    common = {
        "rule": rule,
        "district": district,
        "la_code": district.ons_code if district else "",
        "age_years": age_years,
        "is_unborn": is_unborn,
        "postcode": lookup,
    }
    if rule is None:
        reasons.append(
            "No routing rule fits this child: a Family Connect manager decides the team."
        )
        return RoutingResult(team=None, reasons=reasons, **common)
    reasons.append(rule.reason)
    if not rule.team_type:
        return RoutingResult(team=None, reasons=reasons, **common)
    if district is None:
        return _resolve_across_candidates(rule, lookup, reasons, common)
    return _resolve_in_district(rule, district, reasons, common)


def routing_rule_for(
    *, level: str, main_concern: str, age_years: int | None, severe_disability: bool
) -> RoutingRule | None:
    """The first active rule, in position order, that fits."""
    for rule in RoutingRule.objects.filter(is_active=True).order_by("position"):
        if routing_rule_fits(
            rule,
            level=level,
            main_concern=main_concern,
            age_years=age_years,
            severe_disability=severe_disability,
        ):
            return rule
    return None


def _resolve_in_district(rule, district, reasons, common) -> RoutingResult:
    teams = _teams_for(rule, district)
    served = _served(rule, district)
    if len(teams) == 1:
        reasons.append(f"{teams[0].name} serves {served}.")
        return RoutingResult(team=teams[0], reasons=reasons, **common)
    team_type = TeamType(rule.team_type).label
    if teams:
        names = ", ".join(team.name for team in teams)
        reasons.append(
            f"More than one active team of the type “{team_type}” serves {served} ({names}): "
            "a Family Connect manager chooses."
        )
    else:
        reasons.append(
            f"No active team of the type “{team_type}” serves {served}: "
            "a Family Connect manager decides the team."
        )
    return RoutingResult(team=None, reasons=reasons, **common)


def _resolve_across_candidates(rule, lookup, reasons, common) -> RoutingResult:
    """A partial postcode in more than one district: the team for each, unless they agree."""
    candidates = []
    for district in lookup.candidates:
        teams = _teams_for(rule, district)
        candidates.append(
            TeamCandidate(district=district, team=teams[0] if len(teams) == 1 else None)
        )
    teams = {candidate.team for candidate in candidates}
    if len(teams) == 1 and None not in teams and not lookup.outside_la_codes:
        team = candidates[0].team
        reasons.append(f"Every district {lookup.postcode} can be in is served by {team.name}.")
        return RoutingResult(team=team, reasons=reasons, candidates=candidates, **common)
    choices = "; ".join(
        f"{candidate.district.name}: {candidate.team.name if candidate.team else 'no single team'}"
        for candidate in candidates
    )
    reasons.append(f"Choose the district to decide between {choices}.")
    return RoutingResult(team=None, reasons=reasons, candidates=candidates, **common)


def _served(rule: RoutingRule, district: District) -> str:
    if rule.team_chosen_by == TeamChosenBy.AREA:
        return f"the {district.area.name} area"
    if rule.team_chosen_by == TeamChosenBy.DISTRICT:
        return district.name
    return "the whole county"


# --- Reference lists -------------------------------------------------------------------------


def localities_list() -> models.QuerySet[District]:
    """The five localities (districts), each with its area and locality Family Help team."""
    family_help = Team.objects.filter(team_type=TeamType.FAMILY_HELP, is_active=True)
    return District.objects.select_related("area").prefetch_related(
        models.Prefetch("teams", queryset=family_help, to_attr="family_help_teams")
    )


def teams_list() -> models.QuerySet[Team]:
    return (
        Team.objects.filter(is_active=True)
        .select_related("district")
        .prefetch_related("areas")
        .order_by("name")
    )


def locality_team_for(district: District) -> Team | None:
    if hasattr(district, "family_help_teams"):
        teams = district.family_help_teams
    else:
        teams = list(district.teams.filter(team_type=TeamType.FAMILY_HELP, is_active=True))
    return teams[0] if teams else None
