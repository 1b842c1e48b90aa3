"""The plans' pages: the plan on a case, its actions and reviews, sending it, Family Network
Meeting referrals and the co-ordinators' queue, and the flags a practitioner sets.

Every page naming a child reads it through ``plans.selectors`` (or ``cases.selectors`` /
``people.selectors``), which apply the restriction rule and write an access-log row per person
shown; every change goes through ``plans.services`` (docs/plans.md).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import rules
from audit.services import access_log_record_list
from cases.selectors import case_get_for_user, team_ids_of, team_members_who_can_hold
from locality.models import Team
from people.selectors import people_shown_log, person_get_for_user
from plans import selectors
from plans.forms import (
    ActionForm,
    ActionStatusForm,
    AgencyForm,
    AgreementForm,
    ConsultationNetworkReferralForm,
    FlagEndForm,
    FlagForm,
    MeetingForm,
    NetworkReferralForm,
    OutcomeForm,
    PlanStartForm,
    ReviewForm,
    SendForm,
)
from plans.models import Audience, NetworkReferralStatus, PartnerAgency
from plans.services import (
    OutcomeInput,
    PlanError,
    ScoreInput,
    flag_end,
    flag_set,
    network_meeting_record,
    network_referral_make,
    network_referral_make_from_consultation,
    network_referral_take,
    partner_agency_add,
    plan_action_add,
    plan_action_status_set,
    plan_agreement_record,
    plan_outcome_add,
    plan_pdf,
    plan_review_record,
    plan_send,
    plan_start,
)
from plans.sources import consultation_open


def _require_case_worker(user) -> None:
    if not rules.can_work_cases(user):
        raise PermissionDenied


def _refused(form, error: PlanError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _saved(request, form, act, message):
    """Run ``act(cleaned_data)`` for a valid POST: its result, with ``message`` (text, or made
    from the result) shown next; None after a GET, an invalid form, or a refusal shown beside its
    field."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except PlanError as error:
        _refused(form, error)
        return None
    messages.success(request, message(result) if callable(message) else message)
    return result


# The caseload -------------------------------------------------------------------------------


@login_required
def caseload_view(request):
    _require_case_worker(request.user)
    page = selectors.plans_caseload(user=request.user, page_number=request.GET.get("page"))
    access_log_record_list(
        request=request, record_type="plan-caseload", person_ids=[p.child_id for p in page]
    )
    return render(
        request,
        "plans/caseload.html",
        {"page": page, "plans": page.object_list, "today": timezone.localdate()},
    )


# The plan -----------------------------------------------------------------------------------


def _plan(request, plan_id, *, write: bool = False):
    _require_case_worker(request.user)
    plan = selectors.plan_get_for_user(request=request, plan_id=plan_id)
    if write and plan.case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    return plan


def _plan_page(request, plan, template, form, heading, **context):
    return render(
        request,
        template,
        {
            "plan": plan,
            "case": plan.case,
            "form": form,
            "heading": heading,
            "can_write": selectors.plan_can_write(user=request.user, plan=plan),
            **context,
        },
    )


@login_required
def plan_start_view(request, case_id):
    _require_case_worker(request.user)
    case = case_get_for_user(request=request, case_id=case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    existing = selectors.plan_for_case(case=case)
    if existing is not None:
        return redirect("plans:plan", plan_id=existing.pk)
    assessment_plan = selectors.assessment_plan_for(case=case)
    form = PlanStartForm(
        _posted(request),
        initial_outcomes=[(item.title, item.family_words) for item in assessment_plan.items],
    )
    if request.method == "POST" and form.is_valid():
        items = {item.title: item.pk for item in assessment_plan.items}
        try:
            plan = plan_start(
                case=case,
                by=request.user,
                outcomes=[
                    OutcomeInput(title, words, source_plan_item_id=items.get(title))
                    for title, words in form.outcomes()
                ],
                source_assessment_id=assessment_plan.assessment_id,
            )
        except PlanError as error:
            _refused(form, error)
        else:
            messages.success(request, "Plan started. Add the actions next.")
            return redirect("plans:plan", plan_id=plan.pk)
    return render(
        request,
        "plans/plan_start.html",
        {
            "case": case,
            "form": form,
            "heading": "Start the plan",
            "assessment_plan": assessment_plan,
        },
    )


@login_required
def plan_view(request, plan_id):
    plan = _plan(request, plan_id)
    detail = selectors.plan_detail(plan=plan)
    people_shown_log(
        request=request,
        subject=plan.child,
        people=[plan.family_agreed_by]
        + [a.family_member for o in detail["outcomes"] for a in o.actions.all()],
        reason="",
    )
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan,
            "case": plan.case,
            **detail,
            "can_write": selectors.plan_can_write(user=request.user, plan=plan),
            "today": timezone.localdate(),
            "network_referrals": selectors.network_referrals_for_case(case=plan.case),
        },
    )


@login_required
def outcome_add_view(request, plan_id):
    plan = _plan(request, plan_id, write=True)
    form = OutcomeForm(_posted(request))
    if _saved(
        request,
        form,
        lambda data: plan_outcome_add(plan=plan, by=request.user, **data),
        "Outcome added",
    ):
        return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(request, plan, "plans/form_page.html", form, "Add an outcome")


def _family(request, plan):
    family = selectors.family_of(user=request.user, child=plan.child)
    people_shown_log(request=request, subject=plan.child, people=list(family), reason="")
    return family


@login_required
def action_add_view(request, plan_id):
    plan = _plan(request, plan_id, write=True)
    form = ActionForm(
        _posted(request),
        outcomes=plan.outcomes.all(),
        workers=team_members_who_can_hold(team=plan.case.team),
        agencies=selectors.agencies_active(),
        family=_family(request, plan),
        initial={"outcome": request.GET.get("outcome")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_action_add(
                outcome=data["outcome"],
                by=request.user,
                what=data["what"],
                owner=data["owner"],
                due_date=data["due_date"],
                worker=data["worker"],
                agency=data["agency"],
                agency_contact=data["agency_contact"],
                family_member=data["family_member"],
            )
        except PlanError as error:
            _refused(form, error)
        else:
            messages.success(request, "Action added")
            return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(request, plan, "plans/action_add.html", form, "Add an action")


@login_required
def action_status_view(request, plan_id, action_id):
    plan = _plan(request, plan_id, write=True)
    action = selectors.action_of(plan=plan, action_id=action_id)
    if action is None:
        raise Http404("No action found")
    form = ActionStatusForm(_posted(request), initial={"status": action.status})
    if _saved(
        request,
        form,
        lambda data: plan_action_status_set(action=action, by=request.user, **data),
        "Action updated",
    ):
        return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(
        request, plan, "plans/form_page.html", form, "Update the action", action=action
    )


@login_required
def agreement_view(request, plan_id):
    plan = _plan(request, plan_id, write=True)
    form = AgreementForm(
        _posted(request), family=_family(request, plan), initial={"agreed_on": timezone.localdate()}
    )
    if _saved(
        request,
        form,
        lambda data: plan_agreement_record(plan=plan, by=request.user, **data),
        "The family's agreement is recorded",
    ):
        return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(request, plan, "plans/form_page.html", form, "Record the family's agreement")


@login_required
def send_view(request, plan_id):
    plan = _plan(request, plan_id, write=True)
    detail = selectors.plan_detail(plan=plan)
    form = SendForm(_posted(request), agencies=detail["agencies_with_actions"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sendings = plan_send(
                plan=plan,
                by=request.user,
                family_name=data["family_name"],
                family_email=data["family_email"],
                agency_ids=[int(pk) for pk in data["agencies"]],
            )
        except PlanError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Sending the plan to {len(sendings)} recipients")
            return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(
        request, plan, "plans/send.html", form, "Send the plan", sendings=detail["sendings"]
    )


@login_required
def pdf_view(request, plan_id):
    """The family's copy, as it is sent, to print or check."""
    plan = _plan(request, plan_id)
    response = HttpResponse(
        plan_pdf(plan=plan, audience=Audience.FAMILY), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="plan-{plan.started_on:%Y%m%d}.pdf"'
    return response


def _review_teams(plan):
    return Team.objects.filter(
        is_active=True, team_type__in=["FAMILY_HELP", "MACPT", "FAST", "CWD"]
    )


@login_required
def review_add_view(request, plan_id):
    plan = _plan(request, plan_id, write=True)
    form = ReviewForm(
        _posted(request),
        outcomes=plan.outcomes.all(),
        teams=_review_teams(plan),
        initial={"held_on": timezone.localdate(), "to_team": plan.case.team_id},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = plan_review_record(
                plan=plan,
                by=request.user,
                held_on=data["held_on"],
                attendees=data["attendees"],
                changes=data["changes"],
                scores=[ScoreInput(*score) for score in form.scores()],
                decision=data["decision"],
                decision_note=data["decision_note"],
                signposting=data["signposting"],
                to_team=data["to_team"],
                closure_reason=data["closure_reason"],
            )
        except PlanError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Review recorded: {review.get_decision_display()}")
            return redirect("plans:plan", plan_id=plan.pk)
    return _plan_page(request, plan, "plans/review_add.html", form, "Record a review")


# Partner agencies ---------------------------------------------------------------------------


@login_required
def agencies_view(request):
    _require_case_worker(request.user)
    form = AgencyForm(_posted(request))
    if _saved(
        request,
        form,
        lambda data: partner_agency_add(by=request.user, **data),
        lambda agency: f"Added {agency}",
    ):
        return redirect("plans:agencies")
    page = Paginator(PartnerAgency.objects.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/agencies.html",
        {"form": form, "page": page, "agencies": page.object_list, "heading": "Partner agencies"},
    )


# Family Network Meetings --------------------------------------------------------------------


@login_required
def network_refer_view(request, case_id):
    _require_case_worker(request.user)
    case = case_get_for_user(request=request, case_id=case_id)
    if case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied
    form = NetworkReferralForm(_posted(request))
    referral = _saved(
        request,
        form,
        lambda data: network_referral_make(case=case, by=request.user, **data),
        "Referred to the Family Network Service",
    )
    if referral:
        return redirect("plans:fnm-detail", referral_id=referral.pk)
    from consent.models import Purpose
    from consent.selectors import consent_check

    gate = consent_check(
        child=case.child, purpose=Purpose.FAMILY_NETWORK_MEETING, user=request.user
    )
    return render(
        request,
        "plans/network_refer.html",
        {"case": case, "form": form, "gate": gate, "heading": "Refer for a Family Network Meeting"},
    )


@login_required
def network_refer_from_consultation_view(request, consultation_id):
    """Family Connect refers children of a consultation, before any case (docs/plans.md). The
    consultation is opened through the front door's access function (``plans.sources``); the
    people around the children prefill the form and are logged as shown."""
    if not rules.can_take_consultations(request.user):
        raise PermissionDenied
    source = consultation_open(request=request, consultation_id=consultation_id)
    children = list(source.children)
    family = selectors.network_family_for(user=request.user, children=children)
    form = ConsultationNetworkReferralForm(
        _posted(request),
        children=children,
        family_network="\n".join(f"{person}: {how}" for person, how in family),
    )
    made = _saved(
        request,
        form,
        lambda data: network_referral_make_from_consultation(
            source=source, by=request.user, **data
        ),
        lambda referrals: (
            "Referred to the Family Network Service: "
            + ", ".join(str(referral.child) for referral in referrals)
        ),
    )
    if made:
        return redirect(source.url)
    if family:  # shown in the form's prefill: one access-log row each
        access_log_record_list(
            request=request,
            record_type="consultation-family-network",
            record_id=source.pk,
            person_ids=[person.pk for person, _ in family],
        )
    from consent.models import Purpose
    from consent.selectors import consent_check

    gates = [
        (
            child,
            consent_check(child=child, purpose=Purpose.FAMILY_NETWORK_MEETING, user=request.user),
        )
        for child in children
    ]
    return render(
        request,
        "plans/network_refer_consultation.html",
        {
            "source": source,
            "form": form,
            "gates": gates,
            "heading": "Refer for a Family Network Meeting",
        },
    )


@login_required
def network_queue_view(request):
    if not rules.can_coordinate_family_network(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    page = selectors.network_queue(
        user=request.user, status=status, page_number=request.GET.get("page")
    )
    access_log_record_list(
        request=request, record_type="family-network-queue", person_ids=[r.child_id for r in page]
    )
    return render(
        request,
        "plans/network_queue.html",
        {
            "page": page,
            "referrals": page.object_list,
            "status": status,
            "statuses": NetworkReferralStatus.choices,
        },
    )


def _referral(request, referral_id):
    if not (
        rules.can_coordinate_family_network(request.user) or rules.can_work_cases(request.user)
    ):
        raise PermissionDenied
    return selectors.network_referral_get_for_user(request=request, referral_id=referral_id)


@login_required
def network_detail_view(request, referral_id):
    referral = _referral(request, referral_id)
    coordinating = rules.can_coordinate_family_network(request.user)
    if request.method == "POST":
        if not coordinating:
            raise PermissionDenied
        try:
            network_referral_take(referral=referral, coordinator=request.user)
        except PlanError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "You are arranging this meeting")
        return redirect("plans:fnm-detail", referral_id=referral.pk)
    return render(
        request,
        "plans/network_detail.html",
        {"referral": referral, "coordinating": coordinating},
    )


@login_required
def network_meeting_view(request, referral_id):
    if not rules.can_coordinate_family_network(request.user):
        raise PermissionDenied
    referral = _referral(request, referral_id)
    form = MeetingForm(_posted(request))
    if _saved(
        request,
        form,
        lambda data: network_meeting_record(referral=referral, coordinator=request.user, **data),
        "Meeting recorded",
    ):
        return redirect("plans:fnm-detail", referral_id=referral.pk)
    return render(
        request,
        "plans/network_meeting.html",
        {"referral": referral, "form": form, "heading": "Record the Family Network Meeting"},
    )


# Flags --------------------------------------------------------------------------------------


def _flag_person(request, person_id):
    if not rules.can_set_flags(request.user):
        raise PermissionDenied
    return person_get_for_user(request=request, person_id=person_id)


@login_required
def flags_view(request, person_id):
    person = _flag_person(request, person_id)
    form = FlagForm(_posted(request), initial={"start_date": timezone.localdate()})
    if _saved(
        request,
        form,
        lambda data: flag_set(person=person, by=request.user, **data),
        lambda flag: f"Flag set: {flag.get_kind_display()}",
    ):
        return redirect("plans:flags", person_id=person.pk)
    return render(
        request,
        "plans/flags.html",
        {
            "person": person,
            "form": form,
            "flags": selectors.flags_for(person=person),
            "heading": f"Flags for {person}",
        },
    )


@login_required
def flag_end_view(request, person_id, flag_id):
    person = _flag_person(request, person_id)
    flag = selectors.flag_of(person=person, flag_id=flag_id)
    if flag is None:
        raise Http404("No flag found")
    form = FlagEndForm(_posted(request), initial={"end_date": timezone.localdate()})
    if _saved(
        request,
        form,
        lambda data: flag_end(flag=flag, by=request.user, **data),
        lambda ended: f"Flag ended: {ended.get_kind_display()}",
    ):
        return redirect("plans:flags", person_id=person.pk)
    return render(
        request,
        "plans/flag_end.html",
        {
            "person": person,
            "flag": flag,
            "form": form,
            "heading": f"End the flag: {flag.get_kind_display()}",
        },
    )
