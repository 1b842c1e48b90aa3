"""Ofsted's Annex A lists 1 to 7, as a spreadsheet, straight from the records (docs/returns.md).

One sheet per list, in Ofsted's column order and headings, with the lettered values of the
Annex A data map. Each list is one query over its records in the window (joined to the child and
the case), read with ``iterator()`` and written by openpyxl's write-only workbook, so memory stays
flat however many rows there are.
"""

import io
from collections.abc import Callable
from datetime import date

from django.db.models import DateField, Exists, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from openpyxl import Workbook

from cases.models import (
    VISIT_KINDS,
    Case,
    CaseLevel,
    CaseNote,
    ClosureReason,
    PrimaryNeed,
)
from pathway.models import Assessment, AssessmentKind, AssessmentVersion, VersionStatus
from plans.models import Plan, PlanLevel, PlanStatus
from protection.models import (
    CategoryOfAbuse,
    Conference,
    ConferenceDecision,
    ConferenceKind,
    ConferenceStatus,
    EnquiryOutcome,
    EnquiryStatus,
    ProtectionPlan,
    Section47Enquiry,
)
from protection.models import (
    PlanStatus as ProtectionPlanStatus,
)
from returns.census import la_child_id
from returns.providers import front_door_provider

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
GENDER = {"M": "a) Male", "F": "b) Female"}
ETHNICITIES = ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND"]
ETHNICITIES += ["APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"]
ETHNICITY = {code: f"{chr(ord('a') + n)}) {code}" for n, code in enumerate(ETHNICITIES)}
SOURCES = [
    ("a", "1A", "Individual"),
    ("b", "1B", "Individual"),
    ("c", "1C", "Individual"),
    ("d", "1D", "Individual"),
    ("e", "2A", "Schools"),
    ("f", "2B", "Education services"),
    ("g", "3A", "Health services"),
    ("h", "3B", "Health services"),
    ("i", "3C", "Health services"),
    ("j", "3D", "Health services"),
    ("k", "3E", "Health services"),
    ("l", "3F", "Health services"),
    ("m", "4", "Housing"),
    ("n", "5A", "LA services"),
    ("o", "5B", "LA services"),
    ("p", "5C", "LA services"),
    ("p1", "5D", "LA services"),
    ("q", "6", "Police"),
    ("r", "7", "Other legal agency"),
    ("s", "8", "Other"),
    ("t", "9", "Anonymous"),
    ("u", "10", "Unknown"),
]
SOURCE = {code: f"{letter}) {code}: {label}" for letter, code, label in SOURCES}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
CATEGORY = {
    CategoryOfAbuse.NEG: "a) Neglect",
    CategoryOfAbuse.PHY: "b) Physical abuse",
    CategoryOfAbuse.SAB: "c) Sexual abuse",
    CategoryOfAbuse.EMO: "d) Emotional abuse",
    CategoryOfAbuse.MUL: "e) Multiple/not recommended",
}
PRIMARY_NEED = {code: label.replace(": ", " - ", 1) for code, label in PrimaryNeed.choices}
CLOSURE = {code: label.replace(": ", " - ", 1) for code, label in ClosureReason.choices}

HEADERS = {
    "List 1": COMMON + ["Date of Contact", "Contact Source"],
    "List 2": COMMON
    + ["Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    "List 3": COMMON
    + [
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 4": COMMON
    + [
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 5": COMMON
    + [
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 6": COMMON
    + [
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 7": COMMON
    + [
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
}
TITLES = {
    "List 1": "Contacts",
    "List 2": "Early help",
    "List 3": "Referrals",
    "List 4": "Assessments",
    "List 5": "Section 47 and ICPC",
    "List 6": "Children in need",
    "List 7": "Child protection",
}


def _date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def _age(born, on: date):
    if born is None:
        return ""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _disability(codes) -> str:
    if not codes:
        return UNKNOWN
    return NO if list(codes) == ["NONE"] else YES


def _yes_no(value) -> str:
    if value is None:
        return ""
    return YES if value else NO


def _year_before(on: date) -> date:
    try:
        return on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        return on.replace(year=on.year - 1, day=28)


CHILD = ["id", "la_child_id", "sex", "ethnicity", "date_of_birth", "disabilities"]


def _child_values(prefix: str) -> list[str]:
    return [f"{prefix}{name}" for name in CHILD]


def _common(row: dict, prefix: str, end: date) -> list:
    born = row[f"{prefix}date_of_birth"]
    return [
        la_child_id(row[f"{prefix}id"], row[f"{prefix}la_child_id"]),
        GENDER.get(row[f"{prefix}sex"], "c) Not stated/recorded"),
        ETHNICITY.get(row[f"{prefix}ethnicity"] or "NOBT"),
        _date(born),
        _age(born, end),
    ]


def _case_worker(prefix: str = ""):
    return Concat(
        F(f"{prefix}allocated_to__first_name"), Value(" "), F(f"{prefix}allocated_to__last_name")
    )


def list_1(start: date, end: date):
    from people.models import Person

    contacts = front_door_provider().contacts(start, end)
    batch: list = []

    def flush():
        people = {
            p["id"]: p for p in Person.objects.filter(pk__in=[c[0] for c in batch]).values(*CHILD)
        }
        for person_id, on, source in batch:
            person = people.get(person_id)
            if person is None:
                continue
            yield _common(person, "", end) + [_date(on), SOURCE.get(source, SOURCE["10"])]

    for contact in contacts:
        batch.append(contact)
        if len(batch) == 5000:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def list_2(start: date, end: date):
    rows = (
        Assessment.objects.filter(kind=AssessmentKind.EARLY_SUPPORT, start_date__lte=end)
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gte=start))
        .order_by("start_date", "id")
        .values(
            *_child_values("case__child__"), "start_date", "authorised_date", "case__team__name"
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield _common(row, "case__child__", end) + [
            _date(row["start_date"]),
            _date(row["authorised_date"]),
            row["case__team__name"],
        ]


def _cin_level(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}level": CaseLevel.EARLY_SUPPORT})


def list_3(start: date, end: date):
    """Referrals: the cases opened by a front-door referral at Family Help or child protection
    level in the window."""
    rows = (
        Case.objects.filter(opened_by__isnull=False, referral_date__range=(start, end))
        .filter(_cin_level())
        .order_by("referral_date", "id")
    )
    provider = front_door_provider()
    batch: list = []
    for row in rows.values(
        *_child_values("child__"),
        "id",
        "child_id",
        "referral_date",
        "opened_by_id",
        "referral_nfa",
        "team__name",
        worker=_case_worker(),
    ).iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == 2000:
            yield from _list_3_rows(batch, provider, end)
            batch = []
    if batch:
        yield from _list_3_rows(batch, provider, end)


def _list_3_rows(batch, provider, end):
    sources = provider.referral_sources({row["opened_by_id"] for row in batch})
    counts: dict = {}
    children = {row["child_id"] for row in batch}
    history = (
        Case.objects.filter(child_id__in=children, opened_by__isnull=False)
        .exclude(level=CaseLevel.EARLY_SUPPORT)
        .values_list("child_id", "referral_date")
    )
    for child_id, on in history:
        counts.setdefault(child_id, []).append(on)
    for row in batch:
        on = row["referral_date"]
        since = _year_before(on)
        n = sum(1 for d in counts.get(row["child_id"], []) if since < d <= on)
        yield _common(row, "child__", end) + [
            _date(on),
            SOURCE.get(sources.get(row["opened_by_id"], "10"), SOURCE["10"]),
            _yes_no(row["referral_nfa"]),
            n,
            row["team__name"],
            row["worker"].strip(),
        ]


def list_4(start: date, end: date):
    seen = CaseNote.objects.filter(
        case_id=OuterRef("case_id"),
        child_seen=True,
        occurred_at__date__gte=OuterRef("start_date"),
        occurred_at__date__lte=Coalesce(
            OuterRef("authorised_date"), Value(end), output_field=DateField()
        ),
    )
    level = AssessmentVersion.objects.filter(
        assessment_id=OuterRef("pk"), status=VersionStatus.SIGNED_OFF
    ).order_by("-number")
    rows = (
        Assessment.objects.filter(
            kind__in=[AssessmentKind.FAMILY_HELP, AssessmentKind.REASSESSMENT],
            start_date__lte=end,
        )
        .filter(Q(authorised_date__isnull=True) | Q(authorised_date__gte=start))
        .annotate(seen=Exists(seen), level=Subquery(level.values("spectrum_level")[:1]))
        .order_by("start_date", "id")
        .values(
            *_child_values("case__child__"),
            "start_date",
            "authorised_date",
            "seen",
            "level",
            "case__team__name",
            worker=_case_worker("case__"),
        )
    )
    for row in rows.iterator(chunk_size=2000):
        support = None
        if row["authorised_date"]:
            support = row["level"] in {"FAMILY_HELP", "IMMEDIATE_PROTECTION"}
        yield _common(row, "case__child__", end) + [
            _disability(row["case__child__disabilities"]),
            _date(row["start_date"]),
            _yes_no(row["seen"]),
            _date(row["authorised_date"]),
            _yes_no(support),
            row["case__team__name"],
            row["worker"].strip(),
        ]


def list_5(start: date, end: date):
    icpc = Conference.objects.filter(
        enquiry_id=OuterRef("pk"), kind=ConferenceKind.INITIAL, status=ConferenceStatus.HELD
    )
    rows = (
        Section47Enquiry.objects.filter(strategy_discussion__held_at__date__range=(start, end))
        .annotate(
            icpc_on=Subquery(icpc.values("held_on")[:1]),
            icpc_decision=Subquery(icpc.values("decision")[:1]),
        )
        .order_by("start_date", "id")
        .values(
            *_child_values("case__child__"),
            "case__child_id",
            "start_date",
            "status",
            "outcome",
            "icpc_on",
            "icpc_decision",
            "strategy_discussion__held_at",
            "case__team__name",
            worker=_case_worker("case__"),
        )
    )
    batch: list = []
    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == 2000:
            yield from _list_5_rows(batch, end)
            batch = []
    if batch:
        yield from _list_5_rows(batch, end)


def _list_5_rows(batch, end):
    children = {row["case__child_id"] for row in batch}
    enquiries: dict = {}
    for child_id, on in Section47Enquiry.objects.filter(case__child_id__in=children).values_list(
        "case__child_id", "start_date"
    ):
        enquiries.setdefault(child_id, []).append(on)
    icpcs: dict = {}
    for child_id, on in Conference.objects.filter(
        case__child_id__in=children, kind=ConferenceKind.INITIAL, status=ConferenceStatus.HELD
    ).values_list("case__child_id", "held_on"):
        icpcs.setdefault(child_id, []).append(on)
    # Counted over the 12 months to the end of the window, this enquiry and its ICPC included.
    since = _year_before(end)
    for row in batch:
        on = timezone.localdate(row["strategy_discussion__held_at"])
        child = row["case__child_id"]
        unnecessary = None
        if row["status"] == EnquiryStatus.COMPLETED:
            unnecessary = row["outcome"] != EnquiryOutcome.SUBSTANTIATED_ICPC
        plan = (
            None
            if row["icpc_decision"] is None
            else row["icpc_decision"] == ConferenceDecision.PLAN
        )
        yield _common(row, "case__child__", end) + [
            _disability(row["case__child__disabilities"]),
            _date(on),
            _yes_no(unnecessary),
            _date(row["icpc_on"]),
            _yes_no(plan),
            sum(1 for d in enquiries.get(child, []) if since < d <= end),
            sum(1 for d in icpcs.get(child, []) if since < d <= end),
            row["case__team__name"],
            row["worker"].strip(),
        ]


def list_6(start: date, end: date):
    """Children in need: the CIN episodes open at some time in the window (returns.census)."""
    from returns.census import _chunks, children_in_period, episodes_for

    child_ids = children_in_period(start=start, end=end)
    for chunk in _chunks(child_ids):
        episodes = episodes_for(chunk, start=start, end=end, modules=False)
        case_ids = [c["id"] for child in episodes.values() for e in child for c in e.cases]
        last_seen = dict(
            CaseNote.objects.filter(case_id__in=case_ids, child_seen=True)
            .values("case_id")
            .annotate(on=Max("occurred_at"))
            .values_list("case_id", "on")
        )
        active_cp = set(
            ProtectionPlan.objects.filter(
                case_id__in=case_ids, status=ProtectionPlanStatus.ACTIVE
            ).values_list("case_id", flat=True)
        )
        active_cin = set(
            Plan.objects.filter(
                case_id__in=case_ids, level=PlanLevel.FAMILY_HELP, status=PlanStatus.ACTIVE
            ).values_list("case_id", flat=True)
        )
        from people.models import Person

        people = {p["id"]: p for p in Person.objects.filter(pk__in=list(episodes)).values(*CHILD)}
        for child_id in sorted(episodes):
            person = people[child_id]
            for episode in episodes[child_id]:
                closed_on, reason = episode.closure
                ids = [c["id"] for c in episode.cases]
                seen = [last_seen[i] for i in ids if i in last_seen]
                last = episode.last
                if closed_on is not None:
                    status = "e) Closed episode"
                elif last["id"] in active_cp:
                    status = "b) Child Protection plan"
                elif last["id"] in active_cin:
                    status = "c) Child in need plan"
                else:
                    status = "d) Open assessment"
                worker = " ".join(
                    filter(
                        None, [last["allocated_to__first_name"], last["allocated_to__last_name"]]
                    )
                )
                yield _common(person, "", end) + [
                    _disability(person["disabilities"]),
                    _date(episode.referral_date),
                    PRIMARY_NEED.get(episode.primary_need or "N0", ""),
                    _date(max(seen)) if seen else "",
                    _date(closed_on),
                    CLOSURE.get(reason, ""),
                    status,
                    last["team__name"],
                    worker,
                ]


def list_7(start: date, end: date):
    visits = CaseNote.objects.filter(
        case_id=OuterRef("case_id"), kind__in=list(VISIT_KINDS), child_seen=True
    ).order_by("-occurred_at")
    review = Conference.objects.filter(
        plan_id=OuterRef("pk"), kind=ConferenceKind.REVIEW, status=ConferenceStatus.HELD
    ).order_by("-held_on")
    rows = (
        ProtectionPlan.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .annotate(
            visit_at=Subquery(visits.values("occurred_at")[:1]),
            visit_alone=Subquery(visits.values("child_seen_alone")[:1]),
            review_on=Subquery(review.values("held_on")[:1]),
        )
        .order_by("start_date", "id")
        .values(
            *_child_values("case__child__"),
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "visit_at",
            "visit_alone",
            "review_on",
            "previous_plans",
            "case__team__name",
            worker=_case_worker("case__"),
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield _common(row, "case__child__", end) + [
            _disability(row["case__child__disabilities"]),
            _date(row["start_date"]),
            CATEGORY.get(row["initial_category"], ""),
            CATEGORY.get(row["latest_category"], ""),
            _date(row["visit_at"]),
            _yes_no(row["visit_alone"]),
            _date(row["review_on"]),
            _date(row["end_date"]),
            "",  # emergency protection orders and police protection are not recorded yet
            row["previous_plans"],
            row["case__team__name"],
            row["worker"].strip(),
        ]


LISTS = {
    "List 1": list_1,
    "List 2": list_2,
    "List 3": list_3,
    "List 4": list_4,
    "List 5": list_5,
    "List 6": list_6,
    "List 7": list_7,
}


def write_annex_a(
    out, *, start: date, end: date, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Write the workbook to the binary file ``out``; return the number of rows per list."""
    workbook = Workbook(write_only=True)
    counts = {}
    for n, (name, rows) in enumerate(LISTS.items(), start=1):
        sheet = workbook.create_sheet(title=name)
        sheet.append(HEADERS[name])
        count = 0
        for row in rows(start, end):
            sheet.append(row)
            count += 1
        counts[f"{name}: {TITLES[name]}"] = count
        if progress:
            progress(n, len(LISTS))
    workbook.save(out)
    return counts


def annex_a_bytes(*, start: date, end: date, progress=None) -> tuple[bytes, dict]:
    buffer = io.BytesIO()
    counts = write_annex_a(buffer, start=start, end=end, progress=progress)
    return buffer.getvalue(), counts


__all__ = ["HEADERS", "LISTS", "annex_a_bytes", "write_annex_a"]
