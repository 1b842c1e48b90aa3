"""The consultation journey: a page per step of the call, each saving what was typed.

Words are never lost: every step's form saves its valid fields even while another is being
corrected; with JavaScript, static/js/autosave.js posts the form every few seconds (the same view
answers in JSON); a save quoting an old version is refused with a conflict message instead of
overwriting; and a form posted after the session expired is kept in the new session and saved
once the practitioner has signed in again.
"""

import uuid
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import rules
from audit.services import access_log_record_list
from cases.selectors import known_to_teams
from consent.selectors import consent_panels_for
from familyfirst.redirects import next_url_or
from letters.selectors import letters_for_consultation
from locality.selectors import RoutingInputError
from people.forms import PersonSearchForm, PickedRelationshipForm
from people.models import DuplicateDecision
from people.search import person_search
from people.selectors import home_postcode, households_of, people_visible_to
from people.services import person_search_log
from people.views import relationship_from_form
from referrals.forms import DRAFT_STEP_FORMS, ChildOutcomeForm
from referrals.journey import STEPS, step_after, step_url, steps_for
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
)
from referrals.selectors import (
    consultation_get_for_user,
    consultation_links,
    household_history,
    my_drafts,
)
from referrals.services import (
    ConsultationError,
    DraftConflict,
    consultation_child_add,
    consultation_child_decide,
    consultation_child_remove,
    consultation_draft_save,
    consultation_missing,
    consultation_start,
    consultation_submit,
)
from spectrum.selectors import (
    decisions_current_for_people,
    person_is_child,
)

STASH_KEY = "typed_before_sign_in"
STASH_HOURS = 12
# Who had the step open: a signed cookie set with each step page, read when a form arrives after
# the session has ended, so kept words are saved only for the person who typed them.
TYPIST_COOKIE, TYPIST_SALT = "fc_typist", "referrals.journey.typist"


def _is_autosave(request) -> bool:
    """The page's script saving in the background (a fetch, or a beacon as the tab closes)."""
    return request.headers.get("X-Autosave") == "1" or request.POST.get("autosave") == "1"


def keeps_typing_through_sign_in(view):
    """A form posted after the session ended is kept (in the new session), with who typed it,
    and the practitioner is sent to sign in; the step's page saves it when they come back, and
    only for them. Autosave requests are told they are signed out, so the page can say so."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            if _is_autosave(request):
                return JsonResponse(
                    {"signed_out": True, "message": "You have been signed out."}, status=401
                )
            request.session[STASH_KEY] = {
                "path": request.path,
                "at": timezone.now().isoformat(),
                "typed_by": request.get_signed_cookie(TYPIST_COOKIE, None, salt=TYPIST_SALT),
                "data": {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key != "csrfmiddlewaretoken"
                },
            }
            return redirect_to_login(request.path)
        response = login_required(view)(request, *args, **kwargs)
        if request.user.is_authenticated:
            response.set_signed_cookie(
                TYPIST_COOKIE,
                str(request.user.pk),
                salt=TYPIST_SALT,
                max_age=STASH_HOURS * 3600,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapper


def _stashed(request) -> QueryDict | None:
    stash = request.session.get(STASH_KEY)
    if not stash or stash.get("path") != request.path:
        return None
    del request.session[STASH_KEY]
    age = timezone.now() - datetime.fromisoformat(stash["at"])
    if age.total_seconds() > STASH_HOURS * 3600:
        return None
    if stash.get("typed_by") != str(request.user.pk):
        # Someone else typed it (or nobody can say who): it is not saved as this person's.
        messages.warning(
            request,
            "Words typed on this page before a sign-out were not saved: they were not typed by "
            "you, as far as Family Connect can tell.",
        )
        return None
    data = QueryDict(mutable=True)
    for key, values in stash["data"].items():
        data.setlist(key, values)
    return data


def _log_others_shown(request, consultation, person_ids) -> None:
    """Opening the consultation logged its children; the household and family history also
    show other people (parents, siblings), and each of them gets a row too."""
    children = {link.child_id for link in consultation_links(consultation=consultation)}
    others = [pk for pk in person_ids if pk not in children]
    if others:
        access_log_record_list(
            request=request,
            record_type="consultation-household",
            record_id=consultation.pk,
            person_ids=others,
        )


def _require_front_door(user):
    if not rules.can_take_consultations(user):
        raise PermissionDenied


def _journey(consultation, current: str, **extra) -> dict:
    links = extra.pop("links", None)
    if links is None:
        links = consultation_links(consultation=consultation)
    missing = consultation_missing(consultation=consultation, links=links)
    return {
        "consultation": consultation,
        "links": links,
        "steps": steps_for(
            consultation_id=consultation.pk,
            current=current,
            missing_steps={step for step, _message in missing},
        ),
        "step_title": next(step.title for step in STEPS if step.key == current),
        "missing": missing,
        "editable": consultation.status == ConsultationStatus.DRAFT,
        "now": timezone.now(),
        **extra,
    }


def _draft_or_summary(request, consultation):
    if consultation.status != ConsultationStatus.DRAFT:
        messages.info(request, f"{consultation.reference} has been submitted and cannot be changed")
        return redirect("referrals:consultation", consultation_id=consultation.pk)
    return None


@login_required
def consultation_new(request):
    """Start a consultation, or pick up one of your own in progress."""
    _require_front_door(request.user)
    if request.method == "POST":
        consultation = consultation_start(practitioner=request.user)
        return redirect("referrals:step-caller", consultation_id=consultation.pk)
    return render(
        request,
        "referrals/consultation_new.html",
        {"drafts": my_drafts(user=request.user, page_number=request.GET.get("page"))},
    )


def _differences(form, current) -> list[dict]:
    """The fields on this step where what is saved now differs from what this person typed."""
    typed = form.data
    rows = []
    for name in form._meta.fields:
        mine = typed.get(name, "")
        theirs = getattr(current, name)
        shown = (
            getattr(current, f"get_{name}_display")()
            if hasattr(current, f"get_{name}_display")
            else theirs
        )
        if isinstance(theirs, bool):
            differs = theirs != (mine in ("on", "true", "True", "1"))
        elif hasattr(theirs, "isoformat"):
            differs = False  # the time received is shown in the form; not worth a line here
        else:
            differs = str(theirs or "") != str(mine or "")
        if differs:
            rows.append({"label": form.fields[name].label, "theirs": shown or "(empty)"})
    return rows


def _rebound(form_class, data, consultation):
    """The typed form again, now quoting the consultation's current version."""
    data = data.copy()
    data["version"] = str(consultation.version)
    form = form_class(data, instance=consultation)
    form.is_valid()
    return form


def _draft_step(request, consultation_id, step: str):
    """Caller, worries and action-plan steps: forms over the consultation's own fields."""
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    form_class = DRAFT_STEP_FORMS[step]
    autosave = _is_autosave(request)
    if consultation.status != ConsultationStatus.DRAFT:
        if autosave:
            return JsonResponse({"message": "This consultation has been submitted."}, status=409)
        return _draft_or_summary(request, consultation)

    data = request.POST if request.method == "POST" else _stashed(request)
    restored = request.method != "POST" and data is not None
    if data is None:
        form = form_class(instance=consultation, initial={"version": consultation.version})
        return render(
            request,
            f"referrals/step_{step}.html",
            _journey(consultation, step, form=form, **_step_extra(step, consultation)),
        )

    form = form_class(data, instance=Consultation.objects.get(pk=consultation.pk))
    form.is_valid()
    conflict, differences = "", []
    try:
        consultation = consultation_draft_save(
            consultation=consultation,
            changes=form.changes(),
            version=form.cleaned_data.get("version") or 0,
            saved_by=request.user,
        )
    except DraftConflict as error:
        conflict = error.message
        consultation = Consultation.objects.select_related("practitioner", "updated_by").get(
            pk=consultation.pk
        )
        differences = _differences(form, consultation)
    except ConsultationError as error:
        if autosave:
            return JsonResponse({"message": error.message}, status=409)
        messages.error(request, error.message)
        return redirect("referrals:consultation", consultation_id=consultation.pk)

    if autosave:
        if conflict:
            return JsonResponse({"conflict": True, "message": conflict}, status=409)
        return JsonResponse(
            {
                "version": consultation.version,
                "saved_at": timezone.localtime(consultation.updated_at).strftime("%H:%M:%S"),
                "errors": {name: list(errors) for name, errors in form.errors.items()},
                # A date input's parts in error (by position), for their red borders.
                "error_parts": {
                    name: form.fields[name].widget.error_parts
                    for name in form.errors
                    if name in form.fields and hasattr(form.fields[name].widget, "error_parts")
                },
            }
        )
    if not conflict and not form.errors and not restored:
        if "save_and_exit" in data:
            messages.success(
                request, f"{consultation.reference} saved. Pick it up from your drafts."
            )
            return redirect("referrals:consultation-new")
        return redirect(step_url(step_after(step), consultation.pk))
    if restored and not conflict:
        messages.success(
            request,
            "You were signed out before your last changes were saved. What you typed has been kept and saved.",
        )
    # Re-show what was typed, quoting the version now saved, so the next save goes through: after
    # a conflict that is a deliberate choice to replace the other person's words on this step.
    form = _rebound(form_class, data, consultation)
    return render(
        request,
        f"referrals/step_{step}.html",
        _journey(
            consultation,
            step,
            form=form,
            conflict=conflict,
            differences=differences,
            **_step_extra(step, consultation),
        ),
    )


def _step_extra(step: str, consultation) -> dict:
    """The outcome step also offers one outcome for the children still without one, on the
    page itself (ask once, apply to all); it posts to the first such child's outcome page."""
    if step != "outcome" or consultation.status != ConsultationStatus.DRAFT:
        return {}
    links = consultation_links(consultation=consultation)
    waiting = [link for link in links if not link.outcome]
    if not waiting:
        return {"links": links}
    first, others = waiting[0], waiting[1:]
    form = ChildOutcomeForm(
        initial={
            "postcode": home_postcode(person=first.child),
            "also": [str(other.pk) for other in others],
        },
        others=others,
        auto_id="shared_%s",
    )
    return {"links": links, "shared_link": first, "shared_form": form}


@login_required
def step_children(request, consultation_id):
    """The children concerned: search before adding anyone, and see their household."""
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    here = step_url("children", consultation.pk)
    if request.method == "POST":
        if redirect_response := _draft_or_summary(request, consultation):
            return redirect_response
        try:
            if request.POST.get("action") == "remove":
                link = ConsultationChild.objects.select_related("child").get(
                    consultation=consultation, pk=request.POST.get("link")
                )
                consultation_child_remove(link=link, removed_by=request.user)
                messages.success(request, f"{link.child} removed from this consultation")
            else:
                # One "Add" button names one person; "Add the children chosen" adds every ticked
                # match at once (so three siblings found together are one page, not three).
                chosen = (
                    [request.POST["person"]]
                    if request.POST.get("person")
                    else request.POST.getlist("people")
                )
                if not chosen:
                    raise ConsultationError("Choose at least one person to add")
                people = list(
                    people_visible_to(user=request.user).filter(
                        pk__in=[pk for pk in chosen if _is_uuid(pk)]
                    )
                )
                if len(people) != len(set(chosen)):
                    raise ValueError("That person could not be found")
                for person in people:
                    consultation_child_add(
                        consultation=consultation, child=person, added_by=request.user
                    )
                messages.success(
                    request,
                    f"{_names(people)} added to this consultation",
                )
        except (ConsultationChild.DoesNotExist, ValueError, ConsultationError) as error:
            message = getattr(error, "message", "That person could not be found")
            messages.error(request, message)
        # Back to the same search, so the results stay in view for the next child.
        query = request.POST.get("search_query", "")
        return redirect(f"{here}?{query}" if query and "=" in query else here)

    links = consultation_links(consultation=consultation)
    by_child = households_of(user=request.user, people=[link.child for link in links])
    known = known_to_teams(
        child_ids=[link.child_id for link in links],
        on=timezone.localdate(consultation.received_at),
    )
    households = [
        {
            "link": link,
            **by_child[link.child_id],
            "open_cases": known[link.child_id]["open"],
            "re_referral": known[link.child_id]["re_referral"],
        }
        for link in links
    ]
    _log_others_shown(
        request,
        consultation,
        [
            person.pk
            for household in by_child.values()
            for person in [m["person"] for m in household["members"]] + household["pr_holders"]
            if person is not None
        ],
    )
    searching = any(request.GET.get(key) for key in PersonSearchForm.base_fields)
    form = PersonSearchForm(request.GET if searching else None)
    matches, search = None, None
    if searching and form.is_valid():
        matches = person_search(user=request.user, criteria=form.criteria)
        search = person_search_log(
            request=request, criteria=form.criteria.as_json(), matches=matches
        )
        # Children first (the call is about them), keeping the search's own order within each.
        today = timezone.localdate(consultation.received_at)
        matches = sorted(
            matches,
            key=lambda match: (
                not (
                    getattr(match, "person", None) is not None
                    and person_is_child(person=match.person, on=today)
                )
            ),
        )
    added_ids = {link.child_id for link in links}
    just_created = None
    if request.GET.get("person"):
        just_created = (
            people_visible_to(user=request.user)
            .filter(pk=request.GET["person"])
            .exclude(pk__in=added_ids)
            .first()
            if _is_uuid(request.GET["person"])
            else None
        )
        if just_created is not None and _created_from_this_step(
            request, consultation, just_created
        ):
            # Recorded (or chosen) from this step's own search: they join the consultation now,
            # as the practitioner asked, without another click.
            consultation_child_add(
                consultation=consultation, child=just_created, added_by=request.user
            )
            messages.success(request, f"{just_created} has joined this consultation")
            return redirect(here)
    return render(
        request,
        "referrals/step_children.html",
        _journey(
            consultation,
            "children",
            links=links,
            households=households,
            form=form,
            matches=matches,
            search=search,
            added_ids=added_ids,
            child_ids={
                match.person.pk
                for match in matches or []
                if getattr(match, "person", None) is not None
                and person_is_child(person=match.person, on=timezone.localdate())
            },
            search_query=request.GET.urlencode() if searching else "",
            just_created=just_created,
            create_url=(
                f"{reverse('people:person-create')}?search={search.pk}"
                f"&next={quote(f'{here}?from_search={search.pk}')}"
                if search
                else ""
            ),
        ),
    )


def _created_from_this_step(request, consultation, person) -> bool:
    """Did this practitioner just record (or choose) ``person`` after a search made from this
    consultation's children step? The search's own decision record says so."""
    search_id = request.GET.get("from_search", "")
    if not _is_uuid(search_id) or consultation.status != ConsultationStatus.DRAFT:
        return False
    return (
        DuplicateDecision.objects.filter(
            search_id=search_id,
            search__user=request.user,
            decided_by=request.user,
            decided_at__gte=timezone.now() - timedelta(hours=STASH_HOURS),
        )
        .filter(Q(created_person=person) | Q(chosen_person=person))
        .exists()
    )


def _names(people) -> str:
    names = [str(person) for person in people]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
def step_household(request, consultation_id):
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    history = household_history(user=request.user, consultation=consultation)
    _log_others_shown(request, consultation, [person.pk for person in history["people"]])
    return render(
        request,
        "referrals/step_household.html",
        _journey(consultation, "household", history=history),
    )


@login_required
def step_consent(request, consultation_id):
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    links = consultation_links(consultation=consultation)
    by_child = consent_panels_for(user=request.user, children=[link.child for link in links])
    panels = [{"link": link, "panel": by_child[link.child_id]} for link in links]
    return render(
        request,
        "referrals/step_consent.html",
        _journey(
            consultation,
            "consent",
            links=links,
            panels=panels,
            here=step_url("consent", consultation.pk),
            children_query=urlencode([("children", link.child_id) for link in links]),
            can_record=rules.can_record_consent(request.user),
        ),
    )


@login_required
def step_spectrum(request, consultation_id):
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    links = consultation_links(consultation=consultation)
    decisions = decisions_current_for_people(person_ids=[link.child_id for link in links])
    rows = [
        {
            "link": link,
            "decision": decision,
            "in_this": decision is not None
            and (
                decision.consultation_id == consultation.pk
                or (
                    decision.consultation_id is None
                    and decision.decided_at >= consultation.created_at
                )
            ),
            "indicators": sorted(decision.indicators.all(), key=lambda i: (i.domain.order, i.order))
            if decision
            else [],
        }
        for link in links
        for decision in [decisions[link.child_id]]
    ]
    here = step_url("spectrum", consultation.pk)
    return render(
        request,
        "referrals/step_spectrum.html",
        _journey(
            consultation,
            "spectrum",
            links=links,
            rows=rows,
            here=here,
            # The picker returns here (``next``); siblings can share one decision (``children``).
            picker_query=urlencode(
                [("children", link.child_id) for link in links] + [("next", here)]
            ),
        ),
    )


@keeps_typing_through_sign_in
def step_outcome(request, consultation_id):
    return _draft_step(request, consultation_id=consultation_id, step="outcome")


@keeps_typing_through_sign_in
def step_caller(request, consultation_id):
    return _draft_step(request, consultation_id=consultation_id, step="caller")


@keeps_typing_through_sign_in
def step_concerns(request, consultation_id):
    return _draft_step(request, consultation_id=consultation_id, step="concerns")


@keeps_typing_through_sign_in
def child_outcome(request, consultation_id, link_id):
    """Agree one child's outcome: the routing service proposes the team; the practitioner may
    choose another with a reason; the consent gate decides whether a referral can go ahead."""
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    if redirect_response := _draft_or_summary(request, consultation):
        return redirect_response
    links = consultation_links(consultation=consultation)
    link = next((link for link in links if link.pk == link_id), None)
    if link is None:
        raise Http404("No such child in this consultation")
    # Siblings can share an outcome: the others not yet authorised are offered, and ticked when
    # none has an outcome yet (ask once, apply to all).
    others = [
        other
        for other in links
        if other.pk != link.pk and other.authorisation != AuthorisationStatus.AUTHORISED
    ]
    data = request.POST if request.method == "POST" else _stashed(request)
    initial = {
        "outcome": link.outcome,
        "services_signposted": link.services_signposted,
        "outcome_rationale": link.outcome_rationale,
        "main_concern": link.main_concern,
        "severe_disability": link.severe_disability,
        "postcode": link.routing_postcode or home_postcode(person=link.child),
        "team": link.team if link.routing_override_id else None,
        "also": [str(other.pk) for other in others if not other.outcome],
    }
    form = ChildOutcomeForm(data, initial=initial, others=others)
    decisions = decisions_current_for_people(person_ids=[each.child_id for each in links])
    decision = decisions[link.child_id]
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        chosen = [link] + [other for other in others if str(other.pk) in cleaned.get("also", [])]
        try:
            with transaction.atomic():
                saved = [
                    _decide_one(
                        each,
                        cleaned,
                        decided_by=request.user,
                        decision=decisions[each.child_id],
                        postcode=cleaned["postcode"] if each is link else "",
                        fallback_postcode=cleaned["postcode"],
                        named=len(chosen) > 1,
                    )
                    for each in chosen
                ]
        except ConsultationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except RoutingInputError as error:
            form.add_error("postcode", str(error))
        else:
            for each in saved:
                team = f": {each.team}" if each.team else ""
                messages.success(request, f"Outcome saved for {each.child}{team}")
            return redirect("referrals:step-outcome", consultation_id=consultation.pk)
    return render(
        request,
        "referrals/child_outcome.html",
        _journey(consultation, "outcome", links=links, link=link, form=form, decision=decision),
    )


def _decide_one(link, cleaned, *, decided_by, decision, postcode, fallback_postcode, named):
    """One child's outcome from the shared form: their own level, their own home postcode
    (a sibling without one is routed by the postcode given), their own consent."""
    try:
        return consultation_child_decide(
            link=link,
            outcome=cleaned["outcome"],
            decided_by=decided_by,
            spectrum_decision=decision,
            services_signposted=cleaned["services_signposted"],
            outcome_rationale=cleaned["outcome_rationale"],
            concerns=[cleaned["main_concern"]] if cleaned["main_concern"] else [],
            severe_disability=cleaned["severe_disability"],
            postcode=postcode or home_postcode(person=link.child) or fallback_postcode,
            chosen_team=cleaned["team"],
            override_reason=cleaned["override_reason"],
        )
    except ConsultationError as error:
        if named:
            error.message = f"{link.child}: {error.message}"
        raise
    except RoutingInputError as error:
        if named:
            raise RoutingInputError(error.field, f"{link.child}: {error}") from error
        raise


@login_required
def consultation_detail(request, consultation_id):
    """Check answers and submit; afterwards, what was decided and where it went."""
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    links = consultation_links(consultation=consultation)
    submitted = consultation.status != ConsultationStatus.DRAFT
    return render(
        request,
        "referrals/consultation_detail.html",
        _journey(
            consultation,
            "check",
            links=links,
            letters=letters_for_consultation(consultation) if submitted else [],
            letters_panel="letters/includes/status.html" if submitted else "",
        ),
    )


@login_required
def consultation_record(request, consultation_id):
    """The consultation as recorded, read-only: for the team whose case it opened (and the front
    door). Opened through the one door, one access-log row per child it names."""
    if not (rules.can_take_consultations(request.user) or rules.can_work_cases(request.user)):
        raise PermissionDenied
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    return render(
        request,
        "referrals/consultation_record.html",
        {
            "consultation": consultation,
            "links": consultation_links(consultation=consultation),
            "step_title": "The consultation as recorded",
            "editable": False,
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def consultation_submit_view(request, consultation_id):
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    try:
        consultation = consultation_submit(consultation=consultation, submitted_by=request.user)
    except ConsultationError as error:
        messages.error(request, error.message)
    else:
        if consultation.status == ConsultationStatus.COMPLETE:
            messages.success(request, f"{consultation.reference} is complete")
        else:
            messages.success(
                request,
                f"{consultation.reference} has been sent to a Family Connect manager to authorise",
            )
    return redirect(next_url_or(request, reverse("referrals:consultation", args=[consultation.pk])))


__all__ = [
    "child_outcome",
    "consultation_detail",
    "consultation_new",
    "consultation_submit_view",
    "step_caller",
    "step_children",
    "step_concerns",
    "step_consent",
    "step_household",
    "step_outcome",
    "step_spectrum",
]


def _household_candidates(request, consultation, child, links):
    """Whom a relationship for ``child`` may be recorded with: the other children in the
    consultation, the people living with any of them and those holding parental responsibility
    for them (restricted people are never offered: households_of gives them as None), and a
    person just recorded from "someone new" (``?person=``), if the user may see them."""
    children = [link.child for link in links]
    households = households_of(user=request.user, people=children)
    people = {person.pk: person for person in children}
    for household in households.values():
        for person in [m["person"] for m in household["members"]] + household["pr_holders"]:
            if person is not None:
                people.setdefault(person.pk, person)
    new_id = request.GET.get("person", "")
    if _is_uuid(new_id) and uuid.UUID(new_id) not in people:
        new_person = people_visible_to(user=request.user).filter(pk=new_id).first()
        if new_person is not None:
            people[new_person.pk] = new_person
    people.pop(child.pk, None)
    return list(people.values())


@login_required
def child_relationship(request, consultation_id, child_id):
    """Record a relationship (and parental responsibility) for a child in the consultation by
    picking someone in the household or recording someone new; saving returns to the step."""
    _require_front_door(request.user)
    consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
    links = consultation_links(consultation=consultation)
    link = next((link for link in links if link.child_id == child_id), None)
    if link is None:
        raise Http404
    child = link.child
    here = reverse("referrals:child-relationship", args=[consultation.pk, child.pk])
    candidates = _household_candidates(request, consultation, child, links)
    _log_others_shown(request, consultation, [person.pk for person in candidates])
    initial = {"other_person": request.GET["person"]} if request.GET.get("person") else None
    form = PickedRelationshipForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial=initial,
        help_text="People in this consultation and in the children's households",
        save_label="Save and return to the children",
    )
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other_person"]
        if relationship_from_form(
            request,
            form,
            other=other,
            person=child,
            reason="relationship added from a consultation",
        ):
            messages.success(request, f"Relationship between {other} and {child} recorded")
            return redirect(step_url("children", consultation.pk))
    return render(
        request,
        "referrals/child_relationship.html",
        {
            "consultation": consultation,
            "child": child,
            "form": form,
            "has_candidates": bool(candidates),
            "someone_new_url": f"{reverse('people:search')}?{urlencode({'next': here})}",
            "back_url": step_url("children", consultation.pk),
        },
    )
