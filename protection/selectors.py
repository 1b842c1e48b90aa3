"""Who sees the child protection records, and the MACPT queue and LCPP caseload.

A member of a MACPT sees the team's protection work: the records hang off the team's cases, so
they are read through ``cases.selectors.cases_visible_to`` (team scope, the restriction rule).
Every page and API read writes one access-log row per child shown (docs/protection.md).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils import timezone

from audit.access import record_get_for_user
from cases.selectors import cases_visible_to, team_ids_of
from familyfirst.clocks import UK, Rag, rag_status
from locality.models import Team, TeamType
from protection.clocks import date_rag
from protection.models import (
    Conference,
    ConferenceStatus,
    EnquiryStatus,
    MacptCall,
    PlanStatus,
    ProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyStatus,
)

QUEUE_PAGE_SIZE = 50


def protection_cases_visible_to(*, user):
    return cases_visible_to(user=user).filter(team__team_type=TeamType.MACPT)


def macpt_teams_of(*, user):
    return Team.objects.filter(pk__in=team_ids_of(user=user), team_type=TeamType.MACPT)


def _visible(model, user, *relations):
    return model.objects.filter(case__in=protection_cases_visible_to(user=user)).select_related(
        "case__child", "case__team", "case__allocated_to", *relations
    )


def strategy_discussions_visible_to(*, user):
    return _visible(StrategyDiscussion, user)


def enquiries_visible_to(*, user):
    return _visible(Section47Enquiry, user, "lcpp", "fhlp", "strategy_discussion")


def conferences_visible_to(*, user):
    return _visible(Conference, user, "enquiry", "plan")


def plans_visible_to(*, user):
    return _visible(ProtectionPlan, user, "lead", "initial_conference")


def _get(request, visible, pk, record_type):
    return record_get_for_user(
        request=request,
        visible=visible,
        pk=pk,
        record_type=record_type,
        person_id_of=lambda record: record.case.child_id,
    )


def strategy_get_for_user(*, request, discussion_id) -> StrategyDiscussion:
    return _get(
        request,
        strategy_discussions_visible_to(user=request.user),
        discussion_id,
        "strategy-discussion",
    )


def enquiry_get_for_user(*, request, enquiry_id) -> Section47Enquiry:
    return _get(request, enquiries_visible_to(user=request.user), enquiry_id, "section-47")


def conference_get_for_user(*, request, conference_id) -> Conference:
    return _get(request, conferences_visible_to(user=request.user), conference_id, "conference")


def plan_get_for_user(*, request, plan_id) -> ProtectionPlan:
    return _get(request, plans_visible_to(user=request.user), plan_id, "protection-plan")


def case_protection_get_for_user(*, request, case_id):
    return record_get_for_user(
        request=request,
        visible=protection_cases_visible_to(user=request.user).select_related(
            "child", "team", "allocated_to", "first_referral__consultation"
        ),
        pk=case_id,
        record_type="protection-case",
        person_id_of=lambda case: case.child_id,
    )


def case_protection_record(*, case) -> dict:
    """Everything recorded for the case's child protection work, oldest first: four queries."""
    return {
        "discussions": list(
            StrategyDiscussion.objects.filter(case=case)
            .prefetch_related("attendees", "information")
            .order_by("created_at")
        ),
        "enquiries": list(
            Section47Enquiry.objects.filter(case=case)
            .select_related("lcpp", "fhlp")
            .order_by("start_date")
        ),
        "conferences": list(Conference.objects.filter(case=case).order_by("due_date")),
        "plans": list(
            ProtectionPlan.objects.filter(case=case).select_related("lead").order_by("start_date")
        ),
    }


# The queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkRow:
    """One piece of open protection work and its clock."""

    kind: str  # "strategy", "enquiry", "conference", "core-group"
    label: str
    record: object
    due: datetime | date
    rag: Rag

    @property
    def case(self):
        return self.record.case

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.due, datetime):
            return self.due
        return datetime.combine(self.due, datetime.max.time(), tzinfo=UK)


def _open_work(*, user, team=None, lead=None, now=None) -> list[WorkRow]:
    """Every open strategy discussion, enquiry, conference and first core group: four queries
    however many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    amber = timedelta(hours=settings.CLOCK_AMBER_HOURS)

    def scoped(queryset, worker_field):
        if team is not None:
            queryset = queryset.filter(case__team=team)
        if lead is not None:
            queryset = queryset.filter(**{worker_field: lead})
        return queryset

    rows = [
        WorkRow(
            "strategy",
            "Strategy discussion",
            d,
            d.due_at,
            rag_status(due_at=d.due_at, now=now, amber_within=amber),
        )
        for d in scoped(
            strategy_discussions_visible_to(user=user).filter(status=StrategyStatus.DUE),
            "case__allocated_to",
        )
    ]
    rows += [
        WorkRow(
            "enquiry",
            "Section 47 enquiry: initial conference by",
            e,
            e.icpc_target_date,
            date_rag(due=e.icpc_target_date, today=today),
        )
        for e in scoped(enquiries_visible_to(user=user).filter(status=EnquiryStatus.OPEN), "lcpp")
    ]
    rows += [
        WorkRow(
            "conference",
            c.get_kind_display(),
            c,
            c.due_date,
            date_rag(due=c.due_date, today=today),
        )
        for c in scoped(
            conferences_visible_to(user=user).filter(status=ConferenceStatus.DUE),
            "case__allocated_to",
        )
    ]
    rows += [
        WorkRow(
            "core-group",
            "First core group meeting",
            p,
            p.core_group_due_date,
            date_rag(due=p.core_group_due_date, today=today),
        )
        for p in scoped(
            plans_visible_to(user=user).filter(
                status=PlanStatus.ACTIVE, core_group_held_on__isnull=True
            ),
            "lead",
        )
    ]
    # The clock orders the list, so whatever is overdue comes first.
    rows.sort(key=lambda row: (row.sort_key, str(row.record.pk)))
    return rows


def macpt_queue(*, user, team: Team, page_number=None, per_page=QUEUE_PAGE_SIZE) -> Page:
    return Paginator(_open_work(user=user, team=team), per_page).get_page(page_number)


def lcpp_caseload(*, user, page_number=None, per_page=QUEUE_PAGE_SIZE) -> Page:
    return Paginator(_open_work(user=user, lead=user), per_page).get_page(page_number)


def macpt_calls_for(*, consultation_id) -> dict:
    """{team id: the recorded call} for a consultation."""
    return {
        call.team_id: call
        for call in MacptCall.objects.filter(consultation_id=consultation_id).select_related(
            "phoned_by"
        )
    }
