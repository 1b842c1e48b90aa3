"""Every change to the child protection records, each checking the current state first.

Imitates cases/services.py: each service locks its row (``SELECT ... FOR UPDATE``), re-reads its
state, and refuses with a ``ProtectionError`` naming the field and what is wrong; the views and
the API show that message beside the form. docs/protection.md describes the chain.
"""

import logging
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import rules
from cases.models import OPEN_STATUSES, Case
from cases.selectors import team_ids_of, team_members_who_can_hold
from consent.models import LawfulBasis, SharingDecision, SpecialCategoryCondition
from consent.services import sharing_record
from familyfirst.clocks import is_working_day
from locality.models import Team, TeamType
from locality.selectors import PostcodeStatus, postcode_lookup
from people.services import chronology_event_record
from protection.clocks import (
    core_group_due,
    first_review_due,
    icpc_due,
    next_review_due,
    strategy_due_at,
)
from protection.models import (
    INITIAL_DECISIONS,
    REVIEW_DECISIONS,
    S47_DECISIONS,
    Agency,
    CategoryOfAbuse,
    Conference,
    ConferenceDecision,
    ConferenceKind,
    ConferenceStatus,
    EnquiryOutcome,
    EnquiryStatus,
    HomeAuthorityNotice,
    MacptCall,
    PlanEndReason,
    PlanStatus,
    ProtectionPlan,
    Section47Enquiry,
    SharedInformation,
    StrategyAttendee,
    StrategyDecision,
    StrategyDiscussion,
    StrategyStatus,
)

logger = logging.getLogger(__name__)


class ProtectionError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _chronology(case: Case, kind: str, title: str, summary: str, by, source, at=None) -> None:
    chronology_event_record(
        person=case.child,
        occurred_at=at or timezone.now(),
        kind=f"PROTECTION_{kind}",
        title=f"{case.team}: {title}",
        summary=summary,
        source_type=f"protection.{source._meta.model_name}",
        source_id=source.pk,
        recorded_by=by,
    )


def _require_macpt_worker(case: Case, user) -> None:
    if not (rules.can_work_cases(user) and case.team_id in team_ids_of(user=user)):
        raise ProtectionError(f"Only members of {case.team} can record its child protection work")
    if case.team.team_type != TeamType.MACPT:
        raise ProtectionError(f"{case.team} is not a Multi-Agency Child Protection Team")
    if case.status not in OPEN_STATUSES:
        raise ProtectionError(
            f"This case is {case.get_status_display().lower()}, so nothing more can be recorded"
        )


def _locked_case(case_id) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("team", "child", "allocated_to")
        .get(pk=case_id)
    )


def _require_social_worker(worker, *, field: str, what: str) -> None:
    if worker is None:
        raise ProtectionError(f"Choose who leads the {what}", field=field)
    if not worker.is_social_work_qualified:
        raise ProtectionError(
            f"{worker} has no Social Work England number: a {what} is led by a registered "
            "social worker",
            field=field,
        )


# The front door ------------------------------------------------------------------------------


def macpt_call_record(*, consultation, team: Team, spoke_to: str, by) -> MacptCall:
    """The practitioner phoned the MACPT about this family (once per consultation and team)."""
    if not rules.can_take_consultations(by):
        raise ProtectionError("Only Family Connect staff record calls to the MACPT")
    if team.team_type != TeamType.MACPT:
        raise ProtectionError(f"{team} is not a MACPT", field="team")
    if not spoke_to.strip():
        raise ProtectionError("Enter who you spoke to at the MACPT", field="spoke_to")
    try:
        with transaction.atomic():
            return MacptCall.objects.create(
                consultation=consultation,
                team=team,
                spoke_to=spoke_to.strip(),
                phoned_at=timezone.now(),
                phoned_by=by,
            )
    except IntegrityError:
        earlier = MacptCall.objects.select_related("phoned_by").get(
            consultation=consultation, team=team
        )
        raise ProtectionError(
            f"{earlier.phoned_by} already recorded the call to {team} at "
            f"{timezone.localtime(earlier.phoned_at):%H:%M}"
        ) from None


def protection_case_opened(*, case: Case, received_at: datetime, postcode: str, by) -> None:
    """Called by the front door's authorisation, inside its transaction, for an immediate-
    protection referral: the strategy discussion's clock starts, and a child who lives outside
    Warwickshire has their home authority recorded and told."""
    case = _locked_case(case.pk)
    if case.team.team_type != TeamType.MACPT:
        return
    if not StrategyDiscussion.objects.filter(case=case, status=StrategyStatus.DUE).exists():
        discussion = StrategyDiscussion.objects.create(
            case=case, due_at=strategy_due_at(received_at), created_at=timezone.now()
        )
        _chronology(
            case,
            "STRATEGY_DUE",
            "Strategy discussion needed",
            f"Due by {timezone.localtime(discussion.due_at):%-d %b %Y %H:%M}",
            by,
            discussion,
        )
    if postcode and not hasattr(case, "home_authority_notice"):
        lookup = postcode_lookup(text=postcode)
        if lookup.status == PostcodeStatus.OUTSIDE_COUNTY:
            notice = HomeAuthorityNotice.objects.create(
                case=case,
                postcode=lookup.postcode,
                la_code=lookup.la_code,
                email=settings.PROTECTION_HOME_AUTHORITY_EMAIL,
                created_at=timezone.now(),
            )
            from protection.tasks import home_authority_notify

            notice_id = notice.pk
            transaction.on_commit(lambda: home_authority_notify.delay(notice_id))


def home_authority_notify_send(*, notice_id) -> bool:
    """Tell the child's home authority, once; marked only after the mail server accepts."""
    with transaction.atomic():
        notice = (
            HomeAuthorityNotice.objects.select_for_update(of=("self",))
            .select_related("case__team", "case__first_referral__consultation")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.notified_at is not None or not notice.email:
            return False
        reference = notice.case.first_referral.consultation.reference
        send_mail(
            subject=f"Child protection: a child living in your area ({notice.la_code}) - {reference}",
            message=(
                f"Warwickshire's {notice.case.team} is responding under Section 47 to concerns "
                f"about a child found in Warwickshire whose home postcode ({notice.postcode}) is "
                f"in your authority ({notice.la_code}).\nPlease contact {notice.case.team} on "
                f"{notice.case.team.phone}, quoting {reference}."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.email],
        )
        notice.notified_at = timezone.now()
        notice.save(update_fields=["notified_at"])
        return True


def out_of_county_team(chosen: Team | None) -> Team:
    """The MACPT that responds for a child found here who lives elsewhere."""
    if chosen is not None:
        return chosen
    return Team.objects.get(slug=settings.PROTECTION_OUT_OF_COUNTY_TEAM)


# Strategy discussion -------------------------------------------------------------------------


@transaction.atomic
def strategy_discussion_start(*, case: Case, by) -> StrategyDiscussion:
    """A strategy discussion for a case that reached the MACPT some other way (a step-up)."""
    case = _locked_case(case.pk)
    _require_macpt_worker(case, by)
    if StrategyDiscussion.objects.filter(case=case, status=StrategyStatus.DUE).exists():
        raise ProtectionError("A strategy discussion is already waiting to be held")
    return StrategyDiscussion.objects.create(
        case=case, due_at=strategy_due_at(timezone.now()), created_at=timezone.now()
    )


@transaction.atomic
def strategy_discussion_record(
    *,
    discussion: StrategyDiscussion,
    by,
    held_at: datetime,
    attendees: list[tuple[str, str, bool]],
    information: list[tuple[str, str]],
    decision: str,
    no_s47_reason: str = "",
    next_step: str = "",
    safety_actions: str = "",
) -> StrategyDiscussion:
    """Record the discussion and its decision. A Section 47 decision starts the enquiry, led by
    the case's allocated worker (a registered social worker), with the ICPC clock."""
    discussion = StrategyDiscussion.objects.select_for_update().get(pk=discussion.pk)
    case = _locked_case(discussion.case_id)
    _require_macpt_worker(case, by)
    if discussion.status != StrategyStatus.DUE:
        raise ProtectionError("This strategy discussion has already been recorded")
    if held_at > timezone.now():
        raise ProtectionError("The date and time cannot be in the future", field="held_at")
    if timezone.localdate(held_at) < case.referral_date:
        raise ProtectionError(
            f"The referral was made on {case.referral_date:%-d %B %Y}: the discussion cannot be "
            "before it",
            field="held_at",
        )
    if not any(took_part for _agency, _name, took_part in attendees):
        raise ProtectionError("Record at least one agency that took part", field="attendees")
    if decision not in StrategyDecision.values:
        raise ProtectionError("Choose the decision", field="decision")
    if decision == StrategyDecision.NO_S47 and not no_s47_reason.strip():
        raise ProtectionError("Say why there is no Section 47 enquiry", field="no_s47_reason")
    if decision == StrategyDecision.NO_S47 and not next_step.strip():
        raise ProtectionError("Say what happens next", field="next_step")
    if decision in S47_DECISIONS:
        if case.allocated_to is None:
            raise ProtectionError(
                "Allocate the case to a Lead Child Protection Practitioner before the enquiry "
                "starts",
                field="decision",
            )
        _require_social_worker(case.allocated_to, field="decision", what="Section 47 enquiry")
    discussion.status, discussion.held_at, discussion.decision = (
        StrategyStatus.HELD,
        held_at,
        decision,
    )
    discussion.no_s47_reason, discussion.next_step = no_s47_reason.strip(), next_step.strip()
    discussion.safety_actions, discussion.recorded_by = safety_actions.strip(), by
    discussion.save()
    StrategyAttendee.objects.bulk_create(
        StrategyAttendee(discussion=discussion, agency=agency, name=name, took_part=took_part)
        for agency, name, took_part in attendees
    )
    now = timezone.now()
    for source, summary in information:
        shared = sharing_record(
            what=summary,
            agency=Agency(source).label,
            purpose="Strategy discussion under Section 47 of the Children Act 1989",
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            special_category_condition=SpecialCategoryCondition.SAFEGUARDING,
            decision=SharingDecision.SHARED,
            reason="Information shared with the MACPT to decide whether a child is at risk of "
            "significant harm",
            decided_by=by,
            child=case.child,
            source_type="protection.strategy",
            source_id=discussion.pk,
        )
        SharedInformation.objects.create(
            discussion=discussion,
            source=source,
            summary=summary,
            sharing_record_id=shared.pk,
            recorded_by=by,
            recorded_at=now,
        )
    _chronology(
        case,
        "STRATEGY_HELD",
        "Strategy discussion held",
        StrategyDecision(decision).label,
        by,
        discussion,
        at=held_at,
    )
    if decision in S47_DECISIONS:
        held = timezone.localdate(held_at)
        enquiry = Section47Enquiry.objects.create(
            case=case,
            strategy_discussion=discussion,
            joint_with_police=decision == StrategyDecision.S47_JOINT,
            start_date=held,
            icpc_target_date=icpc_due(held),
            lcpp=case.allocated_to,
        )
        _chronology(
            case,
            "S47_STARTED",
            "Section 47 enquiry started",
            f"Led by {enquiry.lcpp}; initial conference due by {enquiry.icpc_target_date:%-d %b %Y}",
            by,
            enquiry,
            at=held_at,
        )
    return discussion


# Section 47 enquiry --------------------------------------------------------------------------


def locality_workers():
    """The locality FHLPs who may work on an enquiry alongside the LCPP."""
    from accounts.models import Role, User

    return User.objects.filter(
        is_active=True,
        role=Role.FHLP,
        memberships__team__team_type=TeamType.FAMILY_HELP,
        memberships__end_date__isnull=True,
    ).distinct()


@transaction.atomic
def enquiry_record(
    *,
    enquiry: Section47Enquiry,
    by,
    fhlp=None,
    child_seen: bool = False,
    child_seen_alone: bool = False,
    child_seen_on: date | None = None,
    outcome: str = "",
    outcome_note: str = "",
    completed_date: date | None = None,
) -> Section47Enquiry:
    """Record the enquiry's progress; an outcome ends it. "Substantiated, ICPC needed" schedules
    the initial conference on the target date (15 working days after the strategy discussion)."""
    enquiry = Section47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    case = _locked_case(enquiry.case_id)
    _require_macpt_worker(case, by)
    if enquiry.status != EnquiryStatus.OPEN:
        raise ProtectionError("This enquiry has ended: its record can no longer change")
    if child_seen_alone and not child_seen:
        raise ProtectionError("A child seen alone was seen: tick both", field="child_seen_alone")
    if child_seen and child_seen_on is None:
        raise ProtectionError("Enter the date the child was seen", field="child_seen_on")
    if child_seen_on and child_seen_on > timezone.localdate():
        raise ProtectionError("The date cannot be in the future", field="child_seen_on")
    if child_seen_on and child_seen_on < enquiry.start_date:
        raise ProtectionError(
            "The child was seen before the enquiry started", field="child_seen_on"
        )
    if fhlp is not None and fhlp not in locality_workers():
        raise ProtectionError(f"{fhlp} is not a locality FHLP", field="fhlp")
    if outcome and outcome not in EnquiryOutcome.values:
        raise ProtectionError("Choose the outcome", field="outcome")
    if outcome:
        if not child_seen:
            raise ProtectionError(
                "An enquiry cannot end before the child has been seen", field="child_seen"
            )
        completed_date = completed_date or timezone.localdate()
        if completed_date < enquiry.start_date or completed_date > timezone.localdate():
            raise ProtectionError(
                "The end date must be between the start and today", field="completed_date"
            )
        if outcome != EnquiryOutcome.NOT_SUBSTANTIATED and not outcome_note.strip():
            raise ProtectionError("Summarise what the enquiry found", field="outcome_note")
    enquiry.fhlp, enquiry.child_seen, enquiry.child_seen_alone, enquiry.child_seen_on = (
        fhlp,
        child_seen,
        child_seen_alone,
        child_seen_on,
    )
    enquiry.outcome_note = outcome_note.strip()
    if outcome:
        enquiry.status, enquiry.outcome, enquiry.completed_date = (
            EnquiryStatus.COMPLETED,
            outcome,
            completed_date,
        )
    enquiry.save()
    if outcome:
        _chronology(
            case,
            "S47_ENDED",
            "Section 47 enquiry ended",
            EnquiryOutcome(outcome).label,
            by,
            enquiry,
        )
    if outcome == EnquiryOutcome.SUBSTANTIATED_ICPC:
        Conference.objects.create(
            case=case,
            kind=ConferenceKind.INITIAL,
            enquiry=enquiry,
            due_date=enquiry.icpc_target_date,
        )
    return enquiry


# Conferences and the plan --------------------------------------------------------------------


def plan_leads(*, case: Case):
    """Who may lead the child's plan: case-holding members of the team with a Social Work England
    number."""
    return team_members_who_can_hold(team=case.team).exclude(social_work_england_number="")


@transaction.atomic
def conference_record(
    *,
    conference: Conference,
    by,
    held_on: date,
    chair: str,
    attendees: str,
    family_views: str,
    child_views: str,
    decision: str,
    decision_note: str = "",
    category: str = "",
    lead=None,
    previous_plans: int | None = None,
) -> Conference:
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    case = _locked_case(conference.case_id)
    _require_macpt_worker(case, by)
    if conference.status != ConferenceStatus.DUE:
        raise ProtectionError("This conference has already been recorded")
    if held_on > timezone.localdate():
        raise ProtectionError("The date cannot be in the future", field="held_on")
    if not is_working_day(held_on):
        raise ProtectionError(
            "A conference is held on a working day, never at a weekend or on a bank holiday",
            field="held_on",
        )
    if not chair.strip():
        raise ProtectionError("Enter who chaired the conference", field="chair")
    allowed = INITIAL_DECISIONS if conference.kind == ConferenceKind.INITIAL else REVIEW_DECISIONS
    if decision not in allowed:
        raise ProtectionError("Choose the conference's decision", field="decision")
    plan = conference.plan
    if conference.kind == ConferenceKind.INITIAL:
        if held_on < conference.enquiry.start_date:
            raise ProtectionError("The conference was held before the enquiry", field="held_on")
    elif held_on <= plan.start_date:
        raise ProtectionError("A review is held after the plan started", field="held_on")
    starts_plan = decision == ConferenceDecision.PLAN
    if (starts_plan or decision == ConferenceDecision.CONTINUE) and (
        category not in CategoryOfAbuse.values
    ):
        raise ProtectionError("Choose the category of abuse", field="category")
    if starts_plan:
        _require_social_worker(lead, field="lead", what="child protection plan")
        if lead not in plan_leads(case=case):
            raise ProtectionError(f"{lead} cannot hold cases in {case.team}", field="lead")
        if ProtectionPlan.objects.filter(case=case, status=PlanStatus.ACTIVE).exists():
            raise ProtectionError("The child already has an active plan", field="decision")
    conference.status, conference.held_on, conference.chair = (
        ConferenceStatus.HELD,
        held_on,
        chair.strip(),
    )
    conference.attendees, conference.family_views, conference.child_views = (
        attendees.strip(),
        family_views.strip(),
        child_views.strip(),
    )
    conference.decision, conference.decision_note = decision, decision_note.strip()
    conference.recorded_by = by
    conference.save()
    label = f"{conference.get_kind_display()}: {ConferenceDecision(decision).label}"
    _chronology(case, "CONFERENCE", "Conference held", label, by, conference)
    if starts_plan:
        plan = ProtectionPlan.objects.create(
            case=case,
            initial_conference=conference,
            start_date=held_on,
            initial_category=category,
            latest_category=category,
            lead=lead,
            core_group_due_date=core_group_due(held_on),
            previous_plans=previous_plans or 0,
        )
        Conference.objects.create(
            case=case, kind=ConferenceKind.REVIEW, plan=plan, due_date=first_review_due(held_on)
        )
        _chronology(
            case,
            "PLAN_STARTED",
            "Child protection plan started",
            f"{CategoryOfAbuse(category).label}; led by {lead}",
            by,
            plan,
        )
    elif decision == ConferenceDecision.CONTINUE:
        plan = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
        plan.latest_category = category
        plan.save(update_fields=["latest_category"])
        Conference.objects.create(
            case=case, kind=ConferenceKind.REVIEW, plan=plan, due_date=next_review_due(held_on)
        )
    elif decision == ConferenceDecision.END:
        _plan_end(plan, by=by, reason=PlanEndReason.NO_LONGER_AT_RISK, end_date=held_on, note="")
    return conference


@transaction.atomic
def core_group_record(*, plan: ProtectionPlan, by, held_on: date) -> ProtectionPlan:
    plan = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_macpt_worker(_locked_case(plan.case_id), by)
    if plan.status != PlanStatus.ACTIVE:
        raise ProtectionError("This plan has ended")
    if plan.core_group_held_on is not None:
        raise ProtectionError("The first core group meeting has already been recorded")
    if held_on < plan.start_date or held_on > timezone.localdate():
        raise ProtectionError(
            "The date must be between the plan's start and today", field="held_on"
        )
    plan.core_group_held_on = held_on
    plan.save(update_fields=["core_group_held_on"])
    return plan


def _plan_end(plan: ProtectionPlan, *, by, reason: str, end_date: date, note: str) -> None:
    plan = ProtectionPlan.objects.select_for_update().select_related("case__child").get(pk=plan.pk)
    plan.status, plan.end_reason, plan.end_date, plan.end_note = (
        PlanStatus.ENDED,
        reason,
        end_date,
        note.strip(),
    )
    plan.save(update_fields=["status", "end_reason", "end_date", "end_note"])
    # A review conference not yet held is no longer needed.
    Conference.objects.filter(plan=plan, status=ConferenceStatus.DUE).delete()
    _chronology(
        plan.case,
        "PLAN_ENDED",
        "Child protection plan ended",
        PlanEndReason(reason).label,
        by,
        plan,
    )


@transaction.atomic
def plan_end(
    *, plan: ProtectionPlan, by, reason: str, end_date: date, note: str = ""
) -> ProtectionPlan:
    plan = ProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_macpt_worker(_locked_case(plan.case_id), by)
    if plan.status != PlanStatus.ACTIVE:
        raise ProtectionError("This plan has already ended")
    if reason not in PlanEndReason.values:
        raise ProtectionError("Choose why the plan ends", field="reason")
    if reason == PlanEndReason.NO_LONGER_AT_RISK:
        raise ProtectionError(
            "Only a review conference decides a plan is no longer needed: record the review",
            field="reason",
        )
    if end_date <= plan.start_date or end_date > timezone.localdate():
        raise ProtectionError(
            "The end date must be after the plan's first day and not in the future",
            field="end_date",
        )
    if reason == PlanEndReason.OTHER and not note.strip():
        raise ProtectionError("Say why the plan ends", field="note")
    _plan_end(plan, by=by, reason=reason, end_date=end_date, note=note)
    plan.refresh_from_db()
    return plan


# Escalation ----------------------------------------------------------------------------------


def protection_clock_sweep(*, today: date | None = None) -> dict:
    """Tell each MACPT's managers about enquiries whose initial conference is due soon or
    overdue, and conferences not yet held by their date. Marked only after the mail is taken."""
    from accounts.models import Role, User
    from locality.models import MembershipRole, TeamMembership
    from protection.clocks import date_rag

    today = today or timezone.localdate()
    sent = 0
    with transaction.atomic():
        enquiries = list(
            Section47Enquiry.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=EnquiryStatus.OPEN, escalated_at__isnull=True)
            .select_related("case__team", "lcpp")
        )
        conferences = list(
            Conference.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=ConferenceStatus.DUE, escalated_at__isnull=True)
            .select_related("case__team")
        )
        due = [e for e in enquiries if date_rag(due=e.icpc_target_date, today=today) != "GREEN"]
        due += [c for c in conferences if date_rag(due=c.due_date, today=today) != "GREEN"]
        by_team: dict = {}
        for item in due:
            by_team.setdefault(item.case.team, []).append(item)
        for team, items in by_team.items():
            managers = list(
                User.objects.filter(
                    role=Role.TEAM_MANAGER,
                    is_active=True,
                    memberships__in=TeamMembership.objects.current(on=today).filter(
                        team=team, role_in_team=MembershipRole.MANAGER
                    ),
                )
                .exclude(email="")
                .values_list("email", flat=True)
            )
            recipients = managers or ([team.inbox_email] if team.inbox_email else [])
            if not recipients:
                continue
            lines = [
                f"{getattr(item, 'icpc_target_date', None) or item.due_date:%a %-d %b}: "
                f"{'ICPC for the Section 47 enquiry' if isinstance(item, Section47Enquiry) else item.get_kind_display()}"
                for item in items
            ]
            send_mail(
                subject=f"{team}: {len(items)} child protection date(s) due soon or overdue",
                message="Open Family Connect's MACPT queue for:\n\n" + "\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
            now = timezone.now()
            for item in items:
                type(item).objects.filter(pk=item.pk).update(escalated_at=now)
            sent += len(items)
    return {"escalated": sent}
