"""Reading assessments (docs/pathway.md, "Who sees what").

An assessment is seen by whoever sees its case (``cases.selectors.cases_visible_to``, which
already applies the restriction rule to the case's child); an assessment naming another child
the restriction rule hides from the user is not shown at all, and the people on its family map
are only those ``people.selectors.people_visible_to`` lets the user see. Every page writes one
access-log row per person shown (``record_get_for_user`` and ``access_log_record_list``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from audit.access import record_get_for_user
from cases.models import Case
from cases.selectors import case_opened_for, cases_visible_to
from familyfirst.clocks import Rag, add_working_days_to_date
from pathway.models import (
    AgencyInvolved,
    Assessment,
    AssessmentVersion,
    ChronologyEntry,
    FamilyCopy,
    PlanItem,
    SituationEntry,
    SituationTopic,
    UnderstandingEntry,
    UnderstandingKind,
    VersionStatus,
)
from people.models import ChronologyEvent, LivesWith, Person, Relationship
from people.restriction import people_hidden_from
from people.selectors import people_visible_to
from spectrum.models import SpectrumDecision
from spectrum.selectors import decisions_current_for_people

CHRONOLOGY_PAGE_SIZE = 50
# Amber: the assessment is due within this many working days.
AMBER_WORKING_DAYS = 10


def assessment_plan_items(*, assessment: Assessment, version: AssessmentVersion | None = None):
    """The Plan part of the assessment: what needs to happen and what it should achieve, from
    ``version`` or else from the latest signed-off version (none while nothing is signed off).

    Stable for the Family Help plans app (issue 14): a queryset of ``PlanItem`` with ``need``,
    ``outcome``, ``for_person`` and ``key`` (the same key across versions of one item).
    """
    if version is None:
        version = assessment_version_signed_off_latest(assessment=assessment)
    if version is None:
        return PlanItem.objects.none()
    return PlanItem.objects.filter(version=version).select_related("for_person")


def assessment_version_signed_off_latest(*, assessment: Assessment) -> AssessmentVersion | None:
    return (
        AssessmentVersion.objects.filter(assessment=assessment, status=VersionStatus.SIGNED_OFF)
        .order_by("-number")
        .first()
    )


# Who sees what -------------------------------------------------------------------------------


def _without_hidden_children(assessments, *, user):
    """The restriction rule: no assessment covering a child hidden from the user."""
    return assessments.exclude(children__in=people_hidden_from(user=user))


def assessments_visible_to(*, user):
    return _without_hidden_children(
        Assessment.objects.filter(case__in=cases_visible_to(user=user)), user=user
    )


def _child_ids(assessment) -> list:
    if not hasattr(assessment, "child_pks"):  # SQLite: no arrays
        return list(assessment.children.values_list("pk", flat=True))
    return [pk for pk in assessment.child_pks or [] if pk]


def assessment_get_for_user(*, request, assessment_id, person_ids_shown=None) -> Assessment:
    """The one way a page or the API opens an assessment: an outsider gets a 404, and the read
    writes an access-log row for each child it covers and each other person the page shows.
    ``person_ids_shown(assessment)`` may set ``assessment.children_list`` itself (from a family
    map it loads); otherwise the children are read here."""

    def people(assessment):
        assessment.child_ids = _child_ids(assessment)
        shown = list(person_ids_shown(assessment)) if person_ids_shown else []
        if not hasattr(assessment, "children_list"):
            by_id = {p.pk: p for p in Person.objects.filter(pk__in=assessment.child_ids)}
            assessment.children_list = [by_id[pk] for pk in assessment.child_ids if pk in by_id]
        return [*assessment.child_ids, *shown]

    visible = assessments_visible_to(user=request.user).select_related(
        "case__team", "case__child", "case__allocated_to", "started_by"
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        # A correlated subquery, not a GROUP BY over the joined rows: far cheaper to plan.
        children = (
            Assessment.children.through.objects.filter(assessment_id=OuterRef("pk"))
            .values("assessment_id")
            .annotate(ids=ArrayAgg("person_id"))
            .values("ids")
        )
        visible = visible.annotate(child_pks=Subquery(children))
    return record_get_for_user(
        request=request,
        visible=visible,
        pk=assessment_id,
        record_type="assessment",
        person_ids_of=people,
    )


def assessments_for_case(*, user, case: Case) -> list[Assessment]:
    """The case's assessments, newest first, each with its versions and the latest of them
    (two queries). A case the page opened for this user (``cases.selectors.case_opened_for``)
    is not put through the case rules again: only the restriction rule on the children is."""
    if case_opened_for(case=case, user=user):
        visible = _without_hidden_children(Assessment.objects.filter(case=case), user=user)
    else:
        visible = assessments_visible_to(user=user).filter(case=case)
    assessments = list(
        visible.prefetch_related(
            Prefetch(
                "versions",
                queryset=AssessmentVersion.objects.order_by("number").select_related("author"),
            )
        )
    )
    for assessment in assessments:
        assessment.latest_version = list(assessment.versions.all())[-1]
    return assessments


def versions_of(*, assessment: Assessment, spectrum_recorded: bool = False) -> list:
    """The assessment's versions, oldest first. With ``spectrum_recorded`` (on PostgreSQL),
    each carries ``spectrum_recorded_ids``: which of the assessment's children have a current
    Spectrum decision recorded since that version was started, read in the same query (what
    ``version_spectrum_missing`` would otherwise ask the database for)."""
    versions = assessment.versions.order_by("number").select_related(
        "author", "submitted_by", "signed_off_by", "updated_by"
    )
    if spectrum_recorded and connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        versions = versions.annotate(
            spectrum_recorded_ids=ArraySubquery(
                _spectrum_recorded(
                    child_ids=_child_ids(assessment), since=OuterRef("created_at")
                ).values("person_id")
            )
        )
    return list(versions)


def version_by_number(*, assessment: Assessment, number: int) -> AssessmentVersion:
    from django.http import Http404

    version = (
        assessment.versions.filter(number=number)
        .select_related("author", "submitted_by", "signed_off_by", "updated_by")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    version.assessment = assessment
    return version


def version_current(*, assessment: Assessment) -> AssessmentVersion:
    version = (
        assessment.versions.order_by("-number")
        .select_related("author", "submitted_by", "signed_off_by", "updated_by")
        .first()
    )
    version.assessment = assessment
    return version


# One version's content -----------------------------------------------------------------------


@dataclass
class VersionContent:
    version: AssessmentVersion
    situation: dict  # topic -> [SituationEntry]
    understanding: dict  # kind -> [UnderstandingEntry], each with .rests_on_list
    plan: list

    @property
    def situation_groups(self) -> list:
        return [(t.value, t.label, self.situation[t.value]) for t in SituationTopic]

    @property
    def understanding_groups(self) -> list:
        return [(k.value, k.label, self.understanding[k.value]) for k in UnderstandingKind]

    @property
    def situation_entries(self) -> list:
        return [entry for entries in self.situation.values() for entry in entries]


def version_content(*, version: AssessmentVersion) -> VersionContent:
    """The three parts of one version, in three queries whatever their length."""
    return versions_content(versions=[version])[version.pk]


def _rests_on_links(version_ids) -> dict:
    """{understanding entry id: [situation entry ids]}: folded into the entries' own query on
    PostgreSQL (an array per entry), one query more on SQLite."""
    entries = UnderstandingEntry.objects.filter(version_id__in=version_ids)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import ArrayAgg

        rows = list(entries.annotate(situation_ids=ArrayAgg("rests_on__id", default=[])))
        return rows, {row.pk: [pk for pk in row.situation_ids if pk] for row in rows}
    links = {}
    for understanding_id, situation_id in UnderstandingEntry.rests_on.through.objects.filter(
        understandingentry__version_id__in=version_ids
    ).values_list("understandingentry_id", "situationentry_id"):
        links.setdefault(understanding_id, []).append(situation_id)
    return list(entries), links


def versions_content(*, versions) -> dict:
    """{version id: VersionContent} for several versions, in three queries however many versions
    and however long each is (a comparison reads two in the queries one would take)."""
    ids = [version.pk for version in versions]
    contents = {
        version.pk: VersionContent(
            version=version,
            situation={topic: [] for topic in SituationTopic.values},
            understanding={kind: [] for kind in UnderstandingKind.values},
            plan=[],
        )
        for version in versions
    }
    by_pk, order = {}, {}
    entries = SituationEntry.objects.filter(version_id__in=ids).select_related("person")
    for entry in sorted(entries, key=lambda e: (SITUATION_ORDER[e.topic], e.position, e.pk)):
        contents[entry.version_id].situation[entry.topic].append(entry)
        by_pk[entry.pk] = entry
        order[entry.pk] = len(order)
    understanding, links = _rests_on_links(ids)
    for entry in understanding:
        rests = [by_pk[pk] for pk in links.get(entry.pk, []) if pk in by_pk]
        entry.rests_on_list = sorted(rests, key=lambda e: order[e.pk])
        contents[entry.version_id].understanding[entry.kind].append(entry)
    for group in (c.understanding for c in contents.values()):
        for entries_of_kind in group.values():
            entries_of_kind.sort(key=lambda e: (e.position, e.pk))
    for item in PlanItem.objects.filter(version_id__in=ids).select_related("for_person"):
        contents[item.version_id].plan.append(item)
    return contents


SITUATION_ORDER = {topic: index for index, topic in enumerate(SituationTopic.values)}


def people_named_in(content: VersionContent) -> list:
    named = [e.person_id for e in content.situation_entries if e.person_id]
    named += [item.for_person_id for item in content.plan if item.for_person_id]
    return named


# Comparing two versions ----------------------------------------------------------------------


@dataclass
class CompareRow:
    part: str
    label: str
    left: str
    right: str
    # What else tells the two apart (the keys of the entries an understanding rests on).
    left_signature: str = ""
    right_signature: str = ""

    @property
    def change(self) -> str:
        if (self.left, self.left_signature) == (self.right, self.right_signature):
            return "same"
        if not self.left:
            return "added"
        if not self.right:
            return "removed"
        return "changed"


def _situation_text(entry) -> str:
    person = f" ({entry.person})" if entry.person_id else ""
    return f"{entry.text}\n[{entry.get_voice_display()}; {entry.get_nature_display()}{person}]"


def _understanding_text(entry) -> str:
    # Which entries by key, not their words: a change to a Situation entry shows there, once.
    keys = sorted(str(s.key) for s in entry.rests_on_list)
    count = len(keys)
    rests = f"\n[Rests on {count} Situation entr{'y' if count == 1 else 'ies'}]" if keys else ""
    entry.rests_on_keys = keys
    return f"{entry.text}{rests}"


def _plan_text(item) -> str:
    person = f"\n[For {item.for_person}]" if item.for_person_id else ""
    return f"What needs to happen: {item.need}\nWhat it should achieve: {item.outcome}{person}"


def versions_compare(*, left: AssessmentVersion, right: AssessmentVersion) -> list[CompareRow]:
    """Both versions side by side, entry by entry (matched by each entry's key, which a revisit
    keeps), then the version's own answers: three queries whatever the assessment's length."""
    both = versions_content(versions=[left, right])
    a, b = both[left.pk], both[right.pk]
    rows = []

    def signature(entry) -> str:
        return ",".join(getattr(entry, "rests_on_keys", []))

    def matched(part, label_of, text_of, left_entries, right_entries):
        right_by_key = {entry.key: entry for entry in right_entries}
        seen = set()
        for entry in left_entries:
            other = right_by_key.get(entry.key)
            seen.add(entry.key)
            left_text, right_text = text_of(entry), text_of(other) if other else ""
            rows.append(
                CompareRow(
                    part,
                    label_of(entry),
                    left_text,
                    right_text,
                    signature(entry),
                    signature(other) if other else "",
                )
            )
        for entry in right_entries:
            if entry.key not in seen:
                text = text_of(entry)
                rows.append(CompareRow(part, label_of(entry), "", text, "", signature(entry)))

    for topic in SituationTopic:
        matched(
            "Situation",
            lambda e, topic=topic: topic.label,
            _situation_text,
            a.situation[topic],
            b.situation[topic],
        )
    for kind in UnderstandingKind:
        matched(
            "Understanding",
            lambda e, kind=kind: kind.label,
            _understanding_text,
            a.understanding[kind],
            b.understanding[kind],
        )
    matched("Plan", lambda e: "Plan", _plan_text, a.plan, b.plan)
    for name, label, part in [
        ("child_views_how", "How the child's views were gathered", "Situation"),
        ("context_housing", "Housing", "Family context"),
        ("context_income", "Income", "Family context"),
        ("context_other", "Other context", "Family context"),
        ("family_agreement", "Does the family agree", "Agreement"),
        ("family_words", "The family's words", "Agreement"),
        ("spectrum_level", "Spectrum of Support level", "Level"),
        ("spectrum_reason", "Why this level", "Level"),
    ]:
        display = getattr(left, f"get_{name}_display", None)
        left_text = display() if display else getattr(left, name)
        display = getattr(right, f"get_{name}_display", None)
        right_text = display() if display else getattr(right, name)
        rows.append(CompareRow(part, label, left_text or "", right_text or ""))
    rows.append(
        CompareRow(
            "Factors",
            "Factors identified",
            ", ".join(left.factors or []),
            ", ".join(right.factors or []),
        )
    )
    return rows


# The family map ------------------------------------------------------------------------------


@dataclass
class FamilyMap:
    people: list  # Person, the children first
    child_ids: set
    relationships: list  # Relationship between two people on the map
    lives_with: list  # (person_a_id, person_b_id)
    agencies: list
    hidden: int  # people on the family the user may not see

    @property
    def person_ids(self) -> list:
        return [person.pk for person in self.people]


def family_map(*, user, case: Case, child_ids, with_agencies: bool = True) -> FamilyMap:
    """The assessment's children, the people related to them or living with them, the ties
    between all of these, and (``with_agencies``) the agencies involved: three queries (four)
    whatever the family's size. Someone the user may not see is left off (and counted)."""
    child_ids = set(child_ids)
    today = timezone.localdate()
    current_home = Q(since_date__isnull=True) | Q(since_date__lte=today)
    current_home &= Q(until_date__isnull=True) | Q(until_date__gte=today)
    homes = list(
        LivesWith.objects.filter(current_home)
        .filter(Q(person_a__in=child_ids) | Q(person_b__in=child_ids))
        .values_list("person_a_id", "person_b_id")
    )
    housemates = {pk for pair in homes for pk in pair}
    current = Relationship.objects.filter(end_date__isnull=True)
    # Every tie from anyone on the map (the children, their relatives, their housemates): the
    # ties between any two of them are among these.
    related_to = current.filter(from_person__in=child_ids).values("to_person")
    related_from = current.filter(to_person__in=child_ids).values("from_person")
    # One statement, as a UNION of lookups each on an index: the same condition written as one
    # OR made PostgreSQL read every relationship (76,000 rows, 21 ms, at 50,000 people).
    parts = [
        current.filter(from_person__in=child_ids),
        current.filter(to_person__in=child_ids),
        current.filter(from_person__in=related_to),
        current.filter(from_person__in=related_from),
    ]
    if housemates:
        parts.append(current.filter(from_person__in=housemates))
    first, *rest = (part.order_by() for part in parts)
    ties = list(first.union(*rest).order_by("kind", "created_at"))
    wanted = child_ids | housemates
    for tie in ties:
        if tie.from_person_id in child_ids or tie.to_person_id in child_ids:
            wanted |= {tie.from_person_id, tie.to_person_id}
    visible = {
        person.pk: person
        for person in people_visible_to(user=user)
        .filter(pk__in=wanted)
        .order_by("date_of_birth", "given_name")
    }
    people = [visible[pk] for pk in visible if pk in child_ids] + [
        visible[pk] for pk in visible if pk not in child_ids
    ]
    return FamilyMap(
        people=people,
        child_ids=child_ids,
        relationships=[
            tie for tie in ties if tie.from_person_id in visible and tie.to_person_id in visible
        ],
        lives_with=[(a, b) for a, b in homes if a in visible and b in visible],
        agencies=list(AgencyInvolved.objects.filter(case_id=case.pk)) if with_agencies else [],
        hidden=len(wanted - set(visible)),
    )


def case_family_children(*, case: Case) -> list:
    """The ids of the children a case's family map centres on: those of its latest assessment, or the
    case's own child while no assessment has started."""
    latest = Assessment.objects.filter(case=case).order_by("-started_at").first()
    return [c.pk for c in latest.children.all()] if latest else [case.child_id]


# The chronology ------------------------------------------------------------------------------

SOURCES = [("", "Everything"), ("significant", "Significant events"), ("system", "System events")]


@dataclass
class ChronologyRow:
    on: date
    at: datetime | None
    kind: str  # "significant" or "system"
    what: str
    source: str
    impact: str
    person: object
    entry: ChronologyEntry | None = None


def chronology_rows(
    *,
    user,
    case: Case,
    people,
    source: str = "",
    since: date | None = None,
    until: date | None = None,
    person_id=None,
    page_number=None,
    per_page: int = CHRONOLOGY_PAGE_SIZE,
) -> Page:
    """The worker's significant events and the system events recorded for the family's people
    (those on the map the user may see), merged newest first and filtered; one page of them.
    Three queries for any page, however long the chronology."""
    people_by_id = {person.pk: person for person in people}
    visible_ids = list(people_by_id)
    rows = []
    if source in ("", "significant"):
        entries = ChronologyEntry.objects.filter(case=case, removed_at__isnull=True)
        if since:
            entries = entries.filter(occurred_on__gte=since)
        if until:
            entries = entries.filter(occurred_on__lte=until)
        if person_id:
            entries = entries.filter(about_person_id=person_id)
        for entry in entries.select_related("recorded_by"):
            rows.append(
                ChronologyRow(
                    on=entry.occurred_on,
                    at=None,
                    kind="significant",
                    what=entry.what,
                    source=entry.source,
                    impact=entry.impact,
                    person=people_by_id.get(entry.about_person_id),
                    entry=entry,
                )
            )
    if source in ("", "system"):
        hidden = set(people_hidden_from(user=user).values_list("pk", flat=True))
        events = ChronologyEvent.objects.filter(
            person_id__in=[person_id] if person_id else visible_ids
        ).exclude(about_person_id__in=hidden)
        zone = timezone.get_current_timezone()
        if since:
            events = events.filter(occurred_at__gte=datetime.combine(since, time.min, zone))
        if until:
            events = events.filter(
                occurred_at__lt=datetime.combine(until + timedelta(days=1), time.min, zone)
            )
        for event in events.order_by("-occurred_at")[:1000]:
            rows.append(
                ChronologyRow(
                    on=timezone.localdate(event.occurred_at),
                    at=event.occurred_at,
                    kind="system",
                    what=event.title + (f": {event.summary}" if event.summary else ""),
                    source="Family Connect",
                    impact="",
                    person=people_by_id.get(event.person_id),
                )
            )
    rows.sort(key=lambda row: (row.on, row.at.timestamp() if row.at else 0), reverse=True)
    return Paginator(rows, per_page).get_page(page_number)


def chronology_entry_get(*, case: Case, entry_id) -> ChronologyEntry:
    from django.http import Http404

    entry = ChronologyEntry.objects.filter(case=case, pk=entry_id, removed_at__isnull=True).first()
    if entry is None:
        raise Http404("No such event")
    return entry


# Clocks --------------------------------------------------------------------------------------


def rag_for(*, due_date: date, today: date | None = None) -> Rag:
    today = today or timezone.localdate()
    if due_date < today:
        return Rag.RED
    if due_date <= add_working_days_to_date(today, AMBER_WORKING_DAYS):
        return Rag.AMBER
    return Rag.GREEN


def family_copies_of(*, version: AssessmentVersion) -> list:
    return list(
        FamilyCopy.objects.filter(version=version).defer("pdf").select_related("requested_by")
    )


def version_spectrum_decisions(*, version: AssessmentVersion, child_ids) -> dict:
    """{child id: their current Spectrum decision, or None when none was recorded since the
    version was started}: what sign-off needs for each child (docs/pathway.md). The indicators
    come with them; the children are already opened (and logged) with the assessment."""
    current = decisions_current_for_people(person_ids=list(child_ids))
    return {
        pk: decision if decision and decision.decided_at >= version.created_at else None
        for pk, decision in current.items()
    }


def version_spectrum_missing(*, version: AssessmentVersion, child_ids) -> set:
    """The children with no current Spectrum decision recorded since the version was started
    (one query, or none when ``versions_of(spectrum_recorded=True)`` read it already)."""
    if hasattr(version, "spectrum_recorded_ids"):  # read with the versions (versions_of)
        return set(child_ids) - set(version.spectrum_recorded_ids or [])
    recorded = set(
        _spectrum_recorded(child_ids=list(child_ids), since=version.created_at).values_list(
            "person_id", flat=True
        )
    )
    return set(child_ids) - recorded


def _spectrum_recorded(*, child_ids, since):
    """The current decisions of these children recorded at or after ``since``."""
    return SpectrumDecision.objects.filter(
        person__in=child_ids, superseded_by__isnull=True, decided_at__gte=since
    )


def assessment_api_queryset(*, user):
    return (
        assessments_visible_to(user=user)
        .select_related("case")
        .prefetch_related("children", "versions")
        .order_by("-started_at", "pk")
    )
