import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.selectors import staff_by_username
from audit.services import AccessAction, access_log_record, access_log_record_list
from familyfirst.redirects import next_url_or
from people.forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    MergeChooseForm,
    NewPersonForm,
    PersonCreateForm,
    PersonMergeForm,
    PersonSearchForm,
    PickedRelationshipForm,
    RestrictionGrantForm,
)
from people.picker import picker_open, picker_person_create
from people.search import (
    LIKELY_DUPLICATE_SCORE,
    PartialDate,
    person_search,
    search_criteria_parse,
)
from people.selectors import (
    break_glass_awaiting_review,
    break_glass_get_for_reviewer,
    break_glass_reviewed,
    chronology_for,
    household_for,
    household_timeline,
    merge_get_for_user,
    merges_for,
    parental_responsibility_holders,
    people_shown_log,
    people_visible_to,
    person_for_break_glass,
    person_get_for_user,
    relationships_for,
    restriction_grants_for,
)
from people.services import (
    PersonMergeRefused,
    RestrictionRefused,
    SearchRequired,
    break_glass_review,
    break_glass_start,
    duplicate_decision_pick_existing,
    person_create_after_search,
    person_merge,
    person_merge_undo,
    person_search_for_create,
    person_search_log,
    relationship_with_household_record,
    restriction_grant,
    restriction_reviewed,
)
from people.work import work_for


def _require_front_door(user):
    if not rules.can_use_front_door(user):
        raise PermissionDenied


@login_required
def person_search_view(request):
    _require_front_door(request.user)
    form = PersonSearchForm(request.GET or None)
    matches, search = None, None
    if form.is_bound and form.is_valid():
        matches = person_search(user=request.user, criteria=form.criteria)
        search = person_search_log(
            request=request, criteria=form.criteria.as_json(), matches=matches
        )
    # From a consultation's relationship page: a new person recorded goes back there (next).
    return render(
        request,
        "people/person_search.html",
        {"form": form, "matches": matches, "search": search, "next_url": next_url_or(request, "")},
    )


def _initial_from_search(search) -> dict:
    """Carry what was searched for into the new person's form, as typed."""
    criteria = search.criteria
    name = criteria.get("name", "")
    if "," in name:
        family, _, given = name.partition(",")
    else:
        words = name.split()
        given, family = (words[0], words[-1]) if len(words) > 1 else ("", name)
    initial = {"search": search.pk, "given_name": given.strip(), "family_name": family.strip()}
    for key in ["postcode", "nhs_number", "upn", "phone"]:
        initial[key] = criteria.get(key, "")
    if len(criteria.get("dob", "")) == 10:
        initial["date_of_birth"] = dt.date.fromisoformat(criteria["dob"])
    return initial


def _duplicate_candidates(request, form, search) -> list:
    """Likely duplicates of the person about to be added; the check is access-logged."""
    details = form.details()
    criteria, _errors = search_criteria_parse(
        name=f"{details.given_name} {details.family_name}",
        postcode=details.postcode,
        nhs_number=details.nhs_number,
        upn=details.upn,
        la_child_id=details.la_child_id,
        phone=details.phone,
    )
    born = details.date_of_birth or details.expected_date_of_birth
    if born:
        criteria.dob = PartialDate(born.year, born.month, born.day)
    matches = person_search(user=request.user, criteria=criteria, limit=5)
    likely = [m for m in matches if m.score >= LIKELY_DUPLICATE_SCORE]
    access_log_record(
        request=request,
        action=AccessAction.SEARCH,
        record_type="person-duplicate-check",
        record_id=search.pk,
        reason=f"{len(likely)} likely duplicate{'s' if len(likely) != 1 else ''}",
    )
    return likely


def _back_to_caller_or(request, person):
    """Back to the page that asked for the person (a consultation adding a child), naming them;
    otherwise to the person's own page."""
    back = next_url_or(request, "")
    if back:
        return redirect(f"{back}{'&' if '?' in back else '?'}person={person.pk}")
    return redirect("people:person-detail", person_id=person.pk)


@login_required
def person_create(request):
    """Search before create: reachable only from a search; shows likely duplicates first."""
    _require_front_door(request.user)
    data = request.POST or None
    search_id = request.POST.get("search") if data else request.GET.get("search")
    try:
        search = person_search_for_create(user=request.user, search_id=search_id)
    except SearchRequired:
        messages.info(request, "Search for the person first, so that no one is recorded twice")
        return redirect("people:search")
    can_restrict = rules.can_manage_people(request.user)
    if data is None:
        form = PersonCreateForm(initial=_initial_from_search(search), can_restrict=can_restrict)
        return render(request, "people/person_create.html", {"form": form, "search": search})

    # Check the details first (without the duplicate choice), then find likely duplicates, then
    # read the choice against the duplicates found now.
    details_data = data.copy()
    details_data.pop("duplicate_choice", None)
    form = PersonCreateForm(details_data, can_restrict=can_restrict)
    candidates = []
    if form.is_valid():
        candidates = _duplicate_candidates(request, form, search)
        form = PersonCreateForm(data, candidates=candidates, can_restrict=can_restrict)
        choice = form.cleaned_data.get("duplicate_choice") if form.is_valid() else None
        if candidates and not choice:
            # First sight of the likely duplicates (or a stale choice): show them.
            return render(
                request,
                "people/person_create.html",
                {"form": form, "search": search, "candidates": candidates, "checking": True},
            )
        if choice and choice != "NONE":
            chosen = next(m.person for m in candidates if m.person and str(m.person.pk) == choice)
            duplicate_decision_pick_existing(
                search=search, decided_by=request.user, candidates=candidates, chosen=chosen
            )
            messages.success(request, f"You chose the existing record for {chosen}")
            return _back_to_caller_or(request, chosen)
        try:
            person, _decision = person_create_after_search(
                search=search,
                details=form.details(),
                created_by=request.user,
                candidates=candidates,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{person} added")
            if person.restricted and not rules.can_see_restricted_records(request.user):
                return redirect("people:search")
            return _back_to_caller_or(request, person)
    return render(
        request,
        "people/person_create.html",
        {"form": form, "search": search, "candidates": candidates},
    )


@login_required
def person_detail(request, person_id):
    person = person_get_for_user(request=request, person_id=person_id)
    if person.merged_into_id:
        messages.info(request, "This record was merged into the one shown")
        return redirect("people:person-detail", person_id=person.merged_into_id)
    relationships = relationships_for(user=request.user, person=person)
    pr_holders = list(
        parental_responsibility_holders(person=person).filter(
            pk__in=people_visible_to(user=request.user)
        )
    )
    household = household_for(user=request.user, person=person)
    people_shown_log(
        request=request,
        subject=person,
        people=[r.person for r in relationships + household] + pr_holders,
        reason="shown on a related person's page",
    )
    context = {
        "person": person,
        "names": person.names.all(),
        "addresses": person.addresses.all(),
        "phones": person.phones.all(),
        "flags": person.flags.select_related("set_by"),
        "relationships": relationships,
        "pr_holders": pr_holders,
        "household": household,
        "chronology": chronology_for(user=request.user, person=person),
        "work": work_for(user=request.user, person_ids=[person.pk]),
        "merges": merges_for(person=person),
        "can_merge": rules.can_manage_people(request.user),
        "can_manage_restriction": rules.can_manage_restriction(request.user),
    }
    return render(request, "people/person_detail.html", context)


@login_required
def household_view(request, person_id):
    person = person_get_for_user(request=request, person_id=person_id, reason="household timeline")
    household = household_for(user=request.user, person=person)
    timeline = household_timeline(user=request.user, person=person)
    people_shown_log(
        request=request,
        subject=person,
        people=[member.person for member in household] + [event.person for event in timeline],
        reason="shown on a household timeline",
    )
    # The work with everyone shown (never a restricted member), named from the household list.
    named = {person.pk: person} | {
        member.person.pk: member.person for member in household if not member.is_hidden
    }
    work = [
        (named[item.person_id], item)
        for item in work_for(user=request.user, person_ids=list(named))
    ]
    return render(
        request,
        "people/household.html",
        {"person": person, "household": household, "timeline": timeline, "work": work},
    )


def relationship_from_form(request, form, *, other, person, reason="relationship added") -> bool:
    """Record the relationship a valid RelationshipForm describes (other is person's kind),
    logging the change to the other person; False, with the errors on the form, if refused.
    Shared with the consultation's household picker (referrals.journey_views)."""
    access_log_record(
        request=request,
        action=AccessAction.CHANGE,
        record_type="person",
        record_id=other.pk,
        person_id=other.pk,
        reason=reason,
    )
    try:
        relationship_with_household_record(
            from_person=other,
            to_person=person,
            kind=form.cleaned_data["kind"],
            parental_responsibility=form.cleaned_data["parental_responsibility"],
            family_network=form.cleaned_data["family_network"],
            lives_with=form.cleaned_data["lives_with"],
            start_date=form.cleaned_data["start_date"],
            created_by=request.user,
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else "other_person", errors)
        return False
    return True


@login_required
def relationship_add(request, person_id):
    """Add a relationship from the person page: the other person is picked from the person's
    household and relatives, found by name, or recorded in place (people/picker.py); saving
    returns to the person page."""
    _require_front_door(request.user)
    person = person_get_for_user(request=request, person_id=person_id)
    here = reverse("people:relationship-add", args=[person.pk])
    known = {}
    for related in relationships_for(user=request.user, person=person) + household_for(
        user=request.user, person=person
    ):
        if related.person is not None:
            known.setdefault(related.person.pk, related.person)
    for holder in parental_responsibility_holders(person=person).filter(
        pk__in=people_visible_to(user=request.user)
    ):
        known.setdefault(holder.pk, holder)
    people_shown_log(
        request=request,
        subject=person,
        people=list(known.values()),
        reason="offered for a relationship",
    )
    new_form = None
    if request.method == "POST" and "record_new" in request.POST:
        new_form = NewPersonForm(request.POST)
        if new_form.is_valid():
            created = picker_person_create(request, new_form)
            if created is not None:
                messages.success(request, f"{created} added: now say how they are related")
                return redirect(f"{here}?{urlencode({'person': created.pk})}")
    picker = picker_open(
        request, known=list(known.values()), here=here, exclude=[person.pk], new_form=new_form
    )
    form = PickedRelationshipForm(
        request.POST if request.method == "POST" and new_form is None else None,
        candidates=picker.offered,
        initial={"other_person": str(picker.chosen.pk)} if picker.chosen else None,
    )
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["other_person"]
        if relationship_from_form(request, form, other=other, person=person):
            messages.success(request, f"Relationship with {other} added")
            return redirect("people:person-detail", person_id=person.pk)
    return render(
        request,
        "people/relationship_add.html",
        {"form": form, "person": person, "picker": picker},
    )


@login_required
def person_merge_view(request, person_id):
    """A manager merges a duplicate into this record: choose, compare, confirm with a reason."""
    if not rules.can_manage_people(request.user):
        raise PermissionDenied
    person = person_get_for_user(request=request, person_id=person_id, reason="merge")
    choose = MergeChooseForm(request.GET if "other" in request.GET else None)
    other, refusal = None, ""
    if choose.is_bound and choose.is_valid():
        try:
            other = person_get_for_user(
                request=request, person_id=choose.cleaned_data["other"], reason="merge"
            )
        except Http404:
            choose.add_error(
                "other", "No person with this ID was found. Check the ID on their page"
            )
    form = PersonMergeForm(request.POST if request.method == "POST" else None)
    if other is not None and request.method == "POST" and form.is_valid():
        try:
            merge = person_merge(
                survivor=person,
                merged=other,
                merged_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except PersonMergeRefused as error:
            refusal = str(error)
        else:
            messages.success(request, "Records merged. You can undo this from the merge record")
            return redirect("people:merge-detail", merge_id=merge.pk)
    duplicates = []
    if other is None and not choose.is_bound:
        duplicates = [
            m
            for m in person_search(
                user=request.user,
                name=f"{person.given_name} {person.family_name}",
                dob=str(person.date_of_birth or ""),
                exclude_person_id=person.pk,
                limit=5,
            )
            if m.person
        ]
    return render(
        request,
        "people/person_merge.html",
        {
            "person": person,
            "other": other,
            "choose": choose,
            "form": form,
            "refusal": refusal,
            "duplicates": duplicates,
        },
    )


@login_required
def merge_detail(request, merge_id):
    if not rules.can_manage_people(request.user):
        raise PermissionDenied
    merge = merge_get_for_user(request=request, merge_id=merge_id)
    refusal = ""
    if request.method == "POST":
        try:
            person_merge_undo(merge=merge, undone_by=request.user)
        except PersonMergeRefused as error:
            refusal = str(error)
        else:
            messages.success(request, "Merge undone: the two records are separate again")
            return redirect("people:merge-detail", merge_id=merge.pk)
    return render(
        request,
        "people/merge_detail.html",
        {"merge": merge, "refusal": refusal, "now": timezone.now()},
    )


@login_required
def break_glass(request, person_id):
    """Emergency access to a record the worker may not otherwise see. Reached from the 404 page,
    which offers it whether or not the record exists, so neither page confirms that it does."""
    if not rules.can_break_glass(request.user):
        raise PermissionDenied
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = person_for_break_glass(person_id=person_id)
        if people_visible_to(user=request.user).filter(pk=person.pk).exists():
            messages.info(request, "You can already see this record")
            return redirect("people:person-detail", person_id=person.pk)
        try:
            access = break_glass_start(
                user=request.user,
                person=person,
                reason=form.cleaned_data["reason"],
                reason_detail=form.cleaned_data["reason_detail"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            until = timezone.localtime(access.expires_at)
            messages.warning(
                request,
                f"Break-glass access is open until {until:%H:%M}. Every page you open is logged "
                "with your reason, and a manager will review this use",
            )
            return redirect("people:person-detail", person_id=person.pk)
    return render(
        request,
        "people/break_glass.html",
        {"form": form, "person_id": person_id, "hours": settings.BREAK_GLASS_HOURS},
    )


@login_required
def break_glass_queue(request):
    if not rules.can_review_break_glass(request.user):
        raise PermissionDenied
    waiting = list(break_glass_awaiting_review())
    reviewed = list(break_glass_reviewed())
    access_log_record_list(
        request=request,
        record_type="break-glass-queue",
        person_ids=[a.person_id for a in waiting + reviewed] or [None],
    )
    return render(
        request, "people/break_glass_queue.html", {"waiting": waiting, "reviewed": reviewed}
    )


@login_required
def break_glass_review_view(request, access_id):
    access = break_glass_get_for_reviewer(request=request, access_id=access_id)
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_review(
                access=access,
                manager=request.user,
                review=form.cleaned_data["review"],
                note=form.cleaned_data["review_note"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except RestrictionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Review recorded")
            return redirect("people:break-glass-queue")
    return render(request, "people/break_glass_review.html", {"access": access, "form": form})


@login_required
def restriction_view(request, person_id):
    """A Family Connect manager sees who restricted a record and when, names the workers who may
    see it, and confirms the restriction at its review."""
    if not rules.can_manage_restriction(request.user):
        raise PermissionDenied
    person = person_get_for_user(request=request, person_id=person_id, reason="restriction")
    if not person.restricted:
        raise Http404("This record is not restricted")
    form = RestrictionGrantForm(request.POST if "grant" in request.POST else None)
    if request.method == "POST" and "reviewed" in request.POST:
        restriction_reviewed(person=person, reviewed_by=request.user)
        messages.success(request, "Restriction confirmed: the next review date is set")
        return redirect("people:restriction", person_id=person.pk)
    if form.is_bound and form.is_valid():
        worker = staff_by_username(username=form.cleaned_data["username"])
        if worker is None:
            form.add_error("username", "No active worker has this username")
        else:
            try:
                restriction_grant(person=person, user=worker, granted_by=request.user)
            except RestrictionRefused as error:
                form.add_error("username", str(error))
            else:
                messages.success(request, f"{worker} can now see this record")
                return redirect("people:restriction", person_id=person.pk)
    return render(
        request,
        "people/restriction.html",
        {"person": person, "grants": restriction_grants_for(person=person), "form": form},
    )
