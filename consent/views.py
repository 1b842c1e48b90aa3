import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import rules
from audit.access import record_get_for_user
from audit.services import AccessAction, access_log_record, access_log_record_list
from consent.forms import (
    ApproveForm,
    ConsentAnswerForm,
    ConsentExceptionForm,
    WithdrawForm,
    chosen_children,
)
from consent.models import ConsentException, ConsentRecord, ConsentStatus
from consent.selectors import (
    consent_answerers_for,
    consent_givers_label,
    consent_panel_for,
    exceptions_awaiting_approval,
)
from consent.services import (
    ConsentRuleError,
    consent_exception_approve,
    consent_exception_record,
    consent_record_answer,
    consent_withdraw,
)
from familyfirst.redirects import next_url_or
from people.models import Person
from people.selectors import people_visible_to, person_get_for_user


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _apply_rule_error(form, error: ConsentRuleError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def child_consent(request, person_id):
    child = person_get_for_user(request=request, person_id=person_id)
    return render(
        request,
        "consent/child_consent.html",
        {
            "child": child,
            "panel": consent_panel_for(user=request.user, child=child),
            "can_record": rules.can_record_consent(request.user),
        },
    )


def _children_offered(request, child) -> list:
    """The child in the address, and any siblings the page that sent the user named
    (``?children=``, a consultation's children): one answer can be applied to each. Each is opened
    through the one door (restriction rule, one access-log row per child shown)."""
    offered = [child]
    for value in request.GET.getlist("children"):
        try:
            person_id = uuid.UUID(value)
        except ValueError:
            continue
        if person_id not in {person.pk for person in offered}:
            offered.append(person_get_for_user(request=request, person_id=person_id))
    return offered


def _record_for_each(children, record) -> None:
    """Apply one answer to each child chosen, all or none: each child gets its own row. A refusal
    for one child names that child, so the practitioner knows which."""
    with transaction.atomic():
        for each in children:
            try:
                record(each)
            except ConsentRuleError as error:
                if len(children) > 1:
                    error.message = f"{each}: {error.message}"
                raise


def _initial_children(request, children):
    if request.method == "POST" or len(children) < 2:
        return {}
    return {"children": [str(each.pk) for each in children]}


@login_required
def consent_answer_create(request, person_id):
    _require(rules.can_record_consent(request.user))
    child = person_get_for_user(request=request, person_id=person_id)
    children = _children_offered(request, child)
    answerers = {
        person.pk
        for each in children
        for person in consent_answerers_for(user=request.user, child=each)
    }
    people = Person.objects.filter(pk__in=answerers)
    form = ConsentAnswerForm(
        request.POST if request.method == "POST" else None,
        people=people,
        children=children,
        initial=_initial_children(request, children),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = chosen_children(form, children)
        try:
            _record_for_each(
                chosen,
                lambda each: consent_record_answer(
                    child=each,
                    purpose=data["purpose"],
                    status=data["status"],
                    recorded_by=request.user,
                    given_by=data["given_by"],
                    capacity=data["capacity"],
                    method=data["method"],
                    scope=data["scope"],
                    competence_note=data["competence_note"],
                ),
            )
        except ConsentRuleError as error:
            _apply_rule_error(form, error)
        else:
            messages.success(request, f"Consent saved for {_names(chosen)}")
            return redirect(next_url_or(request, reverse("consent:child-consent", args=[child.pk])))
    return render(
        request, "consent/answer_form.html", {"child": child, "children": children, "form": form}
    )


def _names(people) -> str:
    names = [str(person) for person in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


@login_required
def consent_withdraw_view(request, consent_id):
    _require(rules.can_record_consent(request.user))
    consent = record_get_for_user(
        request=request,
        visible=ConsentRecord.objects.filter(
            child__in=people_visible_to(user=request.user), status=ConsentStatus.GIVEN
        ).select_related("child", "given_by"),
        pk=consent_id,
        record_type="consent",
        person_id_of=lambda record: record.child_id,
    )
    consent_givers_label(user=request.user, records=[consent])
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                consent=consent, withdrawn_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ConsentRuleError as error:
            _apply_rule_error(form, error)
        else:
            messages.success(
                request,
                "Consent withdrawn. Nothing more can go ahead for this purpose without new consent.",
            )
            return redirect("consent:child-consent", person_id=consent.child_id)
    return render(request, "consent/withdraw.html", {"consent": consent, "form": form})


@login_required
def consent_exception_create(request, person_id):
    _require(rules.can_record_consent(request.user))
    child = person_get_for_user(request=request, person_id=person_id)
    children = _children_offered(request, child)
    form = ConsentExceptionForm(
        request.POST if request.method == "POST" else None,
        children=children,
        initial=_initial_children(request, children),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = chosen_children(form, children)
        recorded = []
        try:
            _record_for_each(
                chosen,
                lambda each: recorded.append(
                    consent_exception_record(
                        child=each,
                        purpose=data["purpose"],
                        reason=data["reason"],
                        rationale=data["rationale"],
                        decided_by=request.user,
                        family_told=data["family_told"],
                        family_told_date=data["family_told_date"],
                        not_told_reason=data["not_told_reason"],
                    )
                ),
            )
        except ConsentRuleError as error:
            _apply_rule_error(form, error)
        else:
            note = (
                " A manager must approve it before anything goes ahead."
                if any(exception.needs_approval for exception in recorded)
                else ""
            )
            messages.success(request, f"Decision recorded for {_names(chosen)}.{note}")
            return redirect(next_url_or(request, reverse("consent:child-consent", args=[child.pk])))
    return render(
        request,
        "consent/exception_form.html",
        {"child": child, "children": children, "form": form},
    )


@login_required
def exception_queue(request):
    _require(rules.can_approve_consent_exceptions(request.user))
    visible = people_visible_to(user=request.user)
    waiting = list(exceptions_awaiting_approval().filter(child__in=visible))
    access_log_record_list(
        request=request,
        record_type="consent-approval-queue",
        person_ids=[e.child_id for e in waiting],
    )
    return render(request, "consent/exception_queue.html", {"waiting": waiting})


@login_required
def exception_approve(request, exception_id):
    _require(rules.can_approve_consent_exceptions(request.user))
    exception = record_get_for_user(
        request=request,
        visible=ConsentException.objects.filter(
            child__in=people_visible_to(user=request.user)
        ).select_related("child", "decided_by", "approved_by"),
        pk=exception_id,
        record_type="consent-exception",
        person_id_of=lambda record: record.child_id,
    )
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            consent_exception_approve(exception=exception, manager=request.user)
        except ConsentRuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Approved. The work can go ahead without consent.")
            return redirect(reverse("consent:exception-queue"))
    return render(request, "consent/exception_approve.html", {"exception": exception, "form": form})


@login_required
def sharing_log(request):
    _require(rules.can_read_sharing_log(request.user))
    from consent.models import SharingRecord

    access_log_record(request=request, action=AccessAction.VIEW, record_type="sharing-log")
    page = Paginator(SharingRecord.objects.select_related("decided_by"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "consent/sharing_log.html", {"page": page})
