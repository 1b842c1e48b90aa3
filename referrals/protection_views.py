"""The front door's part in immediate protection: recording the phone call to the MACPT.

Kept apart from the journey views so that the consultation journey is unchanged; the banner
that posts here is ``protection/includes/macpt_banner.html`` (docs/protection.md).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import rules
from familyfirst.redirects import next_url_or
from protection.forms import MacptCallForm
from protection.services import ProtectionError, macpt_call_record
from referrals.models import Outcome
from referrals.selectors import consultation_get_for_user, consultation_links


@require_POST
@login_required
def macpt_call(request, consultation_id):
    if not rules.can_take_consultations(request.user):
        raise PermissionDenied
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    back = next_url_or(request, reverse("referrals:consultation", args=[consultation.pk]))
    form = MacptCallForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("spoke_to") or form.errors.get("team") or ["Choose the MACPT"]
        messages.error(request, errors[0])
        return redirect(back)
    teams = {
        link.team.pk: link.team
        for link in consultation_links(consultation=consultation)
        if link.outcome == Outcome.IMMEDIATE_PROTECTION and link.team
    }
    team = teams.get(form.cleaned_data["team"])
    if team is None:
        messages.error(request, "No child in this consultation is going to that MACPT")
        return redirect(back)
    try:
        macpt_call_record(
            consultation=consultation,
            team=team,
            spoke_to=form.cleaned_data["spoke_to"],
            by=request.user,
        )
    except ProtectionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Recorded your call to {team}")
    return redirect(back)
