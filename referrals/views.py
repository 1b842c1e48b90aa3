from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import rules
from audit.access import record_get_for_user
from audit.services import access_log_record_list
from cases.selectors import cases_sent_back
from consent.selectors import consent_panel_for
from referrals.forms import AuthoriseForm, QueueFilterForm
from referrals.selectors import (
    authorisation_queue,
    authorisation_queue_page,
    decided_since_listed,
    front_door_queue,
    household_history,
)
from referrals.services import (
    ConsultationError,
    consultation_child_authorise,
    consultation_child_return,
)


@login_required
def queue(request):
    """The front-door queue: every open consultation with its one-working-day clock."""
    if not rules.can_take_consultations(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    practitioner = filters.get("practitioner")
    page = front_door_queue(
        user=request.user,
        practitioner_id=practitioner.pk if practitioner else None,
        status=filters.get("status", ""),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "referrals/queue.html",
        {
            "form": form,
            "rows": page.object_list,
            "page": page,
            "now": timezone.now(),
            # Cases the teams sent back wait for Family Connect too (docs/cases.md).
            "sent_back": cases_sent_back(user=request.user).paginator.count,
        },
    )


@login_required
def authorisations(request):
    if not rules.can_authorise_consultations(request.user):
        raise PermissionDenied
    page = authorisation_queue_page(user=request.user, page_number=request.GET.get("page"))
    # One access-log row per child on the page shown, not per child waiting.
    access_log_record_list(
        request=request,
        record_type="authorisation-queue",
        person_ids=[link.child_id for link in page.object_list],
    )
    return render(request, "referrals/authorisations.html", {"page": page})


@login_required
def authorise(request, link_id):
    if not rules.can_authorise_consultations(request.user):
        raise PermissionDenied
    try:
        link = record_get_for_user(
            request=request,
            visible=authorisation_queue(user=request.user),
            pk=link_id,
            record_type="consultation-child",
            person_id_of=lambda link: link.child_id,
        )
    except Http404:
        # Two managers opening the same outcome from the queue: the second learns it has been
        # dealt with (without being shown the child again) rather than meeting "Page not found".
        if decided_since_listed(user=request.user, link_id=link_id):
            messages.info(request, "Another manager has already dealt with that outcome")
            return redirect("referrals:authorisations")
        raise
    form = AuthoriseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "AUTHORISE":
                consultation_child_authorise(
                    link=link, manager=request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, f"Authorised {link.consultation.reference} for {link.child}"
                )
            else:
                consultation_child_return(
                    link=link, manager=request.user, note=form.cleaned_data["note"]
                )
                messages.success(
                    request, f"Returned {link.consultation.reference} to {link.decided_by}"
                )
        except ConsultationError as error:
            form.add_error("note" if error.field == "note" else None, error.message)
        else:
            return redirect("referrals:authorisations")
    # The consultation in view: what the manager weighs without leaving the page.
    consultation = link.consultation
    history = household_history(user=request.user, consultation=consultation)
    others = [person.pk for person in history["people"] if person.pk != link.child_id]
    if others:
        access_log_record_list(
            request=request,
            record_type="consultation-household",
            record_id=consultation.pk,
            person_ids=others,
        )
    decision = link.spectrum_decision
    return render(
        request,
        "referrals/authorise.html",
        {
            "link": link,
            "form": form,
            "consultation": consultation,
            "history": history,
            "panel": consent_panel_for(user=request.user, child=link.child),
            "decision": decision,
            "indicators": sorted(
                decision.indicators.select_related("domain"),
                key=lambda i: (i.domain.order, i.order),
            )
            if decision
            else [],
        },
    )


__all__ = ["authorisations", "authorise", "queue"]
