"""Every change to a plan, a review, a sending, a Family Network referral or a flag's details,
each checking the record's current state first (docs/plans.md).

Each service locks the row it changes (``SELECT ... FOR UPDATE``), re-reads its state, and
refuses with a ``PlanError`` naming what is wrong and the field; the views show it beside the
field. Moving the work (step up, step down, close) goes through ``cases.services``.
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from accounts import rules
from accounts.models import User
from cases.models import OPEN_STATUSES, CaseLevel, ClosureReason, TransferReason
from cases.selectors import team_ids_of
from cases.services import CaseError, case_close, case_transfer
from consent.models import LawfulBasis, Purpose, SharingDecision
from consent.selectors import consent_check
from consent.services import sharing_record
from familyfirst.clocks import add_working_days_to_date
from familyfirst.delivery import DeliveryError, DeliveryUncertain, deliver
from locality.models import MembershipRole, Team, TeamMembership
from people.models import FlagKind, Person, PersonFlag
from people.services import chronology_event_record, person_flag_end, person_flag_set
from plans.models import (
    Action,
    ActionOwner,
    ActionStatus,
    Audience,
    FamilyNetworkReferral,
    FlagDetail,
    KinshipArrangement,
    NetworkReferralStatus,
    Outcome,
    PartnerAgency,
    Plan,
    PlanLevel,
    PlanSending,
    PlanStatus,
    Review,
    ReviewDecision,
    ReviewScore,
    SendingStatus,
)

logger = logging.getLogger(__name__)

PRIVATE_FOSTERING_VISIT_WORKING_DAYS = 7


class PlanError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _event(plan: Plan, kind: str, title: str, by, summary: str = "") -> None:
    """The child's chronology carries the plan's story to whichever team works with them next."""
    chronology_event_record(
        person=plan.child,
        occurred_at=timezone.now(),
        kind=f"PLAN_{kind}",
        title=title,
        summary=summary,
        source_type="plans.plan",
        source_id=plan.pk,
        recorded_by=by,
    )


def _locked(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("case__team", "child")
        .get(pk=plan.pk)
    )


def _require_team(case, user, action: str) -> None:
    if not (rules.can_work_cases(user) and case.team_id in team_ids_of(user=user)):
        raise PlanError(f"Only members of {case.team} can {action}")
    if case.status not in OPEN_STATUSES:
        raise PlanError(f"The case is {case.get_status_display().lower()}, so you cannot {action}")


def _require_active(plan: Plan, user, action: str) -> None:
    _require_team(plan.case, user, action)
    if not plan.is_active:
        raise PlanError(f"This plan has ended, so you cannot {action}")


def _required(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise PlanError(message, field=field)
    return value.strip()


# The review schedule ------------------------------------------------------------------------


def review_due_after(*, level: str, on: dt.date, first: bool) -> dt.date:
    """Early Support: about every 4 weeks. Family Help (and child in need): the first review
    within 3 months, then at most every 6. All configurable (docs/plans.md)."""
    if level == PlanLevel.EARLY_SUPPORT:
        return on + dt.timedelta(weeks=settings.PLAN_REVIEW_WEEKS_EARLY_SUPPORT)
    months = (
        settings.PLAN_FIRST_REVIEW_MONTHS_FAMILY_HELP
        if first
        else settings.PLAN_REVIEW_MONTHS_FAMILY_HELP
    )
    return on + relativedelta(months=months)


def plan_level_for(case) -> str:
    return (
        PlanLevel.EARLY_SUPPORT if case.level == CaseLevel.EARLY_SUPPORT else PlanLevel.FAMILY_HELP
    )


# Partner agencies ---------------------------------------------------------------------------


@transaction.atomic
def partner_agency_add(*, by, name: str, kind: str, secure_email: str) -> PartnerAgency:
    if not rules.can_work_cases(by):
        raise PlanError("Only case workers can add partner agencies")
    name = _required(name, "name", "Enter the agency's name")
    if PartnerAgency.objects.filter(name__iexact=name).exists():
        raise PlanError(f"{name} is already a partner agency", field="name")
    return PartnerAgency.objects.create(name=name, kind=kind, secure_email=secure_email.strip())


# Plans, outcomes, actions -------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeInput:
    title: str
    family_words: str = ""
    source_plan_item_id: int | None = None


@transaction.atomic
def plan_start(
    *, case, by, outcomes: list[OutcomeInput], source_assessment_id=None, on: dt.date | None = None
) -> Plan:
    """Start the plan on a case, with its first outcomes (typed in, or copied from the signed-off
    assessment's Plan). One plan in place per child."""
    from cases.models import Case

    case = (
        Case.objects.select_for_update(of=("self",)).select_related("team", "child").get(pk=case.pk)
    )
    _require_team(case, by, "start a plan")
    if case.level == CaseLevel.IMMEDIATE_PROTECTION:
        raise PlanError("A child protection case has a child protection plan, not this one")
    if Plan.objects.filter(child_id=case.child_id, status=PlanStatus.ACTIVE).exists():
        raise PlanError(f"{case.child} already has a plan in place")
    if not outcomes or not any(o.title.strip() for o in outcomes):
        raise PlanError("Write at least one outcome the family want", field="title")
    on = on or timezone.localdate()
    level = plan_level_for(case)
    plan = Plan.objects.create(
        child=case.child,
        case=case,
        level=level,
        started_on=on,
        next_review_date=review_due_after(level=level, on=on, first=True),
        source_assessment_id=source_assessment_id,
        created_by=by,
        created_at=timezone.now(),
    )
    for position, outcome in enumerate((o for o in outcomes if o.title.strip()), start=1):
        Outcome.objects.create(
            plan=plan,
            position=position,
            title=outcome.title.strip(),
            family_words=outcome.family_words.strip(),
            source_plan_item_id=outcome.source_plan_item_id,
        )
    _event(plan, "STARTED", f"{plan.get_level_display()} started", by)
    return plan


@transaction.atomic
def plan_outcome_add(*, plan: Plan, by, title: str, family_words: str = "") -> Outcome:
    plan = _locked(plan)
    _require_active(plan, by, "add to the plan")
    title = _required(title, "title", "Write what the family want to be different")
    position = (
        plan.outcomes.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    outcome = Outcome.objects.create(
        plan=plan, position=position, title=title, family_words=family_words.strip()
    )
    _event(plan, "OUTCOME_ADDED", f"Plan outcome added: {title}", by)
    return outcome


def _who(*, plan: Plan, owner, worker, agency, agency_contact, family_member) -> dict:
    if owner == ActionOwner.WORKER:
        if worker is None:
            raise PlanError("Choose the worker who will do it", field="worker")
        return {"worker": worker}
    if owner == ActionOwner.AGENCY:
        if agency is None or not agency.is_active:
            raise PlanError("Choose the partner agency", field="agency")
        contact = _required(agency_contact, "agency_contact", "Name the person at the agency")
        return {"agency": agency, "agency_contact": contact}
    if owner == ActionOwner.FAMILY:
        if family_member is None:
            raise PlanError("Choose the family member who will do it", field="family_member")
        return {"family_member": family_member}
    raise PlanError("Choose who will do it", field="owner")


@transaction.atomic
def plan_action_add(
    *,
    outcome: Outcome,
    by,
    what: str,
    owner: str,
    due_date: dt.date,
    worker: User | None = None,
    agency: PartnerAgency | None = None,
    agency_contact: str = "",
    family_member: Person | None = None,
) -> Action:
    plan = _locked(outcome.plan)
    _require_active(plan, by, "add to the plan")
    what = _required(what, "what", "Say what will be done")
    if due_date is None:
        raise PlanError("Enter the date it will be done by", field="due_date")
    who = _who(
        plan=plan,
        owner=owner,
        worker=worker,
        agency=agency,
        agency_contact=agency_contact,
        family_member=family_member,
    )
    action = Action.objects.create(
        outcome=outcome,
        what=what,
        owner=owner,
        due_date=due_date,
        created_by=by,
        created_at=timezone.now(),
        **who,
    )
    _event(
        plan,
        "ACTION_ADDED",
        f"Plan action: {what[:120]}",
        by,
        f"{action.who}, by {due_date:%-d %b %Y}",
    )
    return action


ACTION_NEXT = {
    ActionStatus.NOT_STARTED: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.STOPPED},
    ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.STOPPED, ActionStatus.NOT_STARTED},
    ActionStatus.DONE: {ActionStatus.IN_PROGRESS},
    ActionStatus.STOPPED: {ActionStatus.IN_PROGRESS},
}


@transaction.atomic
def plan_action_status_set(*, action: Action, by, status: str, stopped_reason: str = "") -> Action:
    action = Action.objects.select_for_update().select_related("outcome").get(pk=action.pk)
    plan = _locked(action.outcome.plan)
    _require_active(plan, by, "change the plan")
    if status not in ActionStatus.values:
        raise PlanError("Choose the action's status", field="status")
    if status == action.status:
        raise PlanError(
            f"The action is already {action.get_status_display().lower()}", field="status"
        )
    if status not in ACTION_NEXT[ActionStatus(action.status)]:
        raise PlanError(
            f"An action that is {action.get_status_display().lower()} cannot become "
            f"{ActionStatus(status).label.lower()}",
            field="status",
        )
    reason = ""
    if status == ActionStatus.STOPPED:
        reason = _required(stopped_reason, "stopped_reason", "Say why the action stopped")
    action.status, action.stopped_reason, action.status_changed_at = status, reason, timezone.now()
    action.save(update_fields=["status", "stopped_reason", "status_changed_at"])
    _event(
        plan,
        "ACTION_STATUS",
        f"Plan action {ActionStatus(status).label.lower()}: {action.what[:100]}",
        by,
        reason,
    )
    return action


@transaction.atomic
def plan_agreement_record(
    *, plan: Plan, by, agreed_by: Person, agreed_on: dt.date, note: str = ""
) -> Plan:
    plan = _locked(plan)
    _require_active(plan, by, "record the family's agreement")
    if agreed_by is None:
        raise PlanError("Choose who in the family agreed the plan", field="agreed_by")
    if agreed_on > timezone.localdate():
        raise PlanError("The date cannot be in the future", field="agreed_on")
    plan.family_agreed_by, plan.family_agreed_on = agreed_by, agreed_on
    plan.family_agreement_note = note.strip()
    plan.save(update_fields=["family_agreed_by", "family_agreed_on", "family_agreement_note"])
    _event(plan, "AGREED", f"Plan agreed by {agreed_by}", by, note.strip())
    return plan


# Reviews ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreInput:
    outcome_id: int
    family_score: int
    worker_score: int


@transaction.atomic
def plan_review_record(
    *,
    plan: Plan,
    by,
    held_on: dt.date,
    attendees: str,
    scores: list[ScoreInput],
    decision: str,
    changes: str = "",
    decision_note: str = "",
    signposting: str = "",
    to_team: Team | None = None,
    closure_reason: str = "",
) -> Review:
    """Record the review meeting and carry out its decision: continue (the next review date is
    set), step up or down (the case moves through ``cases.services.case_transfer`` and the plan
    goes with it: nothing is typed again), or end the plan (the case closes through
    ``cases.services.case_close``, which needs the team manager)."""
    plan = _locked(plan)
    _require_active(plan, by, "review the plan")
    attendees = _required(attendees, "attendees", "Say who came to the review")
    if held_on > timezone.localdate():
        raise PlanError("The review date cannot be in the future", field="held_on")
    if held_on < plan.started_on:
        raise PlanError("The review cannot be before the plan started", field="held_on")
    if decision not in ReviewDecision.values:
        raise PlanError("Choose the decision", field="decision")
    outcome_ids = set(plan.outcomes.values_list("pk", flat=True))
    given = {score.outcome_id for score in scores}
    if given != outcome_ids:
        raise PlanError(
            "Give the family's and the worker's score for every outcome", field="scores"
        )
    for score in scores:
        if not (0 <= score.family_score <= 10 and 0 <= score.worker_score <= 10):
            raise PlanError("Scores are from 0 to 10", field="scores")
    if decision == ReviewDecision.STEP_DOWN_UNIVERSAL:
        signposting = _required(
            signposting, "signposting", "Say which universal services the family were told about"
        )
    review = Review.objects.create(
        plan=plan,
        held_on=held_on,
        due_on=plan.next_review_date,
        attendees=attendees,
        changes=changes.strip(),
        decision=decision,
        decision_note=decision_note.strip(),
        signposting=signposting.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    ReviewScore.objects.bulk_create(
        ReviewScore(
            review=review,
            outcome_id=score.outcome_id,
            family_score=score.family_score,
            worker_score=score.worker_score,
        )
        for score in scores
    )
    _event(
        plan, "REVIEWED", f"Plan reviewed: {ReviewDecision(decision).label}", by, changes.strip()
    )
    try:
        _carry_out(plan, review, by=by, to_team=to_team, closure_reason=closure_reason)
    except CaseError as error:
        field = (
            "to_team"
            if error.field == "to_team"
            else ("closure_reason" if error.field == "reason" else "decision")
        )
        raise PlanError(error.message, field=field) from error
    return review


TRANSFERS = {
    ReviewDecision.STEP_UP_FAMILY_HELP: (TransferReason.STEP_UP_FAMILY_HELP, PlanLevel.FAMILY_HELP),
    ReviewDecision.STEP_DOWN_EARLY_SUPPORT: (
        TransferReason.STEP_DOWN_EARLY_SUPPORT,
        PlanLevel.EARLY_SUPPORT,
    ),
    ReviewDecision.STEP_UP_MACPT: (TransferReason.STEP_UP_MACPT, None),
}


def _end(plan: Plan, reason: str) -> None:
    plan.status, plan.ended_at, plan.ended_reason = PlanStatus.ENDED, timezone.now(), reason
    plan.save(update_fields=["status", "ended_at", "ended_reason"])


def _carry_out(plan: Plan, review: Review, *, by, to_team, closure_reason: str) -> None:
    decision = ReviewDecision(review.decision)
    if decision == ReviewDecision.CONTINUE:
        plan.next_review_date = review_due_after(level=plan.level, on=review.held_on, first=False)
        plan.save(update_fields=["next_review_date"])
        return
    if decision in TRANSFERS:
        reason, level = TRANSFERS[decision]
        if level == plan.level:
            raise PlanError(f"The plan is already an {plan.get_level_display()}", field="decision")
        if to_team is None:
            raise PlanError("Choose the team the work goes to", field="to_team")
        note = f"Decided at the plan review on {review.held_on:%-d %b %Y}. {review.decision_note}"
        new_case = case_transfer(
            case=plan.case, to_team=to_team, reason=reason, note=note.strip(), by=by
        )
        review.resulting_case = new_case
        review.save(update_fields=["resulting_case"])
        if level is None:
            # Child protection: the MACPT makes its own plan; this one ends, kept on record.
            _end(plan, f"Stepped up to {to_team} at review")
            return
        plan.case, plan.level = new_case, level
        plan.next_review_date = review_due_after(level=level, on=review.held_on, first=True)
        plan.save(update_fields=["case", "level", "next_review_date"])
        _event(plan, "MOVED", f"Plan is now an {plan.get_level_display()} with {to_team}", by)
        return
    reason = ClosureReason.RC7 if decision == ReviewDecision.STEP_DOWN_UNIVERSAL else closure_reason
    if reason not in ClosureReason.values:
        raise PlanError("Choose the reason for closing", field="closure_reason")
    note = review.signposting or review.decision_note
    case_close(case=plan.case, manager=by, reason=reason, note=f"At plan review: {note}".strip())
    _end(plan, decision.label)


# Sharing the plan ---------------------------------------------------------------------------


def plan_sending_publish(sending_id, *, countdown: float = 0) -> None:
    from plans.tasks import plan_sending_run

    plan_sending_run.apply_async(args=[str(sending_id)], countdown=countdown)


@transaction.atomic
def plan_send(
    *, plan: Plan, by, family_name: str = "", family_email: str = "", agency_ids=()
) -> list[PlanSending]:
    """Queue the current plan to the family and to the agencies with actions on it; a worker
    renders each copy (each agency's with only its part) and sends it (``plan_sending_work``)."""
    from plans.selectors import agencies_with_actions

    plan = _locked(plan)
    _require_active(plan, by, "send the plan")
    outcomes = list(plan.outcomes.prefetch_related("actions__agency"))
    allowed = {agency.pk: agency for agency in agencies_with_actions(outcomes=outcomes)}
    chosen = [allowed[pk] for pk in agency_ids if pk in allowed]
    if len(chosen) != len(set(agency_ids)):
        raise PlanError("Send only to agencies with actions on this plan", field="agencies")
    if family_email and not family_name.strip():
        raise PlanError("Enter the name of the family member it goes to", field="family_name")
    if not family_email and not chosen:
        raise PlanError("Choose who to send the plan to", field="family_email")
    now = timezone.now()
    sendings = []
    if family_email:
        sendings.append(
            PlanSending.objects.create(
                plan=plan,
                audience=Audience.FAMILY,
                to_name=family_name.strip(),
                to_email=family_email.strip(),
                requested_by=by,
                requested_at=now,
            )
        )
    for agency in chosen:
        sendings.append(
            PlanSending.objects.create(
                plan=plan,
                audience=Audience.AGENCY,
                agency=agency,
                to_name=agency.name,
                to_email=agency.secure_email,
                requested_by=by,
                requested_at=now,
            )
        )
    _event(plan, "SENT", "Plan sent", by, ", ".join(s.to_name for s in sendings))
    ids = [s.pk for s in sendings]
    transaction.on_commit(lambda: [plan_sending_publish(pk) for pk in ids])
    return sendings


WITHHELD_FROM_AGENCIES = (
    "the family's own words, other agencies' and the family's actions, outcomes with no action "
    "for this agency, review scores and notes, and the household's details"
)


def plan_document_context(
    *, plan: Plan, audience: str, agency: PartnerAgency | None = None
) -> dict:
    """What the PDF shows. The family sees the whole plan; an agency sees the child's name, the
    outcomes it has actions on and only its own actions, and the lead practitioner's contact
    (docs/plans.md, "What each agency sees")."""
    outcomes = []
    for outcome in plan.outcomes.prefetch_related(
        "actions__agency", "actions__worker", "actions__family_member"
    ):
        actions = list(outcome.actions.all())
        if audience == Audience.AGENCY:
            actions = [a for a in actions if a.agency_id == agency.pk]
            if not actions:
                continue
        outcomes.append({"outcome": outcome, "actions": actions})
    return {
        "plan": plan,
        "audience": audience,
        "agency": agency,
        "outcomes": outcomes,
        "for_family": audience == Audience.FAMILY,
        "lead": plan.case.allocated_to,
        "team": plan.case.team,
        "service_name": settings.SERVICE_NAME,
        "title": f"{plan.get_level_display()} for {plan.child.given_name}",
    }


def plan_pdf(*, plan: Plan, audience: str, agency: PartnerAgency | None = None) -> bytes:
    from familyfirst.pdf import html_to_pdf  # WeasyPrint loads only where plans are rendered

    html = render_to_string(
        "plans/plan_pdf.html", plan_document_context(plan=plan, audience=audience, agency=agency)
    )
    return html_to_pdf(html)


def _log_sharing(sending: PlanSending) -> None:
    family = sending.audience == Audience.FAMILY
    sharing_record(
        what=(
            f"{sending.plan.get_level_display()} (whole plan)"
            if family
            else f"{sending.plan.get_level_display()}: the agency's own actions and the outcomes "
            f"they serve; withheld: {WITHHELD_FROM_AGENCIES}"
        ),
        agency="Family" if family else sending.agency.name,
        recipient=f"{sending.to_name} <{sending.to_email}>",
        purpose=(
            "Giving the family their plan"
            if family
            else "Telling a partner agency the actions it agreed to take on the plan"
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        decision=SharingDecision.SHARED,
        reason=(
            "The family agreed the plan and are given a copy"
            if family
            else "The agency needs to know what it agreed to do and by when; nothing more"
        ),
        decided_by=sending.requested_by,
        child=sending.plan.child,
        source_type="plan-sending",
        source_id=sending.pk,
    )


class SendingLost(Exception):
    """The copy is no longer this worker's to send."""


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent, skipped, retry, failed
    retry_in: float | None = None


def plan_sending_work(*, sending_id) -> SendResult:
    """Render and send one copy, at most once: claimed QUEUED -> SENDING by a conditional update
    (0 rows: someone else has it or it is done), SUBMITTED committed just before the mail
    server's end-of-data (familyfirst/delivery.py), SENT and the sharing-log row after it
    accepts. Transient failures go back to QUEUED and are retried with backoff."""
    if not PlanSending.objects.filter(pk=sending_id, status=SendingStatus.QUEUED).update(
        status=SendingStatus.SENDING, claimed_at=timezone.now()
    ):
        return SendResult("skipped")
    sending = PlanSending.objects.select_related(
        "plan__child", "plan__case__team", "plan__case__allocated_to", "agency", "requested_by"
    ).get(pk=sending_id)
    pdf = plan_pdf(plan=sending.plan, audience=sending.audience, agency=sending.agency)
    message = EmailMessage(
        subject=f"{settings.SERVICE_NAME}: {sending.plan.get_level_display()} for "
        f"{sending.plan.child.given_name}",
        body=render_to_string("plans/plan_email.txt", {"sending": sending, "plan": sending.plan}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[sending.to_email],
        headers={"X-Family-Connect-Plan-Sending": str(sending.pk)},
    )
    message.attach(f"plan-{sending.plan.started_on:%Y%m%d}.pdf", pdf, "application/pdf")

    def before_end_of_data():
        # The point of no return: only while the copy is still ours (the sweeper may have put a
        # stalled one back in the queue), else the server is left to discard the message.
        if not PlanSending.objects.filter(pk=sending.pk, status=SendingStatus.SENDING).update(
            status=SendingStatus.SUBMITTED, pdf_sha256=hashlib.sha256(pdf).hexdigest()
        ):
            raise SendingLost

    try:
        reply = deliver(message, before_end_of_data=before_end_of_data)
    except SendingLost:
        return SendResult("skipped")
    except DeliveryUncertain as error:
        reply = str(error)
    except DeliveryError as error:
        return _send_failed(sending, error)
    with transaction.atomic():
        if PlanSending.objects.filter(pk=sending.pk, status=SendingStatus.SUBMITTED).update(
            status=SendingStatus.SENT, sent_at=timezone.now(), smtp_reply=reply[:300]
        ):
            _log_sharing(sending)
    return SendResult("sent")


def _send_failed(sending: PlanSending, error: DeliveryError) -> SendResult:
    failures = sending.failures + 1
    final = error.permanent or failures >= settings.PLAN_SEND_MAX_FAILURES
    PlanSending.objects.filter(
        pk=sending.pk, status__in=[SendingStatus.SENDING, SendingStatus.SUBMITTED]
    ).update(
        status=SendingStatus.FAILED if final else SendingStatus.QUEUED,
        failures=failures,
        last_error=str(error)[:1000],
    )
    if final:
        return SendResult("failed")
    return SendResult("retry", retry_in=settings.PLAN_SEND_RETRY_SECONDS * (4 ** (failures - 1)))


def plan_sendings_sweep(*, now=None) -> int:
    """Put back in the queue the copies a worker claimed and then stopped on (still SENDING
    after ``PLAN_SEND_STALLED_MINUTES``) and publish them again. A SUBMITTED copy is never sent
    again: the mail server may have it. Celery beat runs this with the overdue-review warning."""
    now = now or timezone.now()
    stalled_since = now - dt.timedelta(minutes=settings.PLAN_SEND_STALLED_MINUTES)
    ids = list(
        PlanSending.objects.filter(
            status=SendingStatus.SENDING, claimed_at__lt=stalled_since
        ).values_list("pk", flat=True)
    )
    requeued = PlanSending.objects.filter(pk__in=ids, status=SendingStatus.SENDING).update(
        status=SendingStatus.QUEUED
    )
    for pk in ids:
        plan_sending_publish(pk)
    return requeued


# Overdue reviews ----------------------------------------------------------------------------


def plan_reviews_overdue_warn(*, today: dt.date | None = None) -> int:
    """Email the case's team managers about each plan whose review is overdue, once for each
    review date (a conditional update claims it, so two beat runs warn once)."""
    today = today or timezone.localdate()
    warned = 0
    overdue = (
        Plan.objects.filter(status=PlanStatus.ACTIVE, next_review_date__lt=today)
        .exclude(overdue_warned_for=F("next_review_date"))
        .select_related("case__team", "child")
    )
    for plan in overdue:
        if (
            not Plan.objects.filter(pk=plan.pk, next_review_date=plan.next_review_date)
            .exclude(overdue_warned_for=plan.next_review_date)
            .update(overdue_warned_for=plan.next_review_date)
        ):
            continue
        managers = list(
            User.objects.filter(
                is_active=True,
                memberships__in=TeamMembership.objects.current(on=today).filter(
                    team=plan.case.team, role_in_team=MembershipRole.MANAGER
                ),
            )
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if managers:
            send_mail(
                subject=f"{settings.SERVICE_NAME}: a plan review is overdue ({plan.case.team})",
                message=(
                    f"The review of a {plan.get_level_display()} was due on "
                    f"{plan.next_review_date:%-d %B %Y} and has not been held. Open {settings.SERVICE_NAME} "
                    "and see the team's plans."
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=managers,
            )
        warned += 1
    return warned


# Family Network Meetings --------------------------------------------------------------------


@transaction.atomic
def network_referral_make(
    *, case, by, reason: str, family_hopes: str = ""
) -> FamilyNetworkReferral:
    """Refer the family to the Family Network Service. The consent gate decides: a person with
    parental responsibility must have agreed (``consent.selectors.consent_check``)."""
    from cases.models import Case

    case = (
        Case.objects.select_for_update(of=("self",)).select_related("team", "child").get(pk=case.pk)
    )
    _require_team(case, by, "refer to the Family Network Service")
    reason = _required(reason, "reason", "Say why a Family Network Meeting would help")
    gate = consent_check(child=case.child, purpose=Purpose.FAMILY_NETWORK_MEETING, user=by)
    if not gate.allowed:
        raise PlanError(gate.reason, field="consent")
    if FamilyNetworkReferral.objects.filter(
        child=case.child,
        status__in=[NetworkReferralStatus.WAITING, NetworkReferralStatus.ARRANGING],
    ).exists():
        raise PlanError(f"{case.child} is already waiting for a Family Network Meeting")
    referral = FamilyNetworkReferral.objects.create(
        child=case.child,
        case=case,
        reason=reason,
        family_hopes=family_hopes.strip(),
        consent_reason=gate.reason,
        referred_by=by,
        referred_at=timezone.now(),
    )
    chronology_event_record(
        person=case.child,
        occurred_at=referral.referred_at,
        kind="FNM_REFERRED",
        title="Referred for a Family Network Meeting",
        summary=reason,
        source_type="plans.familynetworkreferral",
        source_id=referral.pk,
        recorded_by=by,
    )
    return referral


@transaction.atomic
def network_referral_make_from_consultation(
    *,
    source,
    children,
    by,
    reason: str,
    family_hopes: str = "",
    family_network: str = "",
) -> list[FamilyNetworkReferral]:
    """Refer children of a front-door consultation (``plans.sources.ConsultationSource``, opened
    through the front door's access function) to the Family Network Service: one referral per
    child, all or none. For each child the consent gate decides, with no exception: a person
    with parental responsibility must have agreed (``consent.selectors.consent_check``)."""
    if not rules.can_take_consultations(by):
        raise PlanError("Only Family Connect can refer from a consultation", field="children")
    on_consultation = {str(child.pk): child for child in source.children}
    wanted = list(dict.fromkeys(str(pk) for pk in children))
    chosen = [on_consultation[pk] for pk in wanted if pk in on_consultation]
    if not chosen or len(chosen) != len(wanted):
        raise PlanError("Choose children from the consultation", field="children")
    reason = _required(reason, "reason", "Say why a Family Network Meeting would help")
    # The children's rows locked first, so two referrals made at once cannot both pass the
    # "one waiting per child" check below.
    list(Person.objects.select_for_update().filter(pk__in=[c.pk for c in chosen]).order_by("pk"))
    gates = {}
    for child in chosen:
        gate = consent_check(child=child, purpose=Purpose.FAMILY_NETWORK_MEETING, user=by)
        if not gate.allowed:
            raise PlanError(f"{child}: {gate.reason}", field="children")
        gates[child.pk] = gate
    waiting = set(
        FamilyNetworkReferral.objects.filter(
            child__in=chosen,
            status__in=[NetworkReferralStatus.WAITING, NetworkReferralStatus.ARRANGING],
        ).values_list("child_id", flat=True)
    )
    for child in chosen:
        if child.pk in waiting:
            raise PlanError(
                f"{child} is already waiting for a Family Network Meeting", field="children"
            )
    now = timezone.now()
    referrals = []
    for child in chosen:
        referral = FamilyNetworkReferral.objects.create(
            child=child,
            consultation_id=source.pk,
            reason=reason,
            family_hopes=family_hopes.strip(),
            family_network=family_network.strip(),
            consent_reason=gates[child.pk].reason,
            referred_by=by,
            referred_at=now,
        )
        chronology_event_record(
            person=child,
            occurred_at=now,
            kind="FNM_REFERRED",
            title="Referred for a Family Network Meeting",
            summary=f"From consultation {source.reference}: {reason}",
            source_type="plans.familynetworkreferral",
            source_id=referral.pk,
            recorded_by=by,
        )
        referrals.append(referral)
    return referrals


def _locked_referral(referral) -> FamilyNetworkReferral:
    return (
        FamilyNetworkReferral.objects.select_for_update(of=("self",))
        .select_related("child", "coordinator")
        .get(pk=referral.pk)
    )


@transaction.atomic
def network_referral_take(*, referral, coordinator) -> FamilyNetworkReferral:
    referral = _locked_referral(referral)
    if not rules.can_coordinate_family_network(coordinator):
        raise PlanError("Only a Family Network co-ordinator can arrange the meeting")
    if referral.status != NetworkReferralStatus.WAITING:
        raise PlanError(f"This referral is already {referral.get_status_display().lower()}")
    referral.status, referral.coordinator = NetworkReferralStatus.ARRANGING, coordinator
    referral.save(update_fields=["status", "coordinator"])
    return referral


@transaction.atomic
def network_meeting_record(
    *,
    referral,
    coordinator,
    meeting_date: dt.date,
    invited: str,
    attended: str,
    child_contribution: str,
    family_plan: str,
    review_date: dt.date,
) -> FamilyNetworkReferral:
    referral = _locked_referral(referral)
    if not rules.can_coordinate_family_network(coordinator):
        raise PlanError("Only a Family Network co-ordinator can record the meeting")
    if referral.status == NetworkReferralStatus.MEETING_HELD:
        raise PlanError("The meeting has already been recorded")
    if meeting_date is None or meeting_date > timezone.localdate():
        raise PlanError(
            "Enter the date of the meeting: it cannot be in the future", field="meeting_date"
        )
    invited = _required(invited, "invited", "Say who was invited")
    attended = _required(attended, "attended", "Say who came")
    family_plan = _required(family_plan, "family_plan", "Write the family's plan")
    child_contribution = _required(
        child_contribution, "child_contribution", "Say how the child took part, or why they did not"
    )
    if review_date is None or review_date <= meeting_date:
        raise PlanError("The review date must be after the meeting", field="review_date")
    referral.status = NetworkReferralStatus.MEETING_HELD
    referral.coordinator = referral.coordinator or coordinator
    referral.meeting_date, referral.invited, referral.attended = meeting_date, invited, attended
    referral.child_contribution, referral.family_plan = child_contribution, family_plan
    referral.review_date, referral.meeting_recorded_at = review_date, timezone.now()
    referral.save()
    chronology_event_record(
        person=referral.child,
        occurred_at=timezone.now(),
        kind="FNM_HELD",
        title=f"Family Network Meeting held on {meeting_date:%-d %b %Y}",
        summary=f"Review on {review_date:%-d %b %Y}",
        source_type="plans.familynetworkreferral",
        source_id=referral.pk,
        recorded_by=coordinator,
    )
    return referral


# Flags --------------------------------------------------------------------------------------


@transaction.atomic
def flag_set(
    *,
    person: Person,
    by,
    kind: str,
    start_date: dt.date,
    note: str = "",
    kinship_arrangement: str = "",
    young_carer_assessment_referred_on: dt.date | None = None,
    notification_date: dt.date | None = None,
) -> PersonFlag:
    """Set a young carer, kinship care or private fostering flag with what each needs; a private
    fostering notification sets the visit due 7 working days later (familyfirst/clocks.py)."""
    if not rules.can_set_flags(by):
        raise PlanError("You cannot set flags")
    if kind not in (FlagKind.YOUNG_CARER, FlagKind.KINSHIP_CARE, FlagKind.PRIVATE_FOSTERING):
        raise PlanError("Choose the flag", field="kind")
    if start_date is None or start_date > timezone.localdate():
        raise PlanError("Enter the start date: it cannot be in the future", field="start_date")
    detail = {}
    if kind == FlagKind.KINSHIP_CARE:
        if kinship_arrangement not in KinshipArrangement.values:
            raise PlanError("Choose the kind of kinship care", field="kinship_arrangement")
        detail["kinship_arrangement"] = kinship_arrangement
    if kind == FlagKind.YOUNG_CARER:
        detail["young_carer_assessment_referred_on"] = young_carer_assessment_referred_on
    if kind == FlagKind.PRIVATE_FOSTERING:
        if notification_date is None:
            raise PlanError("Enter the date the council was told", field="notification_date")
        if notification_date > timezone.localdate():
            raise PlanError(
                "The notification date cannot be in the future", field="notification_date"
            )
        detail["notification_date"] = notification_date
        detail["visit_due_date"] = add_working_days_to_date(
            notification_date, PRIVATE_FOSTERING_VISIT_WORKING_DAYS
        )
    try:
        flag = person_flag_set(
            person=person, kind=kind, start_date=start_date, set_by=by, note=note.strip()
        )
    except ValidationError as error:
        raise PlanError(
            " ".join(error.message_dict.get("kind", error.messages)), field="kind"
        ) from error
    FlagDetail.objects.create(flag=flag, **detail)
    if detail.get("visit_due_date"):
        chronology_event_record(
            person=person,
            occurred_at=timezone.now(),
            kind="PRIVATE_FOSTERING_VISIT_DUE",
            title=f"Private fostering visit due by {detail['visit_due_date']:%-d %b %Y}",
            summary=f"Notified on {notification_date:%-d %b %Y}; 7 working days to visit",
            source_type="people.personflag",
            source_id=flag.pk,
            recorded_by=by,
        )
    if detail.get("young_carer_assessment_referred_on"):
        chronology_event_record(
            person=person,
            occurred_at=timezone.now(),
            kind="YOUNG_CARER_ASSESSMENT_REFERRED",
            title="Referred for a young carer's assessment",
            summary=f"On {young_carer_assessment_referred_on:%-d %b %Y}",
            source_type="people.personflag",
            source_id=flag.pk,
            recorded_by=by,
        )
    return flag


@transaction.atomic
def flag_end(*, flag: PersonFlag, by, end_date: dt.date) -> PersonFlag:
    flag = PersonFlag.objects.select_for_update().select_related("person").get(pk=flag.pk)
    if not rules.can_set_flags(by):
        raise PlanError("You cannot end flags")
    if flag.end_date is not None:
        raise PlanError("This flag has already ended")
    if end_date is None or end_date > timezone.localdate():
        raise PlanError("Enter the end date: it cannot be in the future", field="end_date")
    try:
        return person_flag_end(flag=flag, end_date=end_date, ended_by=by)
    except ValidationError as error:
        raise PlanError(" ".join(error.messages), field="end_date") from error
