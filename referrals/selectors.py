from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from audit.access import record_get_for_user
from cases.selectors import cases_visible_to
from familyfirst.clocks import Rag, rag_status
from protection.clocks import strategy_due_at
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)
from spectrum.models import LevelCode

OPEN_STATUSES = [ConsultationStatus.DRAFT, ConsultationStatus.AWAITING_AUTHORISATION]
# 50 a page, as the authorisation queue and the caseloads: drawing the rows was most of the
# queue's time (docs/load-test.md), and the soonest due are on the first page either way.
QUEUE_PAGE_SIZE = 50
AUTHORISATION_PAGE_SIZE = 50
DRAFTS_PAGE_SIZE = 25


def consultations_visible_to(*, user):
    """Family Connect sees every consultation; a case worker sees the consultations about the
    children on their teams' cases (the one that opened the case, and any call since), so the
    story travels with the child (docs/cases.md). Either way, none that names a child the
    restriction rule hides from the user (people.restriction)."""
    from people.restriction import people_hidden_from

    if rules.can_take_consultations(user):
        consultations = Consultation.objects.all()
    elif rules.can_work_cases(user):
        children = cases_visible_to(user=user).values("child_id")
        consultations = Consultation.objects.filter(
            pk__in=ConsultationChild.objects.filter(child__in=children).values("consultation")
        )
    else:
        return Consultation.objects.none()
    return consultations.exclude(children__child__in=people_hidden_from(user=user))


def _children_count():
    """How many children a consultation names: a subquery per row shown, not a join and GROUP BY
    over every row the list could show."""
    children = (
        ConsultationChild.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(children), 0)


@dataclass(frozen=True)
class QueueRow:
    consultation: Consultation
    rag: Rag
    children: int
    # Immediate protection: first in the queue, on the strategy discussion's clock (same working
    # day; docs/protection.md) instead of the one-working-day decision clock.
    immediate: bool = False
    due_at: object = None


class _ImmediateFirst:
    """The open consultations naming immediate protection, then the rest, each in due order, as
    one list the Paginator can count and slice (each consultation marked ``immediate``). Both
    keep the (status, decision_due_at) index: ordering every open consultation by "names
    immediate protection" took the queue's database time from 7 ms to 200 ms with 10,000 open
    (bench/referrals_queue.py)."""

    def __init__(self, immediate, rest):
        self.immediate, self.rest = immediate, rest
        self._first = None

    def _first_count(self) -> int:
        if self._first is None:
            self._first = self.immediate.count()
        return self._first

    def count(self) -> int:
        return self._first_count() + self.rest.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, first = index.start or 0, index.stop, self._first_count()
        rows = []
        if start < first:
            rows += [_marked(c, True) for c in self.immediate[start:stop]]
        rest_start = max(start - first, 0)
        rest_stop = None if stop is None else max(stop - first, 0)
        if rest_stop is None or rest_stop > rest_start:
            rows += [_marked(c, False) for c in self.rest[rest_start:rest_stop]]
        return rows


def _marked(consultation, immediate: bool):
    consultation.immediate = immediate
    return consultation


def front_door_queue(
    *,
    user,
    practitioner_id=None,
    status: str = "",
    now=None,
    page_number=None,
    per_page: int = QUEUE_PAGE_SIZE,
) -> Page:
    """Open consultations, immediate protection first, then the soonest due, with their clocks:
    one page of QueueRows, and how many are open in all (``page.paginator.count``). A fixed
    number of queries however long the queue: drawing every row took over four seconds with
    10,000 open (bench/referrals_queue.py)."""
    now = now or timezone.now()
    consultations = (
        consultations_visible_to(user=user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("practitioner")
        .annotate(children_count=_children_count())
    )
    if practitioner_id:
        consultations = consultations.filter(practitioner_id=practitioner_id)
    if status:
        consultations = consultations.filter(status=status)
    # The few open consultations naming immediate protection, read first as a list: with none
    # (most of the time) the rest is the plain due-order query on its index.
    immediate_ids = list(
        ConsultationChild.objects.filter(
            outcome=Outcome.IMMEDIATE_PROTECTION, consultation__status__in=OPEN_STATUSES
        )
        .values_list("consultation_id", flat=True)
        .distinct()
    )
    immediate = consultations.filter(pk__in=immediate_ids).order_by("decision_due_at", "reference")
    rest = consultations.exclude(pk__in=immediate_ids).order_by("decision_due_at", "reference")
    page = Paginator(_ImmediateFirst(immediate, rest), per_page).get_page(page_number)
    amber = timedelta(hours=settings.CLOCK_AMBER_HOURS)
    rows = []
    for c in page.object_list:
        is_immediate = c.immediate
        due_at = c.decision_due_at
        if is_immediate:
            due_at = min(strategy_due_at(c.received_at), due_at)
        rows.append(
            QueueRow(
                consultation=c,
                rag=rag_status(due_at=due_at, now=now, amber_within=amber),
                children=c.children_count,
                immediate=is_immediate,
                due_at=due_at,
            )
        )
    page.object_list = rows
    return page


def authorisation_queue(*, user):
    if not rules.can_authorise_consultations(user):
        return ConsultationChild.objects.none()
    return (
        ConsultationChild.objects.filter(authorisation=AuthorisationStatus.AWAITING)
        .filter(Q(consultation__in=consultations_visible_to(user=user)))
        .select_related("consultation", "child", "team", "decided_by")
        # The order of the consultation_child_queue index: a page is one index scan.
        .order_by("-urgent", "decision_due_at", "pk")
    )


def decided_since_listed(*, user, link_id) -> bool:
    """Whether an outcome the user could have seen in the authorisation queue has left it
    (authorised or returned by someone else) since."""
    if not rules.can_authorise_consultations(user):
        return False
    return ConsultationChild.objects.filter(
        pk=link_id,
        consultation__in=consultations_visible_to(user=user),
        authorisation__in=[AuthorisationStatus.AUTHORISED, AuthorisationStatus.RETURNED],
    ).exists()


def authorisation_queue_page(
    *, user, page_number=None, per_page: int = AUTHORISATION_PAGE_SIZE
) -> Page:
    """One page of the outcomes waiting for a manager, urgent first, then the soonest due, and
    how many wait in all (``page.paginator.count``). Drawing every one took four seconds and
    4 MB a view with 7,850 waiting (bench/results/load.json)."""
    return Paginator(authorisation_queue(user=user), per_page).get_page(page_number)


CHILD_LINK_RELATIONS = [
    "child",
    "team",
    "suggested_team",
    "spectrum_decision",
    "routing_override",
    "decided_by",
    "authorised_by",
    "case__team",
    "joined_case__team",
    "joined_case__allocated_to",
]


def consultation_children(*, consultation):
    return consultation.children.select_related(*CHILD_LINK_RELATIONS)


def consultations_with_children(*, user):
    """Consultations the user may see, each with its children and what was decided for them:
    two queries however many."""
    links = ConsultationChild.objects.select_related(*CHILD_LINK_RELATIONS)
    return (
        consultations_visible_to(user=user)
        .select_related("practitioner", "updated_by")
        .prefetch_related(Prefetch("children", queryset=links))
    )


def consultation_links(*, consultation) -> list:
    """The consultation's children, loaded once per request."""
    if not hasattr(consultation, "loaded_links"):
        consultation.loaded_links = list(consultation_children(consultation=consultation))
    return consultation.loaded_links


def consultation_get_for_user(*, request, consultation_id, reason: str = "") -> Consultation:
    """The one way a page or the API opens a consultation: an outsider gets a 404, and the read
    writes one access-log row per child named in it (one row before any child is added)."""
    consultation = record_get_for_user(
        request=request,
        visible=consultations_with_children(user=request.user),
        pk=consultation_id,
        record_type="consultation",
        person_ids_of=lambda c: [link.child_id for link in c.children.all()],
        reason=reason,
    )
    consultation.loaded_links = list(consultation.children.all())
    return consultation


def my_drafts(*, user, page_number=None, per_page: int = DRAFTS_PAGE_SIZE) -> Page:
    """One page of the practitioner's own consultations still in progress, the last saved first:
    where they pick up after a break, a closed browser or an expired session."""
    drafts = (
        consultations_visible_to(user=user)
        .filter(practitioner=user, status=ConsultationStatus.DRAFT)
        .annotate(children_count=_children_count())
        .order_by("-updated_at", "pk")
    )
    return Paginator(drafts, per_page).get_page(page_number)


@dataclass(frozen=True)
class HistoryRow:
    when: date
    person: object
    age: str
    kind: str
    reference: str
    outcome: str
    level: str
    team: object
    status: str
    url: str = ""


def _age_at(person, on: date) -> str:
    born = person.date_of_birth
    if born is None:
        return "Unborn" if person.expected_date_of_birth else "Not known"
    if on < born:
        return "Unborn"
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if years >= 2:
        return f"{years}"
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    return f"{months} month{'s' if months != 1 else ''}"


def household_history(*, user, consultation) -> dict:
    """Earlier consultations and open cases for every child in this consultation and everyone who
    lives with them, newest first, with each child's age at the time and the level decided.
    People the viewer may not see (restricted records) are left out and counted."""
    from cases.models import CaseStatus
    from people.selectors import households_ids, people_visible_to

    children = [link.child for link in consultation_links(consultation=consultation)]
    everyone = set(households_ids(people=children)) if children else set()
    people = {p.pk: p for p in people_visible_to(user=user).filter(pk__in=everyone)}
    visible = set(people)
    level_names = dict(LevelCode.choices)
    rows = []
    # Every case is opened by a consultation's child, so one query finds both.
    earlier = (
        ConsultationChild.objects.filter(child__in=visible)
        .exclude(consultation=consultation)
        .select_related("consultation", "spectrum_decision", "team", "case__team")
        .order_by("-consultation__received_at")
    )
    for link in earlier:
        person, decision = people[link.child_id], link.spectrum_decision
        level = level_names.get(decision.decided_level, "") if decision else ""
        on = timezone.localdate(link.consultation.received_at)
        rows.append(
            HistoryRow(
                when=on,
                person=person,
                age=_age_at(person, on),
                kind="Consultation",
                reference=link.consultation.reference,
                outcome=link.get_outcome_display() or "No outcome yet",
                level=level,
                team=link.team,
                status=link.consultation.get_status_display(),
                url=reverse("referrals:consultation-record", args=[link.consultation_id]),
            )
        )
        case = getattr(link, "case", None)
        if case is not None and case.status != CaseStatus.CLOSED:
            rows.append(
                HistoryRow(
                    when=case.referral_date,
                    person=person,
                    age=_age_at(person, case.referral_date),
                    kind="Open case",
                    reference=link.consultation.reference,
                    outcome=link.get_outcome_display(),
                    level=level,
                    team=case.team,
                    status=f"{case.get_status_display()}, assessment due {case.assessment_due_date:%-d %b %Y}",
                    # The front door cannot open a team's case; the consultation that opened it,
                    # yes (the case page links to the same record for the team).
                    url=reverse("referrals:consultation-record", args=[link.consultation_id]),
                )
            )
    rows.sort(key=lambda row: row.when, reverse=True)
    return {
        "rows": rows,
        "people": sorted(people.values(), key=lambda p: (p.family_name, p.given_name)),
        "hidden": len(everyone - visible),
    }


__all__ = [
    "HistoryRow",
    "QueueRow",
    "authorisation_queue",
    "authorisation_queue_page",
    "decided_since_listed",
    "consultation_children",
    "consultation_get_for_user",
    "consultations_with_children",
    "consultation_links",
    "front_door_queue",
    "household_history",
    "my_drafts",
]
