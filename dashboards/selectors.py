"""Every figure on the dashboards, each from one function here (docs/dashboards.md says what each
counts and which CIN census or Annex A definition it follows).

Each function aggregates in the database (one query, grouped), whatever the number of cases, and
returns a ``Figure``: the rows that the chart, the table beside it and the CSV download all show.
No figure names a child, so these reads write no access-log rows; the lists that do name children
(overdue work, dip-sample reviews) log them in the views.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import User
from cases.models import OPEN_STATUSES, CaseLevel, CaseStatus
from cases.models import Case as CaseRecord
from cases.selectors import team_members_who_can_hold
from consent.models import ConsentException, ExceptionReason
from dashboards.models import ContactDay, ContactDayRefresh, DipReview, Verdict
from dashboards.overdue import overdue_providers
from familyfirst.clocks import UK
from letters.models import Letter, LetterStatus
from referrals.models import (
    CIN_REFERRAL_SOURCE,
    OPENS_REFERRAL,
    AgencyType,
    AuthorisationStatus,
    CallPurpose,
    Consultation,
    ConsultationChild,
    Outcome,
)

REFERRAL_OUTCOMES = sorted(str(outcome) for outcome in OPENS_REFERRAL)
SOURCE_NAMES = {
    "1A": "Individual: family member, relative or carer",
    "1B": "Individual: acquaintance (including neighbours and childminders)",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E (emergency department)",
    "3F": "Health services: other",
    "4": "Housing (local authority or housing association)",
    "5A": "Local authority services: social care",
    "5B": "Local authority services: other internal",
    "5C": "Local authority services: external",
    "5D": "Local authority services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
SOURCE_ORDER = list(SOURCE_NAMES)


@dataclass
class Figure:
    """A table of numbers: ``columns`` heads it; each row is a label then its values. The first
    ``series`` value columns are drawn in the chart; any further columns (a percentage, say)
    are shown in the table and the CSV only."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"
    series: int = 1
    summary: str = ""
    totals: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(any(value for value in row[1:]) for row in self.rows)


def percent(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# Filters ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """The dates (UK days, both included), and optionally a team or a locality (district)."""

    start: date
    end: date
    team_id: int | None = None
    district_id: int | None = None

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UK)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UK)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def weeks(self) -> list[date]:
        first = self.start - timedelta(days=self.start.weekday())
        return [first + timedelta(weeks=n) for n in range((self.end - first).days // 7 + 1)]

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def team_q(self, prefix: str) -> Q:
        """The team/locality filter on a path to a ``locality.Team``."""
        q = Q()
        if self.team_id:
            q &= Q(**{f"{prefix}_id": self.team_id})
        if self.district_id:
            q &= Q(**{f"{prefix}__district_id": self.district_id})
        return q


def default_filters(today: date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(start=today - timedelta(days=27), end=today)


def _contacts(filters: Filters):
    """Annex A List 1 contacts: each child named in a consultation received in the dates."""
    return ConsultationChild.objects.filter(
        filters.team_q("team"),
        consultation__received_at__gte=filters.since,
        consultation__received_at__lt=filters.until,
    ).order_by()


def _is_referral() -> Q:
    """Annex A List 3 / CIN census referrals: an outcome that opens a referral, authorised by a
    Family Connect manager (docs/cases.md, "How a case starts")."""
    return Q(outcome__in=REFERRAL_OUTCOMES, authorisation=AuthorisationStatus.AUTHORISED)


def _source_code(path: str):
    return Case(
        *[When(**{path: agency}, then=Value(code)) for agency, code in CIN_REFERRAL_SOURCE.items()],
        default=Value("10"),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Period:
    """How a trend groups its dates: by day for a few weeks, by week for a few months, by month
    beyond (a chart of 365 daily points is unreadable, and slow to draw)."""

    name: str  # "day", "week" or "month"
    heading: str

    def trunc(self, path: str):
        kind = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}[self.name]
        return kind(path, tzinfo=UK)

    def start_of_field(self, path: str):
        """The period's start for a date field (no time zone: it is already a UK day)."""
        if self.name == "day":
            return F(path)
        return {"week": TruncWeek, "month": TruncMonth}[self.name](path, output_field=DateField())

    def start_of(self, day: date) -> date:
        if self.name == "week":
            return day - timedelta(days=day.weekday())
        return day.replace(day=1) if self.name == "month" else day

    def starts(self, filters: "Filters") -> list[date]:
        return {"day": filters.days, "week": filters.weeks, "month": filters.months}[self.name]()


DAY, WEEK, MONTH = Period("day", "Day"), Period("week", "Week beginning"), Period("month", "Month")
MOST_DAYS, MOST_WEEKS = 62, 26


def period_for(filters: "Filters", finest: Period) -> Period:
    days = (filters.end - filters.start).days + 1
    if finest is DAY and days <= MOST_DAYS:
        return DAY
    if finest in (DAY, WEEK) and days <= MOST_WEEKS * 7:
        return WEEK
    return MONTH


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


# The front door -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactCell:
    """How many contacts share one day (or the week or month starting on ``day``), source, purpose, outcome, locality and referral state."""

    day: date
    code: str
    purpose: str
    outcome: str
    district: str
    referral: bool
    n: int


NOT_ROUTED = "Not routed to a team"


def _contact_groups() -> dict:
    """What the contact figures divide the contacts by, besides the outcome and the team."""
    return {
        "day": TruncDate("consultation__received_at", tzinfo=UK),
        "code": _source_code("consultation__caller_agency_type"),
        "purpose": F("consultation__purpose"),
        "referral": Case(
            When(_is_referral(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    }


def live_contact_counts(contacts):
    """Group ``contacts`` (ConsultationChild rows) by every way the contact figures divide them,
    keeping the team: what the daily summary stores (``dashboards.summary``)."""
    return (
        contacts.annotate(**_contact_groups())
        .values("day", "code", "purpose", "outcome", "team_id", "referral")
        .annotate(n=Count("pk"))
    )


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[list[date]] = []
    for day in days:
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def contact_cells(filters: Filters, *, today: date | None = None) -> list[ContactCell]:
    """The contacts in the dates, counted by every way the five contact figures divide them: one
    grouped read they share (``front_door_figures``), rather than five joins of the
    consultations to their children.

    Whole past days that the summary holds fresh (``ContactDayRefresh``) are read from
    ``ContactDay``; every other day (today, and any day changed since it was summarised or never
    summarised) is counted live. The cells are the same either way (tests/dashboards/
    test_contact_summary.py)."""
    today = today or timezone.localdate()
    # Grouped by the trend's period (a day, or the week or month it starts: ``period_for``), the
    # only use the figures make of the date, so a year is a few hundred cells, not thousands.
    period = period_for(filters, DAY)
    fresh: list[date] = []
    # The summary is kept true by PostgreSQL triggers (dashboards/migrations/0004): elsewhere
    # (the SQLite fallback, docs/adr/0001) every day is counted live.
    if filters.start < today and connection.vendor == "postgresql":
        fresh = sorted(
            ContactDayRefresh.objects.filter(
                day__gte=filters.start,
                day__lte=min(filters.end, today - timedelta(days=1)),
                fresh=True,
            ).values_list("day", flat=True)
        )
    district = Coalesce("team__district__name", Value(NOT_ROUTED))
    cells = []
    if fresh:
        cells += [
            ContactCell(n=row.pop("n"), day=_as_date(row.pop("start")), **row)
            for row in ContactDay.objects.filter(filters.team_q("team"), day__in=fresh)
            .order_by()
            .annotate(start=period.start_of_field("day"))
            .values("start", "code", "purpose", "outcome", "referral")
            .annotate(district=district, n=Sum("n"))
        ]
    fresh_days = set(fresh)
    live = _runs([day for day in filters.days() if day not in fresh_days])
    if live:
        received = Q()
        for first, last in live:
            span = Filters(start=first, end=last)
            received |= Q(
                consultation__received_at__gte=span.since, consultation__received_at__lt=span.until
            )
        cells += [
            ContactCell(n=row.pop("n"), day=_as_date(row.pop("start")), **row)
            for row in ConsultationChild.objects.filter(filters.team_q("team"), received)
            .order_by()
            .annotate(
                **_contact_groups(),
                district=district,
                start=period.trunc("consultation__received_at"),
            )
            .values("start", "code", "purpose", "outcome", "district", "referral")
            .annotate(n=Count("pk"))
        ]
    return cells


def _tally(cells, key) -> dict:
    """{key(cell): [contacts, referrals]}"""
    tally: dict = {}
    for cell in cells:
        counts = tally.setdefault(key(cell), [0, 0])
        counts[0] += cell.n
        counts[1] += cell.n if cell.referral else 0
    return tally


def contacts_and_referrals_by_day(filters: Filters, cells=None) -> Figure:
    period = period_for(filters, DAY)
    cells = contact_cells(filters) if cells is None else cells
    found = _tally(cells, lambda cell: period.start_of(cell.day))
    table = [[day, *found.get(day, [0, 0])] for day in period.starts(filters)]
    contacts, referrals = sum(r[1] for r in table), sum(r[2] for r in table)
    return Figure(
        key="contacts-by-day",
        title=f"Contacts and referrals by {period.name}",
        description=(
            f"A line for each: {contacts} contacts and {referrals} referrals from "
            f"{filters.start:%-d %B %Y} to {filters.end:%-d %B %Y}."
        ),
        columns=[period.heading, "Contacts", "Referrals"],
        rows=table,
        chart="line",
        series=2,
        totals={"contacts": contacts, "referrals": referrals},
    )


def contacts_by_source(filters: Filters, cells=None) -> Figure:
    cells = contact_cells(filters) if cells is None else cells
    found = _tally(cells, lambda cell: cell.code)
    table = [
        [f"{code}: {SOURCE_NAMES[code]}", *found[code]] for code in SOURCE_ORDER if code in found
    ]
    return Figure(
        key="source",
        title="Contacts and referrals by source",
        description=(
            "Bars for contacts and referrals from each kind of caller, by CIN census referral "
            "source code; only sources with at least one contact are listed."
        ),
        columns=["Source (CIN census code)", "Contacts", "Referrals"],
        rows=table,
        chart="horizontal",
        series=2,
    )


def contacts_by_outcome(filters: Filters, cells=None) -> Figure:
    cells = contact_cells(filters) if cells is None else cells
    found = _tally([cell for cell in cells if cell.outcome], lambda cell: cell.outcome)
    table = [[label, found.get(value, [0])[0]] for value, label in Outcome.choices]
    decided = sum(row[1] for row in table)
    return Figure(
        key="outcome",
        title="Contacts by outcome",
        description=f"A bar for each outcome agreed: {decided} children in all.",
        columns=["Outcome", "Children"],
        rows=table,
        chart="horizontal",
        totals={"decided": decided},
    )


def contacts_by_locality(filters: Filters, cells=None) -> Figure:
    cells = contact_cells(filters) if cells is None else cells
    found = _tally(cells, lambda cell: cell.district)
    table = [
        [name, *counts]
        for name, counts in sorted(found.items(), key=lambda item: (item[0] == NOT_ROUTED, item[0]))
    ]
    return Figure(
        key="locality",
        title="Contacts and referrals by locality",
        description=(
            "Bars for each district the children were routed to; advice and "
            "signposting that went to no team are counted as not routed."
        ),
        columns=["Locality", "Contacts", "Referrals"],
        rows=table,
        chart="bar",
        series=2,
    )


def _consultations(filters: Filters):
    consultations = Consultation.objects.filter(
        received_at__gte=filters.since, received_at__lt=filters.until
    ).order_by()
    if filters.team_id or filters.district_id:
        consultations = consultations.filter(
            pk__in=ConsultationChild.objects.filter(filters.team_q("team")).values("consultation")
        )
    return consultations


def decisions_within_a_working_day(filters: Filters, *, now: datetime | None = None) -> Figure:
    """A consultation is decided in time when its decision was made by its clock (one working
    day from receipt: ``decision_due_at``). Still undecided and past the clock counts as late;
    still undecided within the clock is not counted yet."""
    now = now or timezone.now()
    in_time = Q(decided_at__isnull=False, decided_at__lte=F("decision_due_at"))
    late = Q(decided_at__gt=F("decision_due_at"))
    waiting_late = Q(decided_at__isnull=True, decision_due_at__lt=now)
    period = period_for(filters, WEEK)
    found = {
        _as_date(row["week"]): row
        for row in _consultations(filters)
        .annotate(week=period.trunc("received_at"))
        .values("week")
        .annotate(
            in_time=Count("pk", filter=in_time),
            late=Count("pk", filter=late),
            waiting=Count("pk", filter=waiting_late),
        )
    }
    table = []
    for week in period.starts(filters):
        row = found.get(week, {})
        values = [row.get("in_time", 0), row.get("late", 0), row.get("waiting", 0)]
        table.append([week, *values, percent(values[0], sum(values))])
    in_time_n, late_n, waiting_n = (sum(r[i] for r in table) for i in (1, 2, 3))
    rate = percent(in_time_n, in_time_n + late_n + waiting_n)
    return Figure(
        key="decisions",
        title="Decisions within one working day",
        description=(
            f"Stacked bars by {period.name} received: decided within one working day, decided later, and "
            f"still waiting past the clock. {'No decisions yet' if rate is None else f'{rate}% in time'}."
        ),
        columns=[
            period.heading,
            "Within one working day",
            "Later",
            "Waiting, past the clock",
            "% within one working day",
        ],
        rows=table,
        chart="stacked",
        series=3,
        summary="" if rate is None else f"{rate}%",
        totals={"in_time": in_time_n, "late": late_n, "waiting": waiting_n, "rate": rate},
    )


def conversion_to_referral(filters: Filters, cells=None) -> Figure:
    """Of the children decided, how many became referrals, by what the caller asked for."""
    cells = contact_cells(filters) if cells is None else cells
    found = _tally([cell for cell in cells if cell.outcome], lambda cell: cell.purpose)
    labels = [
        (CallPurpose.ADVICE, "Asking for advice"),
        (CallPurpose.REFERRAL, "Making a referral"),
    ]
    table = [[label, *found.get(value, [0, 0])] for value, label in labels]
    if found.get(""):
        table.append(["Not recorded", *found[""]])
    for row in table:
        row.append(percent(row[2], row[1]))
    all_decided, all_referrals = sum(r[1] for r in table), sum(r[2] for r in table)
    rate = percent(all_referrals, all_decided)
    return Figure(
        key="conversion",
        title="Consultations that became referrals",
        description=(
            "Bars for the children decided and those referred, by what the caller asked for. "
            f"{'None decided yet' if rate is None else f'{rate}% became referrals'}."
        ),
        columns=["The caller was", "Children decided", "Referrals", "% referred"],
        rows=table,
        chart="bar",
        series=2,
        summary="" if rate is None else f"{rate}%",
        totals={"decided": all_decided, "referrals": all_referrals, "rate": rate},
    )


def re_referrals(filters: Filters) -> Figure:
    """CIN census re-referrals: referrals (cases opened by a referral) whose child had an earlier
    referral within the 12 months before (``Case.re_referral_of``, docs/cases.md)."""
    found = {
        _as_date(row["month"]): row
        for row in CaseRecord.objects.filter(
            filters.team_q("team"),
            opened_by__isnull=False,
            referral_date__gte=filters.start,
            referral_date__lte=filters.end,
        )
        .order_by()
        .annotate(month=TruncMonth("referral_date"))
        .values("month")
        .annotate(
            referrals=Count("pk"), re_referrals=Count("pk", filter=Q(re_referral_of__isnull=False))
        )
    }
    table = []
    for month in filters.months():
        row = found.get(month, {})
        table.append(
            [
                month,
                row.get("referrals", 0),
                row.get("re_referrals", 0),
                percent(row.get("re_referrals", 0), row.get("referrals", 0)),
            ]
        )
    total, repeat = sum(r[1] for r in table), sum(r[2] for r in table)
    rate = percent(repeat, total)
    return Figure(
        key="re-referrals",
        title="Re-referrals within 12 months",
        description=(
            "Bars by month: referrals, and those about a child referred in the 12 months before. "
            f"{'No referrals' if rate is None else f'{rate}% were re-referrals'}."
        ),
        columns=["Month", "Referrals", "Re-referrals", "% re-referrals"],
        rows=table,
        chart="bar",
        series=2,
        summary="" if rate is None else f"{rate}%",
        totals={"referrals": total, "re_referrals": repeat, "rate": rate},
    )


def consent_exceptions(filters: Filters, *, now: datetime | None = None) -> Figure:
    """Decisions to go ahead without consent, by reason; how many were approved and how long
    approval took (child protection needs no approval). County-wide: an exception is about a
    child, not a team, so the team and locality filter does not apply."""
    now = now or timezone.now()
    waited = ExpressionWrapper(F("approved_at") - F("decided_at"), output_field=DurationField())
    found = {
        row["reason"]: row
        for row in ConsentException.objects.filter(
            decided_at__gte=filters.since, decided_at__lt=filters.until
        )
        .order_by()
        .values("reason")
        .annotate(
            exceptions=Count("pk"),
            approved=Count("pk", filter=Q(approved_at__isnull=False)),
            average=Avg(waited),
            longest=Max(waited),
        )
    }
    table = []
    for value, label in ExceptionReason.choices:
        row = found.get(value)
        if not row:
            continue
        needs = value != ExceptionReason.CHILD_PROTECTION
        table.append(
            [
                label,
                row["exceptions"],
                row["approved"] if needs else 0,
                (row["exceptions"] - row["approved"]) if needs else 0,
                _hours(row["average"]) if needs else None,
                _hours(row["longest"]) if needs else None,
            ]
        )
    return Figure(
        key="consent-exceptions",
        title="Consent exceptions and their approval",
        description=(
            "A bar for each reason for going ahead without consent; the table says how many were "
            "approved, how many wait, and how long approval took. Child protection needs none."
        ),
        columns=[
            "Reason",
            "Exceptions",
            "Approved",
            "Waiting for approval",
            "Average hours to approve",
            "Longest hours to approve",
        ],
        rows=table,
        chart="horizontal",
        series=1,
        totals={"exceptions": sum(r[1] for r in table), "waiting": sum(r[3] for r in table)},
    )


def _hours(duration) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 3600, 1)


def letters_sent(filters: Filters) -> Figure:
    """Feedback letters made in the dates (every version), by week: sent, opened, failed."""
    letters = Letter.objects.filter(queued_at__gte=filters.since, queued_at__lt=filters.until)
    if filters.team_id or filters.district_id:
        letters = letters.filter(
            consultation__in=ConsultationChild.objects.filter(filters.team_q("team")).values(
                "consultation"
            )
        )
    period = period_for(filters, WEEK)
    found = {
        _as_date(row["week"]): row
        for row in letters.order_by()
        .annotate(week=period.trunc("queued_at"))
        .values("week")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            failed=Count("pk", filter=Q(status=LetterStatus.FAILED)),
        )
    }
    table = [
        [week, *(found.get(week, {}).get(key, 0) for key in ("sent", "opened", "failed"))]
        for week in period.starts(filters)
    ]
    totals = {
        key: sum(r[i] for r in table) for i, key in enumerate(["sent", "opened", "failed"], 1)
    }
    return Figure(
        key="letters",
        title="Feedback letters sent, opened and failed",
        description=(
            f"Bars by {period.name}: {totals['sent']} letters sent, {totals['opened']} opened by the "
            f"referrer, {totals['failed']} failed."
        ),
        columns=[period.heading, "Sent", "Opened", "Failed"],
        rows=table,
        chart="bar",
        series=3,
        totals=totals,
    )


CONTACT_FIGURES = {"contacts-by-day", "source", "outcome", "locality", "conversion"}


def front_door_figures(filters: Filters) -> dict[str, Figure]:
    """Every front-door figure, the five about contacts sharing one query."""
    cells = contact_cells(filters)
    return {
        key: selector(filters, cells) if key in CONTACT_FIGURES else selector(filters)
        for key, selector in FRONT_DOOR_FIGURES.items()
    }


FRONT_DOOR_FIGURES = {
    "contacts-by-day": contacts_and_referrals_by_day,
    "source": contacts_by_source,
    "outcome": contacts_by_outcome,
    "locality": contacts_by_locality,
    "decisions": decisions_within_a_working_day,
    "conversion": conversion_to_referral,
    "re-referrals": re_referrals,
    "consent-exceptions": consent_exceptions,
    "letters": letters_sent,
}


# Team caseloads -----------------------------------------------------------------------------


def _weight():
    weights = settings.CASELOAD_LEVEL_WEIGHTS
    return Case(
        *[When(level=level, then=Value(weights.get(level, 1))) for level in CaseLevel.values],
        default=Value(1),
        output_field=IntegerField(),
    )


@dataclass
class WorkerRow:
    worker: User | None  # None: the cases nobody holds yet
    open: int = 0
    weighted: int = 0
    child_protection: int = 0
    new_this_week: int = 0
    overdue: dict = field(default_factory=dict)

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue.values())


@dataclass
class Caseload:
    team: object
    workers: list[WorkerRow]
    unallocated: WorkerRow
    providers: list
    totals: dict


def team_caseload_summary(*, team, today: date | None = None, now=None) -> Caseload:
    """The team's open cases per worker, weighted by level (``CASELOAD_LEVEL_WEIGHTS``), new this
    week (opened in the last seven days), and each kind of overdue work (dashboards.overdue):
    one query for the cases, one for the team's case holders, one per kind of overdue work."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    week_ago = now - timedelta(days=7)
    by_worker = {
        row["allocated_to"]: row
        for row in CaseRecord.objects.filter(team=team, status__in=OPEN_STATUSES)
        .order_by()
        .values("allocated_to")
        .annotate(
            open=Count("pk"),
            weighted=Sum(_weight()),
            child_protection=Count("pk", filter=Q(level=CaseLevel.IMMEDIATE_PROTECTION)),
            new_this_week=Count("pk", filter=Q(opened_at__gte=week_ago)),
            incoming=Count("pk", filter=Q(status=CaseStatus.INCOMING)),
            unallocated=Count("pk", filter=Q(status=CaseStatus.UNALLOCATED)),
        )
    }
    providers = overdue_providers()
    overdue = {
        provider.key: {row["worker"]: row["n"] for row in provider.counts(team, today)}
        for provider in providers
    }
    members = list(team_members_who_can_hold(team=team))
    known = {worker.pk for worker in members}
    others = {
        pk
        for counts in [by_worker, *overdue.values()]
        for pk in counts
        if pk is not None and pk not in known
    }
    if others:  # workers still holding the team's work after leaving it: one more query
        members += list(User.objects.filter(pk__in=others).order_by("last_name", "first_name"))

    def row_for(worker_id, worker):
        counts = by_worker.get(worker_id, {})
        return WorkerRow(
            worker=worker,
            open=counts.get("open", 0),
            weighted=counts.get("weighted") or 0,
            child_protection=counts.get("child_protection", 0),
            new_this_week=counts.get("new_this_week", 0),
            overdue={p.key: overdue[p.key].get(worker_id, 0) for p in providers},
        )

    workers = [row_for(worker.pk, worker) for worker in members]
    nobody = row_for(None, None)
    everyone = [*workers, nobody]
    totals = {
        "open": sum(r.open for r in everyone),
        "weighted": sum(r.weighted for r in everyone),
        "new_this_week": sum(r.new_this_week for r in everyone),
        "incoming": by_worker.get(None, {}).get("incoming", 0),
        "unallocated": by_worker.get(None, {}).get("unallocated", 0),
        "overdue": {p.key: sum(r.overdue[p.key] for r in everyone) for p in providers},
    }
    return Caseload(
        team=team, workers=workers, unallocated=nobody, providers=providers, totals=totals
    )


def caseload_figure(caseload: Caseload) -> Figure:
    rows = [
        [str(r.worker), r.open, r.weighted, r.child_protection, r.new_this_week, r.overdue_total]
        for r in caseload.workers
    ]
    rows.append(
        [
            "Nobody yet (new or not allocated)",
            caseload.unallocated.open,
            caseload.unallocated.weighted,
            caseload.unallocated.child_protection,
            caseload.unallocated.new_this_week,
            caseload.unallocated.overdue_total,
        ]
    )
    weights = settings.CASELOAD_LEVEL_WEIGHTS
    return Figure(
        key="caseload",
        title=f"Weighted caseload by worker, {caseload.team}",
        description=(
            "A bar for each worker: their open cases weighted by level (Early Support "
            f"{weights['EARLY_SUPPORT']}, Family Help {weights['FAMILY_HELP']}, child protection "
            f"{weights['IMMEDIATE_PROTECTION']}). {caseload.totals['open']} open cases in the team."
        ),
        columns=[
            "Worker",
            "Weighted caseload",
            "Open cases",
            "Child protection",
            "New this week",
            "Overdue work",
        ],
        rows=[[r[0], r[2], r[1], r[3], r[4], r[5]] for r in rows],
        chart="horizontal",
        series=1,
    )


def team_assessment_timeliness(*, team, filters: Filters, today: date | None = None) -> Figure:
    """The team's assessment clocks falling due in each month: ended by the due date, past it
    (still open, or ended after it), and not yet due. Until the pathway app records when an
    assessment is completed, a case that ended (closed, transferred or sent back) stops its
    clock; docs/dashboards.md says how pathway's completion date takes over."""
    today = today or timezone.localdate()
    ended_day = TruncDate("closed_at", tzinfo=UK)
    found = {
        _as_date(row["month"]): row
        for row in CaseRecord.objects.filter(
            team=team,
            assessment_due_date__gte=filters.start,
            assessment_due_date__lte=filters.end,
        )
        .order_by()
        .annotate(month=TruncMonth("assessment_due_date"), ended_on=ended_day)
        .values("month")
        .annotate(
            in_time=Count(
                "pk", filter=Q(closed_at__isnull=False, ended_on__lte=F("assessment_due_date"))
            ),
            late=Count(
                "pk",
                filter=Q(closed_at__isnull=False, ended_on__gt=F("assessment_due_date"))
                | Q(closed_at__isnull=True, assessment_due_date__lt=today),
            ),
            not_due=Count("pk", filter=Q(closed_at__isnull=True, assessment_due_date__gte=today)),
        )
    }
    table = []
    for month in filters.months():
        row = found.get(month, {})
        values = [row.get("in_time", 0), row.get("late", 0), row.get("not_due", 0)]
        table.append([month, *values, percent(values[0], values[0] + values[1])])
    in_time, late = sum(r[1] for r in table), sum(r[2] for r in table)
    rate = percent(in_time, in_time + late)
    return Figure(
        key="timeliness",
        title=f"Assessment timeliness, {team}",
        description=(
            "Stacked bars by the month the assessment fell due (45 working days from the "
            "referral): done by the due date, past it, and not yet due. "
            f"{'Nothing due yet' if rate is None else f'{rate}% in time'}."
        ),
        columns=["Month due", "By the due date", "Past the due date", "Not yet due", "% in time"],
        rows=table,
        chart="stacked",
        series=3,
        summary="" if rate is None else f"{rate}%",
        totals={"in_time": in_time, "late": late, "rate": rate},
    )


# Dip sampling results -----------------------------------------------------------------------


def _agreement_table(group_label: str, groups: list, found: dict):
    table = []
    for key, label in groups:
        row = found.get(key, {})
        reviewed, agreed = row.get("reviewed", 0), row.get("agreed", 0)
        table.append([label, agreed, reviewed - agreed, percent(agreed, reviewed)])
    return table


def agreement_by_outcome(*, start: date, end: date) -> Figure:
    found = {
        row["outcome"]: row
        for row in _reviewed(start, end)
        .values("outcome")
        .annotate(reviewed=Count("pk"), agreed=Count("pk", filter=Q(verdict=Verdict.AGREE)))
    }
    table = _agreement_table("Outcome", list(Outcome.choices), found)
    table = [row for row in table if row[1] or row[2]]
    return Figure(
        key="agreement-outcome",
        title="Agreement with front-door decisions, by outcome",
        description="Bars for each outcome reviewed: agreed, and would have decided differently.",
        columns=["Outcome", "Agreed", "Would have decided differently", "% agreed"],
        rows=table,
        chart="horizontal",
        series=2,
    )


def agreement_by_practitioner(*, start: date, end: date) -> Figure:
    found = {
        row["practitioner"]: row
        for row in _reviewed(start, end)
        .values("practitioner")
        .annotate(reviewed=Count("pk"), agreed=Count("pk", filter=Q(verdict=Verdict.AGREE)))
    }
    people = User.objects.filter(pk__in=list(found)).order_by("last_name", "first_name")
    table = _agreement_table("Practitioner", [(p.pk, str(p)) for p in people], found)
    return Figure(
        key="agreement-practitioner",
        title="Agreement with front-door decisions, by practitioner",
        description="Bars for each practitioner whose decisions were reviewed: agreed, and would have decided differently.",
        columns=["Practitioner", "Agreed", "Would have decided differently", "% agreed"],
        rows=table,
        chart="horizontal",
        series=2,
    )


def agreement_over_time(*, start: date, end: date) -> Figure:
    filters = Filters(start=start, end=end)
    found = {
        _as_date(row["month"]): row
        for row in _reviewed(start, end)
        .annotate(month=TruncMonth("reviewed_at", tzinfo=UK))
        .values("month")
        .annotate(reviewed=Count("pk"), agreed=Count("pk", filter=Q(verdict=Verdict.AGREE)))
    }
    table = [
        [
            m,
            found.get(m, {}).get("reviewed", 0),
            percent(found.get(m, {}).get("agreed", 0), found.get(m, {}).get("reviewed", 0)) or 0,
        ]
        for m in filters.months()
    ]
    return Figure(
        key="agreement-time",
        title="Agreement with front-door decisions over time",
        description="A line for the percentage of reviewed decisions the reviewers agreed with, by month reviewed.",
        columns=["Month reviewed", "% agreed", "Decisions reviewed"],
        rows=[[r[0], r[2], r[1]] for r in table],
        chart="line",
        series=1,
    )


def _reviewed(start: date, end: date):
    return DipReview.objects.filter(
        reviewed_at__gte=datetime.combine(start, time.min, tzinfo=UK),
        reviewed_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK),
    ).order_by()


DIP_FIGURES = {
    "agreement-outcome": agreement_by_outcome,
    "agreement-practitioner": agreement_by_practitioner,
    "agreement-time": agreement_over_time,
}

__all__ = [
    "AgencyType",
    "Caseload",
    "DIP_FIGURES",
    "FRONT_DOOR_FIGURES",
    "Figure",
    "Filters",
    "WorkerRow",
    "caseload_figure",
    "default_filters",
    "team_assessment_timeliness",
    "team_caseload_summary",
]
