"""The pages teams work from: caseloads, the incoming queue, the case, and moving work on.

Every page that names a child reads it through ``cases.selectors`` (the one door) and writes an
access-log row per person shown; every change goes through ``cases.services``, which checks the
case's current state and says why it refuses (docs/cases.md).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import rules
from audit.access import record_get_for_user
from audit.services import access_log_record_list
from cases.forms import (
    AllocateForm,
    CaseNoteForm,
    CloseForm,
    IntakeForm,
    RegistrationForm,
    RerouteForm,
    TaskForm,
    TransferForm,
)
from cases.models import OPEN_STATUSES, CaseStatus, CaseTask
from cases.selectors import (
    case_get_for_user,
    case_timeline,
    cases_sent_back,
    my_cases,
    sent_back_visible_to,
    team_caseload,
    team_counts,
    team_ids_of,
    team_incoming,
    team_is_managed_by,
    team_members_who_can_hold,
    team_worker_loads,
)
from cases.services import (
    CaseError,
    case_accept,
    case_allocate,
    case_close,
    case_note_record,
    case_reroute,
    case_send_back,
    case_sent_back_acknowledge,
    case_task_done,
    case_task_set,
    case_transfer,
)
from locality.models import Team
from people.selectors import households_of


def _require_case_worker(user) -> None:
    if not rules.can_work_cases(user):
        raise PermissionDenied


def _my_team(request, slug) -> Team:
    """One of the user's own teams; any other team is "not found", as if it had no page."""
    _require_case_worker(request.user)
    team = Team.objects.filter(slug=slug, pk__in=team_ids_of(user=request.user)).first()
    if team is None:
        raise Http404("No team found")
    return team


def _log_rows(request, record_type: str, rows) -> None:
    access_log_record_list(
        request=request,
        record_type=record_type,
        person_ids=[row.case.child_id if hasattr(row, "case") else row.child_id for row in rows],
    )


@login_required
def my_cases_view(request):
    _require_case_worker(request.user)
    page = my_cases(user=request.user, page_number=request.GET.get("page"))
    _log_rows(request, "caseload", page.object_list)
    teams = Team.objects.filter(pk__in=team_ids_of(user=request.user))
    return render(
        request,
        "cases/my_cases.html",
        {"page": page, "rows": page.object_list, "teams": teams, "today": timezone.localdate()},
    )


@login_required
def teams_view(request):
    _require_case_worker(request.user)
    teams = list(Team.objects.filter(pk__in=team_ids_of(user=request.user)))
    if len(teams) == 1:
        return redirect("cases:team", slug=teams[0].slug)
    return render(request, "cases/teams.html", {"teams": teams})


@login_required
def team_view(request, slug):
    team = _my_team(request, slug)
    managing = team_is_managed_by(team=team, user=request.user)
    worker_id = request.GET.get("worker", "")
    worker_id = int(worker_id) if worker_id.isdigit() else None
    status = request.GET.get("status", "")
    status = status if status in OPEN_STATUSES else ""
    page = team_caseload(
        user=request.user,
        team=team,
        worker_id=worker_id,
        status=status,
        page_number=request.GET.get("page"),
    )
    _log_rows(request, "team-caseload", page.object_list)
    loads = team_worker_loads(team=team)
    return render(
        request,
        "cases/team.html",
        {
            "team": team,
            "managing": managing,
            "page": page,
            "rows": page.object_list,
            "counts": team_counts(team=team),
            "loads": loads,
            "worker_filter": next(
                (load.worker for load in loads if load.worker.pk == worker_id), None
            ),
            "status_filter": status,
            "statuses": [(s.value, s.label) for s in CaseStatus if s in OPEN_STATUSES],
            "today": timezone.localdate(),
        },
    )


@login_required
def incoming_view(request, slug):
    team = _my_team(request, slug)
    page = team_incoming(user=request.user, team=team, page_number=request.GET.get("page"))
    cases = list(page.object_list)
    _log_rows(request, "incoming-queue", cases)
    return render(
        request,
        "cases/incoming.html",
        {
            "team": team,
            "page": page,
            "cases": cases,
            "managing": team_is_managed_by(team=team, user=request.user),
            "today": timezone.localdate(),
        },
    )


def _case(request, case_id):
    """Open the case, logging the child and everyone in their household the page shows."""
    _require_case_worker(request.user)

    def shown(case):
        case.household = households_of(user=request.user, people=[case.child])[case.child_id]
        members = [m["person"].pk for m in case.household["members"] if m["person"]]
        return [*members, *(p.pk for p in case.household["pr_holders"])]

    return case_get_for_user(request=request, case_id=case_id, person_ids_shown=shown)


def _actions(user, case) -> dict:
    in_team = case.team_id in team_ids_of(user=user)
    managing = team_is_managed_by(team=case.team, user=user)
    is_open = case.status in OPEN_STATUSES
    return {
        "in_team": in_team,
        "managing": managing,
        "can_write": in_team and is_open,
        "can_intake": managing and case.status == CaseStatus.INCOMING,
        "can_allocate": managing and case.status in (CaseStatus.UNALLOCATED, CaseStatus.ALLOCATED),
        "can_transfer": in_team and case.status in (CaseStatus.UNALLOCATED, CaseStatus.ALLOCATED),
        "can_close": managing and is_open,
    }


@login_required
def case_view(request, case_id):
    case = _case(request, case_id)
    timeline = case_timeline(case=case)
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "household": case.household,
            **timeline,
            **_actions(request.user, case),
            "today": timezone.localdate(),
            "re_referral": case.re_referral_of,
        },
    )


FORM_HEADINGS = {
    "cases/intake.html": "Accept or send back",
    "cases/allocate.html": "Allocate the case",
    "cases/note_add.html": "Record a contact or note",
    "cases/task_add.html": "Add a task",
    "cases/transfer.html": "Transfer the case",
    "cases/close.html": "Close the case",
}


def _form_page(request, case, template, form, **context):
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "heading": FORM_HEADINGS[template],
            **_actions(request.user, case),
            **context,
        },
    )


def _refused(form, error: CaseError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def intake_view(request, case_id):
    if not rules.can_manage_cases(request.user):
        raise PermissionDenied
    case = _case(request, case_id)
    if not team_is_managed_by(team=case.team, user=request.user):
        raise PermissionDenied
    form = IntakeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "ACCEPT":
                case_accept(
                    case=case,
                    manager=request.user,
                    primary_need=form.cleaned_data["primary_need"],
                )
                messages.success(request, f"Accepted the case for {case.child}. Allocate it next.")
                return redirect("cases:allocate", case_id=case.pk)
            case_send_back(case=case, manager=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"Sent the case for {case.child} back to Family Connect")
            return redirect("cases:incoming", slug=case.team.slug)
        except CaseError as error:
            _refused(form, error)
    return _form_page(request, case, "cases/intake.html", form)


@login_required
def allocate_view(request, case_id):
    if not rules.can_manage_cases(request.user):
        raise PermissionDenied
    case = _case(request, case_id)
    if not team_is_managed_by(team=case.team, user=request.user):
        raise PermissionDenied
    loads = {load.worker.pk: load.cases for load in team_worker_loads(team=case.team)}
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        workers=team_members_who_can_hold(team=case.team),
        loads=loads,
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_allocate(
                case=case,
                worker=form.cleaned_data["worker"],
                manager=request.user,
                reason=form.cleaned_data["reason"],
            )
        except CaseError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Allocated to {form.cleaned_data['worker']}")
            return redirect("cases:case", case_id=case.pk)
    allocations = list(case.allocations.select_related("worker", "allocated_by"))
    return _form_page(request, case, "cases/allocate.html", form, allocations=allocations)


@login_required
def note_add_view(request, case_id):
    case = _case(request, case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    form = CaseNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_note_record(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _refused(form, error)
        else:
            messages.success(request, "Saved")
            return redirect("cases:case", case_id=case.pk)
    return _form_page(request, case, "cases/note_add.html", form)


def _task_people(case):
    from accounts.models import User
    from locality.models import TeamMembership

    return User.objects.filter(
        is_active=True,
        memberships__in=TeamMembership.objects.current(on=timezone.localdate()).filter(
            team=case.team
        ),
        role__in=sorted(rules.CASE_WORKERS),
    ).distinct()


@login_required
def task_add_view(request, case_id):
    case = _case(request, case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    form = TaskForm(
        request.POST if request.method == "POST" else None,
        people=_task_people(case),
        initial={"assigned_to": case.allocated_to_id or request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_task_set(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _refused(form, error)
        else:
            messages.success(request, "Task added")
            return redirect("cases:case", case_id=case.pk)
    return _form_page(request, case, "cases/task_add.html", form)


@require_POST
@login_required
def task_done_view(request, case_id, task_id):
    case = _case(request, case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    task = get_object_or_404(CaseTask, pk=task_id, case=case)
    try:
        case_task_done(task=task, by=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Done: {task.title}")
    return redirect("cases:case", case_id=case.pk)


@login_required
def transfer_view(request, case_id):
    case = _case(request, case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    form = TransferForm(request.POST if request.method == "POST" else None, current_team=case.team)
    if request.method == "POST" and form.is_valid():
        try:
            new_case = case_transfer(case=case, by=request.user, **form.cleaned_data)
        except CaseError as error:
            _refused(form, error)
        else:
            messages.success(
                request, f"Transferred to {new_case.team}: it is in their incoming queue"
            )
            return redirect("cases:case", case_id=case.pk)
    return _form_page(request, case, "cases/transfer.html", form)


@login_required
def close_view(request, case_id):
    if not rules.can_manage_cases(request.user):
        raise PermissionDenied
    case = _case(request, case_id)
    if not team_is_managed_by(team=case.team, user=request.user):
        raise PermissionDenied
    form = CloseForm(
        request.POST if request.method == "POST" else None,
        initial={"primary_need": case.primary_need},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_close(case=case, manager=request.user, **form.cleaned_data)
        except CaseError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Closed the case for {case.child}")
            return redirect("cases:case", case_id=case.pk)
    return _form_page(request, case, "cases/close.html", form)


# Family Connect's side: cases sent back ------------------------------------------------------


@login_required
def sent_back_view(request):
    if not rules.can_see_sent_back_cases(request.user):
        raise PermissionDenied
    page = cases_sent_back(user=request.user, page_number=request.GET.get("page"))
    _log_rows(request, "sent-back-queue", page.object_list)
    return render(request, "cases/sent_back.html", {"page": page, "cases": page.object_list})


@login_required
def sent_back_detail_view(request, case_id):
    if not rules.can_see_sent_back_cases(request.user):
        raise PermissionDenied
    case = record_get_for_user(
        request=request,
        visible=sent_back_visible_to(user=request.user).select_related(
            "child", "team", "closed_by", "first_referral__consultation"
        ),
        pk=case_id,
        record_type="case",
        person_id_of=lambda case: case.child_id,
    )
    may_act = rules.can_reroute_sent_back_cases(request.user)
    form = RerouteForm(request.POST if request.method == "POST" and may_act else None)
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "ROUTE":
                    new_case = case_reroute(
                        case=case,
                        manager=request.user,
                        to_team=form.cleaned_data["to_team"],
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, f"Routed to {new_case.team}")
                else:
                    case_sent_back_acknowledge(
                        case=case, manager=request.user, note=form.cleaned_data["note"]
                    )
                    messages.success(request, "Recorded: no team needed")
            except CaseError as error:
                _refused(form, error)
            else:
                return redirect("cases:sent-back")
    return render(
        request, "cases/sent_back_detail.html", {"case": case, "form": form, "may_act": may_act}
    )


@login_required
def registration_view(request):
    """Staff record their own Social Work England registration (or that they have none)."""
    if not rules.can_record_registration(request.user):
        raise PermissionDenied
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        initial={"social_work_england_number": request.user.social_work_england_number},
    )
    if request.method == "POST" and form.is_valid():
        request.user.social_work_england_number = form.cleaned_data["social_work_england_number"]
        request.user.save(update_fields=["social_work_england_number"])
        messages.success(request, "Saved your registration")
        return redirect(reverse("cases:registration"))
    return render(request, "cases/registration.html", {"form": form})


__all__ = [
    "allocate_view",
    "case_view",
    "close_view",
    "incoming_view",
    "intake_view",
    "my_cases_view",
    "note_add_view",
    "registration_view",
    "sent_back_detail_view",
    "sent_back_view",
    "task_add_view",
    "task_done_view",
    "team_view",
    "teams_view",
    "transfer_view",
]
