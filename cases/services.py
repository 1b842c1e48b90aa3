"""Every change to a case, each checking the case's current state first (docs/cases.md).

Each service locks the case row (``SELECT ... FOR UPDATE``), re-reads its state, and refuses
with a ``CaseError`` naming what is wrong; the views show that message beside the form.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import rules
from accounts.models import User
from cases.models import (
    OPEN_STATUSES,
    TRANSFER_LEVEL,
    Allocation,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseLevel,
    CaseNote,
    CaseStatus,
    CaseTask,
    ClosureReason,
    PrimaryNeed,
    TransferReason,
)
from cases.selectors import (
    previous_referral_case,
    team_is_managed_by,
    team_members_who_can_hold,
)
from locality.models import Team
from people.services import chronology_event_record

logger = logging.getLogger(__name__)


class CaseError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("team", "child", "allocated_to")
        .get(pk=case.pk)
    )


def _event(case: Case, kind: str, by, summary: str, *, at: datetime | None = None) -> CaseEvent:
    at = at or timezone.now()
    event = CaseEvent.objects.create(case=case, kind=kind, at=at, by=by, summary=summary)
    # The child's own chronology carries the case's story to whichever team works with them next.
    chronology_event_record(
        person=case.child,
        occurred_at=at,
        kind=f"CASE_{kind}",
        title=f"{case.team}: {CaseEventKind(kind).label}",
        summary=summary,
        source_type="cases.case",
        source_id=case.pk,
        recorded_by=by,
    )
    return event


def _require_manager(case: Case, user, action: str) -> None:
    if not (rules.can_manage_cases(user) and team_is_managed_by(team=case.team, user=user)):
        raise CaseError(f"Only a manager of {case.team} can {action}")


def _require_state(case: Case, allowed, action: str) -> None:
    if case.status not in allowed:
        raise CaseError(f"This case is {case.get_status_display().lower()}, so you cannot {action}")


# Opening ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    case: Case
    joined: bool  # True: the child was already open to the team; the referral joined that case


def case_open(
    *,
    referral,
    child_id,
    team: Team,
    level: str,
    urgent: bool,
    referral_date: date,
    assessment_due_date: date,
    by,
) -> Opened:
    """Open a case for an authorised referral (called by the front door's authorisation, inside
    its transaction). A child already open to the team gets no second case: the referral joins
    the open one and the worker is told."""
    existing = (
        Case.objects.select_for_update(of=("self",))
        .filter(child_id=child_id, team=team, status__in=OPEN_STATUSES)
        .select_related("team", "child", "allocated_to")
        .first()
    )
    now = timezone.now()
    if existing is not None:
        _join(existing, referral=referral, by=by, kind=CaseEventKind.REFERRAL_JOINED)
        return Opened(case=existing, joined=True)
    earlier = previous_referral_case(child_id=child_id, referral_date=referral_date)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                child_id=child_id,
                team=team,
                opened_by=referral,
                first_referral=referral,
                level=level,
                urgent=urgent,
                referral_date=referral_date,
                assessment_due_date=assessment_due_date,
                opened_at=now,
                re_referral_of=earlier,
            )
    except IntegrityError:
        # Another authorisation opened a case for the child in this team a moment ago.
        existing = Case.objects.select_for_update(of=("self",)).get(
            child_id=child_id, team=team, status__in=OPEN_STATUSES
        )
        _join(existing, referral=referral, by=by, kind=CaseEventKind.REFERRAL_JOINED)
        return Opened(case=existing, joined=True)
    summary = f"Referral {referral.consultation.reference} authorised by {by}"
    if earlier is not None:
        summary += f". Re-referral: referred before on {earlier.referral_date:%-d %B %Y}"
    _event(case, CaseEventKind.OPENED, by, summary, at=now)
    _arrival_notify_after_commit(case)
    return Opened(case=case, joined=False)


def _join(case: Case, *, referral, by, kind: str) -> None:
    referral.joined_case = case
    referral.save(update_fields=["joined_case"])
    reference = referral.consultation.reference
    label = "New referral" if kind == CaseEventKind.REFERRAL_JOINED else "New information"
    _event(case, kind, by, f"{label} from Family Connect: consultation {reference}")
    worker = case.allocated_to
    if worker is not None:
        CaseTask.objects.create(
            case=case,
            title=f"Read consultation {reference} from Family Connect",
            due_date=timezone.localdate(),
            assigned_to=worker,
            created_by=by,
            created_at=timezone.now(),
        )
    recipients = [worker.email] if worker is not None and worker.email else _team_inbox(case.team)
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Family Connect: new information about a child on your caseload ({reference})",
                message=(
                    f"Family Connect has passed you new information from consultation {reference} "
                    f"about a child open to {case.team}.\nOpen Family Connect and read it on the case."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
        )


def case_pass_to_worker(*, referral, child_id, by) -> Case:
    """The outcome "pass to the allocated worker": the information goes to the child's open case
    (the one allocated most recently if several), and no new case is opened."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(child_id=child_id, status__in=OPEN_STATUSES)
        .select_related("team", "child", "allocated_to")
        .order_by(F("allocated_to").asc(nulls_last=True), "-opened_at")
        .first()
    )
    if case is None:
        raise CaseError("This child is not open to a team, so there is no worker to pass to")
    _join(case, referral=referral, by=by, kind=CaseEventKind.INFORMATION_PASSED)
    return case


def _team_inbox(team: Team) -> list[str]:
    inbox = team.inbox_email or team.email
    return [inbox] if inbox else []


def _arrival_notify_after_commit(case: Case) -> None:
    from cases.tasks import case_arrival_notify

    case_id = str(case.pk)
    transaction.on_commit(lambda: case_arrival_notify.delay(case_id))


def case_arrival_notify_send(*, case_id) -> bool:
    """Email the receiving team that a case has arrived, once. The row is locked while the mail
    is sent and marked only after the mail server accepts it, so a retry after a failure sends
    it and a second run sends nothing."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("team", "first_referral__consultation")
            .filter(pk=case_id)
            .first()
        )
        if case is None or case.arrival_notified_at is not None:
            return False
        family = _family_cases_unannounced(case)
        if family is None:
            # The family's alert has already gone to the team: one alert per family, not one
            # per child (docs/protection.md); the child is at the top of the team's queue.
            case.arrival_notified_at = timezone.now()
            case.save(update_fields=["arrival_notified_at"])
            return False
        recipients = _team_inbox(case.team)
        if not recipients:
            logger.warning("Team %s has no inbox; case %s arrived unannounced", case.team, case.pk)
            return False
        reference = case.first_referral.consultation.reference if case.first_referral else ""
        urgent = "URGENT: " if case.urgent else ""
        children = f" for {len(family)} children in one family" if len(family) > 1 else ""
        send_mail(
            subject=f"{urgent}New case for {case.team} ({reference})",
            message=(
                f"A new {case.get_level_display()} case{children} has arrived for {case.team}"
                f"{' and needs action today' if case.urgent else ''}.\n"
                f"Open Family Connect and see it in the team's incoming queue. Reference {reference}."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        Case.objects.filter(pk__in=[c.pk for c in family]).update(
            arrival_notified_at=timezone.now()
        )
        return True


def _family_cases_unannounced(case: Case) -> list[Case] | None:
    """An urgent case and its siblings from the same consultation in the same team, locked, to
    announce in one alert; None when the family's alert has already been sent. Other cases are
    announced one by one."""
    if not (case.urgent and case.first_referral_id):
        return [case]
    siblings = list(
        Case.objects.select_for_update(of=("self",))
        .filter(
            team_id=case.team_id,
            urgent=True,
            first_referral__consultation_id=case.first_referral.consultation_id,
        )
        .order_by("opened_at")
    )
    if any(c.arrival_notified_at is not None for c in siblings if c.pk != case.pk):
        return None
    return siblings


# Intake -------------------------------------------------------------------------------------


@transaction.atomic
def case_accept(*, case: Case, manager, primary_need: str = "") -> Case:
    case = _locked(case)
    _require_manager(case, manager, "accept its cases")
    _require_state(case, [CaseStatus.INCOMING], "accept it")
    if primary_need and primary_need not in PrimaryNeed.values:
        raise CaseError("Choose the child's primary need from the list", field="primary_need")
    case.status, case.accepted_at, case.accepted_by = (
        CaseStatus.UNALLOCATED,
        timezone.now(),
        manager,
    )
    case.primary_need = primary_need or case.primary_need
    case.save(update_fields=["status", "accepted_at", "accepted_by", "primary_need"])
    _event(case, CaseEventKind.ACCEPTED, manager, f"Accepted by {manager}")
    return case


@transaction.atomic
def case_send_back(*, case: Case, manager, reason: str) -> Case:
    case = _locked(case)
    _require_manager(case, manager, "send its cases back")
    _require_state(case, [CaseStatus.INCOMING], "send it back")
    if not reason.strip():
        raise CaseError("Say why the case is going back to Family Connect", field="reason")
    now = timezone.now()
    case.status, case.sent_back_reason, case.closed_at, case.closed_by = (
        CaseStatus.SENT_BACK,
        reason.strip(),
        now,
        manager,
    )
    case.save(update_fields=["status", "sent_back_reason", "closed_at", "closed_by"])
    _event(case, CaseEventKind.SENT_BACK, manager, f"Sent back by {manager}: {reason.strip()}")
    return case


# Allocation ---------------------------------------------------------------------------------


@transaction.atomic
def case_allocate(*, case: Case, worker: User, manager, reason: str = "") -> Case:
    """Allocate (or re-allocate) the case to a worker in its team. A case at child protection
    level goes only to a registered social worker."""
    case = _locked(case)
    _require_manager(case, manager, "allocate its cases")
    _require_state(case, [CaseStatus.UNALLOCATED, CaseStatus.ALLOCATED], "allocate it")
    if worker not in team_members_who_can_hold(team=case.team):
        raise CaseError(f"{worker} is not a case-holding member of {case.team}", field="worker")
    if case.level == CaseLevel.IMMEDIATE_PROTECTION and not worker.is_social_work_qualified:
        raise CaseError(
            f"{worker} has no Social Work England number: a child protection case needs a "
            "registered social worker",
            field="worker",
        )
    if case.allocated_to_id == worker.pk:
        raise CaseError(f"The case is already allocated to {worker}", field="worker")
    now = timezone.now()
    Allocation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    Allocation.objects.create(
        case=case, worker=worker, allocated_by=manager, started_at=now, reason=reason.strip()
    )
    previous = case.allocated_to
    case.status, case.allocated_to = CaseStatus.ALLOCATED, worker
    case.save(update_fields=["status", "allocated_to"])
    summary = (
        f"Re-allocated from {previous} to {worker} by {manager}"
        if previous
        else f"Allocated to {worker} by {manager}"
    )
    _event(case, CaseEventKind.ALLOCATED, manager, summary + (f": {reason}" if reason else ""))
    if worker.email:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Family Connect: a case has been allocated to you ({case.team})",
                message="A case has been allocated to you. Open Family Connect to see it in My cases.",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[worker.email],
            )
        )
    return case


# Work on the case ---------------------------------------------------------------------------


def _require_worker(case: Case, user) -> None:
    """Anyone in the case's team may write on it: the allocated worker, colleagues covering, and
    the manager. The case itself must be open."""
    from cases.selectors import team_ids_of

    if not (rules.can_work_cases(user) and case.team_id in team_ids_of(user=user)):
        raise CaseError(f"Only members of {case.team} can write on this case")
    _require_state(case, OPEN_STATUSES, "add to it")


@transaction.atomic
def case_note_record(
    *,
    case: Case,
    by,
    kind: str,
    occurred_at: datetime,
    text: str,
    who_was_seen: str = "",
    child_seen: bool = False,
    child_seen_alone: bool = False,
) -> CaseNote:
    case = _locked(case)
    _require_worker(case, by)
    errors = {}
    if not text.strip():
        errors["text"] = "Write what happened"
    if occurred_at > timezone.now():
        errors["occurred_at"] = "The date and time cannot be in the future"
    if child_seen_alone and not child_seen:
        errors["child_seen_alone"] = "A child seen alone was seen: tick both"
    if errors:
        field, message = next(iter(errors.items()))
        raise CaseError(message, field=field)
    note = CaseNote.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        who_was_seen=who_was_seen.strip(),
        child_seen=child_seen,
        child_seen_alone=child_seen_alone,
        text=text.strip(),
        written_by=by,
        written_at=timezone.now(),
    )
    seen = ""
    if child_seen:
        seen = ", child seen alone" if child_seen_alone else ", child seen"
    _event(case, CaseEventKind.CONTACT, by, f"{note.get_kind_display()}{seen}", at=occurred_at)
    return note


@transaction.atomic
def case_task_set(*, case: Case, by, title: str, due_date: date, assigned_to: User) -> CaseTask:
    case = _locked(case)
    _require_worker(case, by)
    if not title.strip():
        raise CaseError("Say what needs doing", field="title")
    if assigned_to not in team_members_who_can_hold(team=case.team) and not team_is_managed_by(
        team=case.team, user=assigned_to
    ):
        raise CaseError(f"{assigned_to} is not in {case.team}", field="assigned_to")
    task = CaseTask.objects.create(
        case=case,
        title=title.strip(),
        due_date=due_date,
        assigned_to=assigned_to,
        created_by=by,
        created_at=timezone.now(),
    )
    _event(
        case, CaseEventKind.TASK_SET, by, f"{task.title} (due {due_date:%-d %b %Y}, {assigned_to})"
    )
    return task


@transaction.atomic
def case_task_done(*, task: CaseTask, by) -> CaseTask:
    task = CaseTask.objects.select_for_update().select_related("case").get(pk=task.pk)
    _require_worker(_locked(task.case), by)
    if task.done_at is not None:
        raise CaseError(f"This task was already marked done by {task.done_by}")
    task.done_at, task.done_by = timezone.now(), by
    task.save(update_fields=["done_at", "done_by"])
    _event(task.case, CaseEventKind.TASK_DONE, by, task.title)
    return task


# Moving work --------------------------------------------------------------------------------


@transaction.atomic
def case_transfer(*, case: Case, to_team: Team, reason: str, note: str, by) -> Case:
    """Move the work to another team without re-keying: the case ends as transferred and a new
    case opens in the receiving team's incoming queue, linked to it, with the same child, referral
    and clocks."""
    case = _locked(case)
    from cases.selectors import team_ids_of

    if not (rules.can_work_cases(by) and case.team_id in team_ids_of(user=by)):
        raise CaseError(f"Only members of {case.team} can transfer this case")
    _require_state(case, [CaseStatus.UNALLOCATED, CaseStatus.ALLOCATED], "transfer it")
    if reason not in TransferReason.values:
        raise CaseError("Choose why the case is moving", field="reason")
    # A locality Family Help team works at both Early Support and Family Help: a step up or
    # down between them may stay in the team (a new case at the new level, in its incoming
    # queue). Any other move is to a different team.
    changes_level = TRANSFER_LEVEL[TransferReason(reason)] not in (None, case.level)
    if to_team.pk == case.team_id and not (
        changes_level and reason != TransferReason.STEP_UP_MACPT
    ):
        raise CaseError("Choose a different team", field="to_team")
    if not to_team.is_active:
        raise CaseError(f"{to_team} is no longer taking work", field="to_team")
    if (
        Case.objects.filter(child_id=case.child_id, team=to_team, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .exists()
    ):
        raise CaseError(f"The child is already open to {to_team}", field="to_team")
    now = timezone.now()
    case.status, case.closed_at, case.closed_by = CaseStatus.TRANSFERRED, now, by
    case.save(update_fields=["status", "closed_at", "closed_by"])
    Allocation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    level = TRANSFER_LEVEL[TransferReason(reason)] or case.level
    new_case = Case.objects.create(
        child_id=case.child_id,
        team=to_team,
        first_referral_id=case.first_referral_id,
        previous_case=case,
        transfer_reason=reason,
        transfer_note=note.strip(),
        level=level,
        urgent=case.urgent or reason == TransferReason.STEP_UP_MACPT,
        referral_date=case.referral_date,
        assessment_due_date=case.assessment_due_date,
        opened_at=now,
        re_referral_of=case.re_referral_of,
    )
    label = TransferReason(reason).label
    _event(case, CaseEventKind.TRANSFERRED_OUT, by, f"To {to_team}: {label}. {note}".strip())
    _event(new_case, CaseEventKind.TRANSFERRED_IN, by, f"From {case.team}: {label}. {note}".strip())
    _arrival_notify_after_commit(new_case)
    return new_case


@transaction.atomic
def case_close(
    *,
    case: Case,
    manager,
    reason: str,
    note: str = "",
    primary_need: str = "",
    referral_nfa: bool = False,
) -> Case:
    case = _locked(case)
    _require_manager(case, manager, "close its cases")
    _require_state(case, OPEN_STATUSES, "close it")
    if reason not in ClosureReason.values:
        raise CaseError("Choose the reason for closing", field="reason")
    if primary_need and primary_need not in PrimaryNeed.values:
        raise CaseError("Choose the child's primary need from the list", field="primary_need")
    now = timezone.now()
    case.status, case.closure_reason, case.closure_note = CaseStatus.CLOSED, reason, note.strip()
    case.closed_at, case.closed_by = now, manager
    case.primary_need = primary_need or case.primary_need
    case.referral_nfa = referral_nfa
    case.save(
        update_fields=[
            "status",
            "closure_reason",
            "closure_note",
            "closed_at",
            "closed_by",
            "primary_need",
            "referral_nfa",
        ]
    )
    Allocation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    _event(case, CaseEventKind.CLOSED, manager, f"{ClosureReason(reason).label}. {note}".strip())
    return case


@transaction.atomic
def case_reroute(*, case: Case, manager, to_team: Team, note: str) -> Case:
    """Family Connect's answer to a case a team sent back: route it to another team (a new case,
    linked to the one sent back)."""
    case = _locked(case)
    if not rules.can_reroute_sent_back_cases(manager):
        raise CaseError("Only a Family Connect manager can route a sent-back case")
    _require_state(case, [CaseStatus.SENT_BACK], "route it on")
    if case.front_door_resolved_at is not None:
        raise CaseError("Family Connect has already dealt with this case")
    if to_team.pk == case.team_id:
        raise CaseError("The team sent it back: choose a different team", field="to_team")
    if not note.strip():
        raise CaseError("Say why this team should take it", field="note")
    if Case.objects.filter(child_id=case.child_id, team=to_team, status__in=OPEN_STATUSES).exists():
        raise CaseError(f"The child is already open to {to_team}", field="to_team")
    now = timezone.now()
    case.front_door_resolved_at = now
    case.save(update_fields=["front_door_resolved_at"])
    new_case = Case.objects.create(
        child_id=case.child_id,
        team=to_team,
        first_referral_id=case.first_referral_id,
        previous_case=case,
        transfer_note=note.strip(),
        level=case.level,
        urgent=case.urgent,
        referral_date=case.referral_date,
        assessment_due_date=case.assessment_due_date,
        opened_at=now,
        re_referral_of=case.re_referral_of,
    )
    _event(case, CaseEventKind.REROUTED, manager, f"Routed to {to_team} by {manager}: {note}")
    _event(new_case, CaseEventKind.OPENED, manager, f"Routed by Family Connect from {case.team}")
    _arrival_notify_after_commit(new_case)
    return new_case


@transaction.atomic
def case_sent_back_acknowledge(*, case: Case, manager, note: str) -> Case:
    """Family Connect accepts a sent-back case needs nothing more from a team (recorded)."""
    case = _locked(case)
    if not rules.can_reroute_sent_back_cases(manager):
        raise CaseError("Only a Family Connect manager can settle a sent-back case")
    _require_state(case, [CaseStatus.SENT_BACK], "settle it")
    if case.front_door_resolved_at is not None:
        raise CaseError("Family Connect has already dealt with this case")
    if not note.strip():
        raise CaseError("Say what Family Connect will do instead", field="note")
    case.front_door_resolved_at = timezone.now()
    case.save(update_fields=["front_door_resolved_at"])
    _event(case, CaseEventKind.REROUTED, manager, f"No team needed ({manager}): {note}")
    return case
