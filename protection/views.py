"""The MACPT's pages: the team queue, the LCPP's caseload, the child's protection record and the
forms that move it on (docs/protection.md).

Every page naming a child reads it through ``protection.selectors`` (team scope, the restriction
rule, one access-log row per child shown); every change goes through ``protection.services``,
which checks the record's current state and says why it refuses.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import rules
from audit.services import access_log_record_list
from cases.models import OPEN_STATUSES
from cases.selectors import team_ids_of, team_is_managed_by
from locality.models import Team, TeamType
from protection.forms import (
    ConferenceForm,
    CoreGroupForm,
    EnquiryForm,
    PlanEndForm,
    StrategyForm,
)
from protection.models import ConferenceKind, HomeAuthorityNotice, StrategyStatus
from protection.selectors import (
    case_protection_get_for_user,
    case_protection_record,
    conference_get_for_user,
    enquiry_get_for_user,
    lcpp_caseload,
    macpt_queue,
    macpt_teams_of,
    plan_get_for_user,
    strategy_get_for_user,
)
from protection.services import (
    ProtectionError,
    conference_record,
    core_group_record,
    enquiry_record,
    locality_workers,
    plan_end,
    plan_leads,
    strategy_discussion_record,
    strategy_discussion_start,
)


def _require_case_worker(user) -> None:
    if not rules.can_work_cases(user):
        raise PermissionDenied


def _log_rows(request, record_type, rows) -> None:
    access_log_record_list(
        request=request,
        record_type=record_type,
        person_ids=[row.case.child_id for row in rows],
    )


@login_required
def home_view(request):
    _require_case_worker(request.user)
    teams = list(macpt_teams_of(user=request.user))
    if len(teams) == 1:
        return redirect("protection:queue", slug=teams[0].slug)
    return redirect("protection:mine")


@login_required
def queue_view(request, slug):
    _require_case_worker(request.user)
    team = Team.objects.filter(
        slug=slug, team_type=TeamType.MACPT, pk__in=team_ids_of(user=request.user)
    ).first()
    if team is None:
        raise Http404("No MACPT found")
    page = macpt_queue(user=request.user, team=team, page_number=request.GET.get("page"))
    _log_rows(request, "macpt-queue", page.object_list)
    return render(
        request,
        "protection/queue.html",
        {
            "team": team,
            "managing": team_is_managed_by(team=team, user=request.user),
            "page": page,
            "rows": page.object_list,
            "heading": f"{team}: open work",
        },
    )


@login_required
def mine_view(request):
    _require_case_worker(request.user)
    page = lcpp_caseload(user=request.user, page_number=request.GET.get("page"))
    _log_rows(request, "lcpp-caseload", page.object_list)
    return render(
        request,
        "protection/queue.html",
        {"page": page, "rows": page.object_list, "heading": "My child protection work"},
    )


@login_required
def case_view(request, case_id):
    _require_case_worker(request.user)
    case = case_protection_get_for_user(request=request, case_id=case_id)
    record = case_protection_record(case=case)
    can_start = (
        case.status in OPEN_STATUSES
        and case.team_id in team_ids_of(user=request.user)
        and not any(d.status == StrategyStatus.DUE for d in record["discussions"])
    )
    return render(
        request,
        "protection/case.html",
        {
            "case": case,
            **record,
            "can_start_strategy": can_start,
            "home_authority": HomeAuthorityNotice.objects.filter(case=case).first(),
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
def strategy_start_view(request, case_id):
    """A strategy discussion for a case that reached the MACPT another way (a step-up)."""
    _require_case_worker(request.user)
    case = case_protection_get_for_user(request=request, case_id=case_id)
    try:
        discussion = strategy_discussion_start(case=case, by=request.user)
    except ProtectionError as error:
        messages.error(request, error.message)
        return redirect("protection:case", case_id=case.pk)
    messages.success(request, "Strategy discussion started: its clock runs from now")
    return redirect("protection:strategy", discussion_id=discussion.pk)


def _refused(form, error: ProtectionError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _form_page(request, record, template, form, heading, **context):
    return render(
        request,
        template,
        {"record": record, "case": record.case, "form": form, "heading": heading, **context},
    )


def _require_team(request, record) -> None:
    if record.case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied


@login_required
def strategy_view(request, discussion_id):
    _require_case_worker(request.user)
    discussion = strategy_get_for_user(request=request, discussion_id=discussion_id)
    form = StrategyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _require_team(request, discussion)
        if form.is_valid():
            data = form.cleaned_data
            try:
                strategy_discussion_record(
                    discussion=discussion,
                    by=request.user,
                    held_at=data["held_at"],
                    attendees=form.attendees(),
                    information=form.information(),
                    decision=data["decision"],
                    no_s47_reason=data["no_s47_reason"],
                    next_step=data["next_step"],
                    safety_actions=data["safety_actions"],
                )
            except ProtectionError as error:
                _refused(form, error)
            else:
                messages.success(request, "Strategy discussion saved")
                return redirect("protection:case", case_id=discussion.case_id)
    return _form_page(
        request,
        discussion,
        "protection/strategy.html",
        form,
        "Strategy discussion",
        editable=discussion.status == "DUE",
        discussion=discussion,
        attendees=list(discussion.attendees.all()),
        information=list(discussion.information.all()),
    )


@login_required
def enquiry_view(request, enquiry_id):
    _require_case_worker(request.user)
    enquiry = enquiry_get_for_user(request=request, enquiry_id=enquiry_id)
    initial = {
        "fhlp": enquiry.fhlp_id,
        "child_seen": enquiry.child_seen,
        "child_seen_alone": enquiry.child_seen_alone,
        "child_seen_on": enquiry.child_seen_on,
        "outcome_note": enquiry.outcome_note,
    }
    form = EnquiryForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        fhlps=locality_workers(),
    )
    if request.method == "POST":
        _require_team(request, enquiry)
        if form.is_valid():
            try:
                enquiry = enquiry_record(enquiry=enquiry, by=request.user, **form.cleaned_data)
            except ProtectionError as error:
                _refused(form, error)
            else:
                messages.success(request, "Section 47 enquiry saved")
                return redirect("protection:case", case_id=enquiry.case_id)
    return _form_page(
        request,
        enquiry,
        "protection/enquiry.html",
        form,
        "Section 47 enquiry",
        enquiry=enquiry,
        editable=enquiry.status == "OPEN",
    )


@login_required
def conference_view(request, conference_id):
    _require_case_worker(request.user)
    conference = conference_get_for_user(request=request, conference_id=conference_id)
    form = ConferenceForm(
        request.POST if request.method == "POST" else None,
        kind=conference.kind,
        leads=plan_leads(case=conference.case),
        initial={"lead": conference.case.allocated_to_id},
    )
    if request.method == "POST":
        _require_team(request, conference)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                conference_record(conference=conference, by=request.user, **data)
            except ProtectionError as error:
                _refused(form, error)
            else:
                messages.success(request, f"{conference.get_kind_display()} saved")
                return redirect("protection:case", case_id=conference.case_id)
    return _form_page(
        request,
        conference,
        "protection/conference.html",
        form,
        conference.get_kind_display(),
        conference=conference,
        editable=conference.status == "DUE",
        is_initial=conference.kind == ConferenceKind.INITIAL,
    )


def _plan_form(request, plan_id, *, form_class, service, done: str, heading: str, editable):
    """A form on the plan (the first core group, the end of the plan): one shape for both."""
    _require_case_worker(request.user)
    plan = plan_get_for_user(request=request, plan_id=plan_id)
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        _require_team(request, plan)
        if form.is_valid():
            try:
                service(plan=plan, by=request.user, **form.cleaned_data)
            except ProtectionError as error:
                _refused(form, error)
            else:
                messages.success(request, done)
                return redirect("protection:case", case_id=plan.case_id)
    return _form_page(
        request,
        plan,
        "protection/plan_form.html",
        form,
        heading,
        plan=plan,
        editable=editable(plan),
    )


@login_required
def core_group_view(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        form_class=CoreGroupForm,
        service=core_group_record,
        done="First core group meeting saved",
        heading="First core group meeting",
        editable=lambda plan: plan.status == "ACTIVE" and plan.core_group_held_on is None,
    )


@login_required
def plan_end_view(request, plan_id):
    return _plan_form(
        request,
        plan_id,
        form_class=PlanEndForm,
        service=plan_end,
        done="The plan has ended",
        heading="End the child protection plan",
        editable=lambda plan: plan.status == "ACTIVE",
    )
