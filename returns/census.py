"""The children in need census, straight from the records (docs/returns.md).

A CIN episode is one referral's line of work: the cases that share a child and a referral date
(a transfer or a re-route carries both on). An episode is "in need" when any of its cases worked
at Family Help or child protection level; Early Support work is early help (Annex A list 2) and
not in the census. Every child with an episode open at any time in the collection year is in the
return, with each such episode.

The XML is written child by child with ``lxml.etree.xmlfile``: children are read in chunks of
``CHUNK`` with one query per table per chunk, so memory stays flat however many children there
are. ``validate`` reads the file back (``iterparse``, one child at a time) into the tables the
DfE's validator (``csc-validator-be-cin``) works on and runs its rule set over them.
"""

import io
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from cases.models import Case, CaseLevel, CaseStatus
from pathway.models import Assessment, AssessmentKind, AssessmentVersion, VersionStatus
from people.models import Person
from plans.models import Plan, PlanLevel
from protection.models import (
    Conference,
    ConferenceKind,
    ConferenceStatus,
    EnquiryOutcome,
    EnquiryStatus,
    ProtectionPlan,
    Section47Enquiry,
)
from returns.providers import front_door_provider

CHUNK = 2000
LEA = "937"  # Warwickshire's DfE local authority number
SOFTWARE = "Family Connect"
CIN_ASSESSMENTS = [AssessmentKind.FAMILY_HELP, AssessmentKind.REASSESSMENT]


def collection_year(end_year: int) -> tuple[date, date]:
    """1 April to 31 March: ``end_year`` 2026 is the 2025-26 census."""
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)


def rule_set_for(end_year: int) -> str:
    return f"cin{end_year - 1}_{end_year % 100:02d}"


def _d(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def la_child_id(person_id, recorded: str) -> str:
    """The LA child ID (≤ 20 letters and digits, rules 1570 and 1580): the recorded one, or one
    made from the record's id."""
    if recorded and recorded.isalnum() and len(recorded) <= 20:
        return recorded
    return "FC" + person_id.hex[:18].upper()


# Gathering one chunk of children ------------------------------------------------------------


@dataclass
class Episode:
    """One referral's line of work as it stood on the census reference date: anything dated
    after the collection year has not happened yet, and modules that ended before the year
    started are not returned (DfE rules 8620, 8696, 8715, 8930, 4013)."""

    start: date
    end: date
    cases: list = field(default_factory=list)  # dicts, oldest first
    assessments: list = field(default_factory=list)
    cin_plans: list = field(default_factory=list)
    enquiries: list = field(default_factory=list)
    cp_plans: list = field(default_factory=list)

    @property
    def referral_date(self) -> date:
        return self.cases[0]["referral_date"]

    @property
    def last(self) -> dict:
        return self.cases[-1]

    @property
    def is_cin(self) -> bool:
        return any(case["level"] != CaseLevel.EARLY_SUPPORT for case in self.cases)

    @property
    def closure(self) -> tuple[date | None, str]:
        """When and why the episode closed (None while any case in it is open)."""
        last = self.last
        closed = None, ""
        if last["status"] == CaseStatus.CLOSED:
            closed = timezone.localdate(last["closed_at"]), last["closure_reason"]
        elif last["status"] == CaseStatus.SENT_BACK and last["front_door_resolved_at"]:
            # The team sent it back and Family Connect decided no team was needed.
            closed = timezone.localdate(last["front_door_resolved_at"]), "RC7"
        if closed[0] is not None and closed[0] > self.end:
            return None, ""  # still open on the reference date
        return closed

    @property
    def nfa(self) -> bool:
        if self.closure[0] is None:
            return False
        if any(case["referral_nfa"] for case in self.cases):
            return True
        last = self.last
        return last["status"] == CaseStatus.SENT_BACK and bool(last["front_door_resolved_at"])

    @property
    def primary_need(self) -> str:
        for case in reversed(self.cases):
            if case["primary_need"]:
                return case["primary_need"]
        return ""


CASE_FIELDS = [
    "id",
    "child_id",
    "team__name",
    "allocated_to__first_name",
    "allocated_to__last_name",
    "level",
    "status",
    "referral_date",
    "opened_at",
    "closed_at",
    "closure_reason",
    "front_door_resolved_at",
    "primary_need",
    "referral_nfa",
    "opened_by_id",
    "first_referral_id",
    "re_referral_of_id",
]


def episodes_for(
    child_ids, *, start: date, end: date, cin_only: bool = True, modules: bool = True
) -> dict:
    """``{child id: [Episode, ...]}`` for the episodes open at some time between the dates,
    with their assessments, plans, enquiries and child protection plans: one query a table."""
    cases = (
        Case.objects.filter(child_id__in=child_ids, referral_date__lte=end)
        .order_by("child_id", "referral_date", "opened_at")
        .values(*CASE_FIELDS)
    )
    by_key: dict = {}
    for case in cases:
        key = (case["child_id"], case["referral_date"])
        by_key.setdefault(key, Episode(start=start, end=end)).cases.append(case)
    episodes: dict = defaultdict(list)
    case_episode: dict = {}
    for (child_id, _), episode in by_key.items():
        closed_on, _ = episode.closure
        if closed_on is not None and closed_on < start:
            continue
        if cin_only and not episode.is_cin:
            continue
        episodes[child_id].append(episode)
        for case in episode.cases:
            case_episode[case["id"]] = episode
    if not case_episode or not modules:  # Annex A list 6 needs only the cases
        return episodes
    case_ids = list(case_episode)
    assessments = list(
        Assessment.objects.filter(case_id__in=case_ids, kind__in=CIN_ASSESSMENTS)
        .order_by("start_date", "started_at")
        .values("id", "case_id", "start_date", "authorised_date", "due_date")
    )
    factors: dict = {}
    signed = (
        AssessmentVersion.objects.filter(
            assessment_id__in=[a["id"] for a in assessments], status=VersionStatus.SIGNED_OFF
        )
        .order_by("assessment_id", "number")
        .values_list("assessment_id", "factors")
    )
    for assessment_id, chosen in signed:  # the latest signed-off version wins
        factors[assessment_id] = chosen
    for assessment in assessments:
        if assessment["start_date"] > end:
            continue
        if assessment["authorised_date"] and assessment["authorised_date"] > end:
            assessment["authorised_date"] = None  # not yet authorised on the reference date
        if assessment["authorised_date"] and assessment["authorised_date"] < start:
            continue  # finished before the year
        assessment["factors"] = factors.get(assessment["id"], [])
        case_episode[assessment["case_id"]].assessments.append(assessment)
    for plan in (
        Plan.objects.filter(case_id__in=case_ids, level=PlanLevel.FAMILY_HELP)
        .order_by("started_on")
        .values("id", "case_id", "started_on", "ended_at")
    ):
        plan["ended_at"] = timezone.localdate(plan["ended_at"]) if plan["ended_at"] else None
        if plan["started_on"] > end or (plan["ended_at"] and plan["ended_at"] < start):
            continue
        if plan["ended_at"] and plan["ended_at"] > end:
            plan["ended_at"] = None
        case_episode[plan["case_id"]].cin_plans.append(plan)
    icpcs = {
        row["enquiry_id"]: row
        for row in Conference.objects.filter(
            case_id__in=case_ids, kind=ConferenceKind.INITIAL, status=ConferenceStatus.HELD
        ).values("id", "enquiry_id", "held_on", "decision")
    }
    for enquiry in (
        Section47Enquiry.objects.filter(case_id__in=case_ids)
        .order_by("start_date")
        .values(
            "id",
            "case_id",
            "start_date",
            "icpc_target_date",
            "status",
            "outcome",
            "completed_date",
            "strategy_discussion__held_at",
        )
    ):
        icpc = icpcs.get(enquiry["id"])
        if enquiry["start_date"] > end:
            continue
        if icpc and icpc["held_on"] > end:
            icpc = None
        if icpc and icpc["held_on"] < start:
            continue  # the enquiry and its conference were both before the year
        if enquiry["completed_date"] and enquiry["completed_date"] > end:
            enquiry["status"] = EnquiryStatus.OPEN  # still under way on the reference date
        enquiry["icpc"] = icpc
        case_episode[enquiry["case_id"]].enquiries.append(enquiry)
    reviews: dict = defaultdict(list)
    for plan_id, held_on in (
        Conference.objects.filter(
            case_id__in=case_ids, kind=ConferenceKind.REVIEW, status=ConferenceStatus.HELD
        )
        .order_by("held_on")
        .values_list("plan_id", "held_on")
    ):
        if start <= held_on <= end:
            reviews[plan_id].append(held_on)
    for plan in (
        ProtectionPlan.objects.filter(case_id__in=case_ids)
        .order_by("start_date")
        .values(
            "id",
            "case_id",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
        )
    ):
        if plan["start_date"] > end or (plan["end_date"] and plan["end_date"] < start):
            continue
        if plan["end_date"] and plan["end_date"] > end:
            plan["end_date"] = None
        plan["reviews"] = reviews.get(plan["id"], [])
        case_episode[plan["case_id"]].cp_plans.append(plan)
    return episodes


def children_in_period(*, start: date, end: date):
    """The ids of children with a case open at some time between the dates, in a stable order."""
    return (
        Case.objects.filter(referral_date__lte=end)
        .filter(
            Q(closed_at__isnull=True)
            | Q(closed_at__date__gte=start)
            | Q(status=CaseStatus.SENT_BACK, front_door_resolved_at__isnull=True)
        )
        .order_by("child_id")
        .values_list("child_id", flat=True)
        .distinct()
    )


def _chunks(ids, size=CHUNK):
    chunk = []
    for value in ids.iterator(chunk_size=size):
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


PERSON_FIELDS = [
    "id",
    "la_child_id",
    "upn",
    "date_of_birth",
    "expected_date_of_birth",
    "date_of_death",
    "sex",
    "ethnicity",
    "disabilities",
]


# Writing the XML ----------------------------------------------------------------------------


def _el(xf, tag: str, value) -> None:
    if value is None or value == "":
        return
    element = etree.Element(tag)
    element.text = str(value)
    xf.write(element)


def _age_on(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _child_identifiers(xf, person: dict, child_id: str, reference: date) -> None:
    with xf.element("ChildIdentifiers"):
        _el(xf, "LAchildID", child_id)
        upn = person["upn"]  # checked when it was recorded (people.identifiers.upn_normalise)
        _el(xf, "UPN", upn or None)
        if not upn:
            age = _age_on(person["date_of_birth"], reference)
            # UN1: not of school age (or not born yet). A school-age child with no UPN is left
            # without a reason for the worker to find (rule 8770Q), never given one we made up.
            if age is None or age < 5:
                _el(xf, "UPNunknown", "UN1")
        if person["date_of_birth"]:
            _el(xf, "PersonBirthDate", _d(person["date_of_birth"]))
        else:
            _el(xf, "ExpectedPersonBirthDate", _d(person["expected_date_of_birth"]))
        _el(xf, "Sex", person["sex"] or "U")
        _el(xf, "PersonDeathDate", _d(person["date_of_death"]))


def _child_characteristics(xf, person: dict) -> None:
    with xf.element("ChildCharacteristics"):
        _el(xf, "Ethnicity", person["ethnicity"] or "NOBT")
        if person["disabilities"]:
            with xf.element("Disabilities"):
                for code in dict.fromkeys(person["disabilities"]):
                    _el(xf, "Disability", code)


def _cin_details(xf, episode: Episode, sources: dict) -> None:
    first = episode.cases[0]
    closed_on, reason = episode.closure
    nfa = episode.nfa
    with xf.element("CINdetails"):
        _el(xf, "CINreferralDate", _d(episode.referral_date))
        referral = first["opened_by_id"] or first["first_referral_id"]
        _el(xf, "ReferralSource", sources.get(referral, "10"))
        _el(xf, "PrimaryNeedCode", episode.primary_need or (None if nfa else "N0"))
        _el(xf, "CINclosureDate", _d(closed_on))
        _el(xf, "ReasonForClosure", reason or None)
        _el(xf, "ReferralNFA", "true" if nfa else "false")
        for assessment in episode.assessments:
            with xf.element("Assessments"):
                _el(xf, "AssessmentActualStartDate", _d(assessment["start_date"]))
                _el(xf, "AssessmentAuthorisationDate", _d(assessment["authorised_date"]))
                if assessment["authorised_date"] and assessment["factors"]:
                    with xf.element("FactorsIdentifiedAtAssessment"):
                        for code in dict.fromkeys(assessment["factors"]):
                            _el(xf, "AssessmentFactors", code)
        for plan in episode.cin_plans:
            with xf.element("CINPlanDates"):
                _el(xf, "CINPlanStartDate", _d(plan["started_on"]))
                _el(xf, "CINPlanEndDate", _d(plan["ended_at"]))
        for enquiry in episode.enquiries:
            with xf.element("Section47"):
                _el(xf, "S47ActualStartDate", _d(enquiry["start_date"]))
                _el(xf, "InitialCPCtarget", _d(enquiry["icpc_target_date"]))
                icpc = enquiry["icpc"]
                _el(xf, "DateOfInitialCPC", _d(icpc["held_on"]) if icpc else None)
                not_required = (
                    enquiry["status"] == EnquiryStatus.COMPLETED
                    and enquiry["outcome"] != EnquiryOutcome.SUBSTANTIATED_ICPC
                )
                _el(xf, "ICPCnotRequired", "true" if not_required else "false")
        for plan in episode.cp_plans:
            with xf.element("ChildProtectionPlans"):
                _el(xf, "CPPstartDate", _d(plan["start_date"]))
                _el(xf, "CPPendDate", _d(plan["end_date"]))
                _el(xf, "InitialCategoryOfAbuse", plan["initial_category"])
                _el(xf, "LatestCategoryOfAbuse", plan["latest_category"])
                _el(xf, "NumberOfPreviousCPP", plan["previous_plans"])
                if plan["reviews"]:
                    with xf.element("Reviews"):
                        for held_on in plan["reviews"]:
                            _el(xf, "CPPreviewDate", _d(held_on))


@dataclass
class CensusResult:
    counts: dict
    # LAchildID -> what the validation report links to for that child.
    children: dict


def write_census(
    out,
    *,
    end_year: int,
    serial: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> CensusResult:
    """Write the census XML for the collection year ending 31 March ``end_year`` to the binary
    file ``out``; return the counts per module and, for each child, the records behind it."""
    start, end = collection_year(end_year)
    child_ids = children_in_period(start=start, end=end)
    total = child_ids.count()
    counts = dict.fromkeys(
        ["children", "referrals", "assessments", "cin_plans", "section_47", "cp_plans"], 0
    )
    children: dict = {}
    provider = front_door_provider()
    done = 0
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            with xf.element("Header"):
                with xf.element("CollectionDetails"):
                    _el(xf, "Collection", "CIN")
                    _el(xf, "Year", end_year)
                    _el(xf, "ReferenceDate", end.isoformat())
                with xf.element("Source"):
                    _el(xf, "SourceLevel", "L")
                    _el(xf, "LEA", LEA)
                    _el(xf, "SoftwareCode", SOFTWARE)
                    _el(xf, "Release", "1")
                    _el(xf, "SerialNo", serial)
                    _el(xf, "DateTime", timezone.now().replace(microsecond=0).isoformat())
            with xf.element("Children"):
                for chunk in _chunks(child_ids):
                    episodes = episodes_for(chunk, start=start, end=end)
                    referral_ids = {
                        episode.cases[0]["opened_by_id"] or episode.cases[0]["first_referral_id"]
                        for child in episodes.values()
                        for episode in child
                    } - {None}
                    sources = provider.referral_sources(referral_ids)
                    people = Person.objects.filter(pk__in=list(episodes)).values(*PERSON_FIELDS)
                    for person in sorted(people, key=lambda p: p["id"]):
                        child_episodes = episodes[person["id"]]
                        child_id = la_child_id(person["id"], person["la_child_id"])
                        children[child_id] = {
                            "person": str(person["id"]),
                            "episodes": [
                                {
                                    "case": str(e.last["id"]),
                                    "cases": [str(c["id"]) for c in e.cases],
                                    "assessments": [str(a["id"]) for a in e.assessments],
                                    "cin_plans": [str(p["id"]) for p in e.cin_plans],
                                    "enquiries": [str(s["id"]) for s in e.enquiries],
                                    "cp_plans": [str(p["id"]) for p in e.cp_plans],
                                }
                                for e in child_episodes
                            ],
                        }
                        with xf.element("Child"):
                            _child_identifiers(xf, person, child_id, end)
                            _child_characteristics(xf, person)
                            for episode in child_episodes:
                                _cin_details(xf, episode, sources)
                                counts["referrals"] += 1
                                counts["assessments"] += len(episode.assessments)
                                counts["cin_plans"] += len(episode.cin_plans)
                                counts["section_47"] += len(episode.enquiries)
                                counts["cp_plans"] += len(episode.cp_plans)
                        counts["children"] += 1
                        xf.flush()
                    done += len(chunk)
                    if progress:
                        progress(done, total)
    return CensusResult(counts=counts, children=children)


def census_bytes(*, end_year: int, serial: int = 1, progress=None) -> tuple[bytes, CensusResult]:
    buffer = io.BytesIO()
    result = write_census(buffer, end_year=end_year, serial=serial, progress=progress)
    return buffer.getvalue(), result


# Validating with the DfE's rules ------------------------------------------------------------

# The validator's tables and their columns (cin_validator.ingress.XMLtoCSV), read here with
# iterparse: the validator's own reader appends a row at a time to pandas frames, which takes
# hours at 40,000 children.
TABLES = {
    "ChildIdentifiers": [
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
    ],
    "ChildCharacteristics": ["LAchildID", "Ethnicity"],
    "Disabilities": ["LAchildID", "Disability"],
    "CINdetails": [
        "LAchildID",
        "CINdetailsID",
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
    ],
    "Assessments": [
        "LAchildID",
        "CINdetailsID",
        "AssessmentID",
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "AssessmentFactors",
    ],
    "AssessmentFactorsList": ["LAchildID", "CINdetailsID", "AssessmentID", "AssessmentFactor"],
    "CINplanDates": ["LAchildID", "CINdetailsID", "CINPlanStartDate", "CINPlanEndDate"],
    "Section47": [
        "LAchildID",
        "CINdetailsID",
        "S47ActualStartDate",
        "InitialCPCtarget",
        "DateOfInitialCPC",
        "ICPCnotRequired",
    ],
    "ChildProtectionPlans": [
        "LAchildID",
        "CINdetailsID",
        "CPPID",
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
    ],
    "Reviews": ["LAchildID", "CINdetailsID", "CPPID", "CPPreviewDate"],
}
HEADER = ["Collection", "Year", "ReferenceDate", "SourceLevel", "LEA"]
HEADER += ["SoftwareCode", "Release", "SerialNo", "DateTime"]


def _values(element, columns, **ids) -> dict:
    row = dict.fromkeys(columns)
    row.update(ids)
    for column in columns:
        if column not in ids:
            found = element.find(column)
            row[column] = found.text if found is not None else None
    return row


def read_tables(source) -> dict:
    """The validator's tables (as lists of dicts) from a census file, one child at a time."""
    rows = {name: [] for name in TABLES}
    header: dict = {}
    for _, element in etree.iterparse(source, events=("end",), tag=("Header", "Child")):
        if element.tag == "Header":
            for tag in HEADER:
                found = element.find(f".//{tag}")
                header[tag] = found.text if found is not None else None
            element.clear()
            continue
        identifiers = element.find("ChildIdentifiers")
        row = _values(identifiers, TABLES["ChildIdentifiers"])
        child_id = row["LAchildID"]
        rows["ChildIdentifiers"].append(row)
        characteristics = element.find("ChildCharacteristics")
        rows["ChildCharacteristics"].append(
            _values(characteristics, TABLES["ChildCharacteristics"], LAchildID=child_id)
        )
        for disability in characteristics.iterfind("Disabilities/Disability"):
            rows["Disabilities"].append({"LAchildID": child_id, "Disability": disability.text})
        for n, details in enumerate(element.iterfind("CINdetails"), start=1):
            ids = {"LAchildID": child_id, "CINdetailsID": n}
            rows["CINdetails"].append(_values(details, TABLES["CINdetails"], **ids))
            for a, assessment in enumerate(details.iterfind("Assessments"), start=1):
                factors = [f.text for f in assessment.iterfind("FactorsIdentifiedAtAssessment/*")]
                row = _values(
                    assessment,
                    [c for c in TABLES["Assessments"] if c != "AssessmentFactors"],
                    AssessmentID=a,
                    **ids,
                )
                row["AssessmentFactors"] = factors or None
                rows["Assessments"].append(row)
                for factor in factors:
                    rows["AssessmentFactorsList"].append(
                        {**ids, "AssessmentID": a, "AssessmentFactor": factor}
                    )
            for plan in details.iterfind("CINPlanDates"):
                rows["CINplanDates"].append(_values(plan, TABLES["CINplanDates"], **ids))
            for section in details.iterfind("Section47"):
                rows["Section47"].append(_values(section, TABLES["Section47"], **ids))
            for p, plan in enumerate(details.iterfind("ChildProtectionPlans"), start=1):
                rows["ChildProtectionPlans"].append(
                    _values(plan, TABLES["ChildProtectionPlans"], CPPID=p, **ids)
                )
                for review in plan.iterfind("Reviews/CPPreviewDate"):
                    rows["Reviews"].append({**ids, "CPPID": p, "CPPreviewDate": review.text})
        element.clear()
    return {"Header": [header], **rows}


def validate(source, *, rule_set: str) -> dict:
    """Run the DfE rule set over a census file. Returns the rule set, how many rules ran and
    their kinds, the issues (one per child, rule and field), and the return-level issues."""
    import importlib

    import pandas as pd
    from cin_validator.cin_validator import CinValidator, process_data
    from cin_validator.rule_engine import RuleType

    tables = read_tables(source)
    frames = {
        name: pd.DataFrame(rows, columns=HEADER if name == "Header" else TABLES[name])
        for name, rows in tables.items()
    }
    # The validator's reader leaves text and missing values as pandas' NA.
    frames = {
        name: frame.astype(object).where(frame.notna(), pd.NA) for name, frame in frames.items()
    }
    # (The ids stay Python ints in object columns, as the validator's reader leaves them: rule
    # 8565 merges them with a table of its own whose ids are text.)
    data = process_data(frames)
    registry = importlib.import_module(f"cin_validator.rules.{rule_set}").registry
    rules = {str(rule.code): rule for _, rule in registry.items()}
    with warnings.catch_warnings():  # the rules' pandas idioms warn about pandas 2
        warnings.simplefilter("ignore", FutureWarning)
        validator = CinValidator(data, registry)
    issues = []
    seen: dict = {}
    report = validator.full_issue_df
    for row in report.itertuples(index=False):
        code = str(row.rule_code)
        rule = rules.get(code)
        row_id = int(row.row_id) if not pd.isna(row.row_id) else None
        source = {}
        if row_id is not None and str(row.tables_affected) in tables:
            table_rows = tables[str(row.tables_affected)]
            source = table_rows[row_id] if row_id < len(table_rows) else {}
        key = (row.child_id, code, str(row.tables_affected), source.get("CINdetailsID"), row_id)
        if key in seen:  # one issue per rule and record, naming every field it looked at
            fields = seen[key]["field"].split(", ")
            if str(row.columns_affected) not in fields:
                seen[key]["field"] = ", ".join([*fields, str(row.columns_affected)])
            continue
        seen[key] = issue = {
            "episode": source.get("CINdetailsID"),
            "item": source.get("AssessmentID") or source.get("CPPID"),
            "child": None if pd.isna(row.child_id) else str(row.child_id),
            "rule": code,
            "kind": "query" if rule and rule.rule_type == RuleType.QUERY else "error",
            "message": rule.message if rule else str(row.rule_description),
            "table": str(row.tables_affected),
            "field": str(row.columns_affected),
            "row": row_id,
        }
        issues.append(issue)
    return_level = [
        {
            "rule": str(row.rule_code),
            "kind": "query"
            if rules.get(str(row.rule_code))
            and rules[str(row.rule_code)].rule_type == RuleType.QUERY
            else "error",
            "message": str(row.rule_description),
        }
        for row in validator.multichild_issues.drop_duplicates().itertuples(index=False)
    ]
    issues.sort(key=lambda issue: (issue["kind"], issue["child"] or "", issue["rule"]))
    return {
        "rule_set": rule_set,
        "rules": len(rules),
        "rule_kinds": {
            "errors": sum(1 for r in rules.values() if r.rule_type == RuleType.ERROR),
            "queries": sum(1 for r in rules.values() if r.rule_type == RuleType.QUERY),
        },
        "rules_failed": sorted(set(map(str, validator.rules_broken))),
        "issues": issues,
        "return_level": return_level,
        # Counted once per child and rule, however many fields or tables the rule names.
        "errors": len({(i["child"], i["rule"]) for i in issues if i["kind"] == "error"})
        + sum(1 for i in return_level if i["kind"] == "error"),
        "queries": len({(i["child"], i["rule"]) for i in issues if i["kind"] == "query"})
        + sum(1 for i in return_level if i["kind"] == "query"),
    }


# Where to fix what a rule found -------------------------------------------------------------

PERSON_TABLES = {"ChildIdentifiers", "ChildCharacteristics", "Disabilities", "Header"}


def fix_link(issue: dict, children: dict) -> str:
    """The page where the record behind an issue is put right."""
    child = children.get(issue.get("child") or "")
    if not child:
        return ""
    table = issue["table"]
    if table in PERSON_TABLES or not child["episodes"]:
        return reverse("people:person-detail", kwargs={"person_id": child["person"]})
    number = issue.get("episode") or 1
    episode = child["episodes"][min(number, len(child["episodes"])) - 1]
    item = (issue.get("item") or 1) - 1
    if table in {"Section47", "ChildProtectionPlans", "Reviews"}:
        return reverse("protection:case", kwargs={"case_id": episode["case"]})
    if table in {"Assessments", "AssessmentFactorsList"} and episode["assessments"]:
        chosen = episode["assessments"][min(item, len(episode["assessments"]) - 1)]
        return reverse("pathway:assessment", kwargs={"assessment_id": chosen})
    if table == "CINplanDates" and episode["cin_plans"]:
        return reverse("plans:plan", kwargs={"plan_id": episode["cin_plans"][0]})
    return reverse("cases:case", kwargs={"case_id": episode["case"]})
