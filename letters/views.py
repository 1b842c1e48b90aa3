from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import rules
from audit.access import record_get_for_user
from audit.services import AccessAction
from familyfirst.redirects import next_url_or
from letters.content import FAMILY_CONNECT_TEAM
from letters.pdf import letter_render
from letters.selectors import (
    letter_email_for_token,
    letters_for_consultation,
    letters_visible_to,
    link_is_expired,
    newer_email_sent,
)
from letters.services import (
    LetterError,
    letter_opening_record,
    letter_regenerate,
    letter_resend,
)
from locality.models import Team
from referrals.selectors import consultations_visible_to


def _may(user, action) -> bool:
    """Front-door staff read and send letters; a case worker may read the letters of the
    consultations about their teams' children (docs/cases.md), but not send them."""
    if rules.can_take_consultations(user):
        return True
    return action != AccessAction.CHANGE and rules.can_work_cases(user)


def _consultation(request, consultation_id, *, action=AccessAction.VIEW, reason=""):
    if not _may(request.user, action):
        raise PermissionDenied
    return record_get_for_user(
        request=request,
        visible=consultations_visible_to(user=request.user),
        pk=consultation_id,
        record_type="consultation-letters",
        person_ids_of=lambda consultation: consultation.children.values_list("child_id", flat=True),
        action=action,
        reason=reason,
    )


def _letter(request, letter_id, *, action=AccessAction.VIEW, reason=""):
    if not _may(request.user, action):
        raise PermissionDenied
    return record_get_for_user(
        request=request,
        visible=letters_visible_to(user=request.user).select_related("consultation"),
        pk=letter_id,
        record_type="letter",
        person_ids_of=lambda letter: letter.consultation.children.values_list(
            "child_id", flat=True
        ),
        action=action,
        reason=reason,
    )


@login_required
def consultation_letters(request, consultation_id):
    consultation = _consultation(request, consultation_id)
    return render(
        request,
        "letters/consultation.html",
        {
            "consultation": consultation,
            "letters": letters_for_consultation(consultation),
            "letters_read_only": not rules.can_take_consultations(request.user),
        },
    )


@login_required
def preview(request, letter_id):
    """The stored PDF, or (before it is rendered) a preview made now and not kept."""
    letter = _letter(request, letter_id, action=AccessAction.EXPORT, reason="Letter preview")
    stored = letter.rendered_at is not None
    pdf = bytes(letter.pdf) if stored else letter_render(letter=letter).pdf
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{letter.consultation.reference}-v{letter.version}{'' if stored else '-preview'}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@require_POST
@login_required
def resend(request, letter_id):
    letter = _letter(request, letter_id, action=AccessAction.CHANGE, reason="Letter resent")
    try:
        letter_resend(letter=letter, requested_by=request.user)
    except LetterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Version {letter.version} of the letter will be sent again")
    return redirect(
        next_url_or(request, reverse("letters:consultation", args=[letter.consultation_id]))
    )


@require_POST
@login_required
def regenerate(request, consultation_id):
    consultation = _consultation(
        request, consultation_id, action=AccessAction.CHANGE, reason="Letter regenerated"
    )
    try:
        letter = letter_regenerate(
            consultation=consultation,
            requested_by=request.user,
            reason=request.POST.get("reason", "")[:200],
        )
    except LetterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Version {letter.version} of the letter is being made")
    return redirect(next_url_or(request, reverse("letters:consultation", args=[consultation.pk])))


def download(request, token):
    """The referrer's link from the email. No sign-in: the token is the key."""
    email = letter_email_for_token(token)
    newer = newer_email_sent(email) if email is not None else None
    if email is None or newer or link_is_expired(email) or email.letter.pdf is None:
        return render(
            request,
            "letters/link_expired.html",
            {
                "email": email,
                "newer": newer,
                "family_connect": Team.objects.filter(slug=FAMILY_CONNECT_TEAM).first(),
            },
            status=404 if email is None else 410,
        )
    letter_opening_record(
        email=email,
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.headers.get("User-Agent", ""),
    )
    letter = email.letter
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{letter.consultation.reference}-v{letter.version}.pdf"'
    )
    return response
