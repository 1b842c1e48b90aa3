"""The assessment's pages (docs/pathway.md).

Every page that names a child reads the assessment or case through ``pathway.selectors`` (which
go through ``audit.access.record_get_for_user``) and writes one access-log row per person shown;
every change goes through ``pathway.services``, which checks the current state first. The
Situation, Understanding, Plan and agreement pages save as the worker types (static/js/
autosave.js posts the form; the same view answers in JSON) and, without JavaScript, on every
button: what was typed is never lost, a row with a mistake keeps its words beside the message,
and a save quoting an old revision is refused with the other person's changes shown.
"""

import hashlib
import uuid
from functools import partial

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts import rules
from cases.selectors import case_get_for_user
from familyfirst.redirects import next_url_or
from pathway import guidance
from pathway.drawing import ecomap, genogram
from pathway.forms import (
    BLANK_ROWS,
    MAX_ROWS,
    AgencyForm,
    AssessmentStartForm,
    ChronologyEntryForm,
    ChronologyFilterForm,
    CompareForm,
    FamilyCopyForm,
    FamilyNewcomerForm,
    FamilyRelationshipForm,
    PlanRowForm,
    ReviewVersionForm,
    RevisionForm,
    RevisitForm,
    SignOffForm,
    SituationRowForm,
    SituationVersionForm,
    UnderstandingRowForm,
    new_key,
)
from pathway.models import (
    FamilyCopy,
    FamilyCopyStatus,
    SituationTopic,
    UnderstandingKind,
    VersionStatus,
)
from pathway.selectors import (
    assessment_get_for_user,
    case_family_children,
    chronology_entry_get,
    chronology_rows,
    family_copies_of,
    family_map,
    rag_for,
    version_by_number,
    version_content,
    version_current,
    version_spectrum_decisions,
    versions_compare,
    versions_of,
)
from pathway.services import (
    DraftConflict,
    PathwayError,
    agency_record,
    assessment_revisit,
    assessment_start,
    can_sign_off,
    can_write_assessment,
    chronology_entry_record,
    chronology_entry_remove,
    chronology_entry_update,
    family_copy_request,
    family_newcomer_record,
    family_relationship_record,
    version_draft_save,
    version_missing,
    version_return,
    version_sign_off,
    version_submit,
)
from people.picker import picker_open, picker_person_create
from spectrum.models import LEVEL_RANK, LevelCode

PARTS = [
    ("situation", "Situation"),
    ("understanding", "Understanding"),
    ("plan", "Plan"),
    ("review", "Agreement and level"),
]
PART_TITLES = dict(PARTS)


def _require_case_worker(user) -> None:
    if not rules.can_work_cases(user):
        raise PermissionDenied


def _is_autosave(request) -> bool:
    return request.headers.get("X-Autosave") == "1" or request.POST.get("autosave") == "1"


def _refused(form, error: PathwayError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# Reading with the access log -----------------------------------------------------------------


def _assessment(request, assessment_id, *, with_family: bool = True, agencies: bool = False):
    """Open the assessment, logging each child and, with the family map, everyone on it."""
    _require_case_worker(request.user)

    def shown(assessment):
        if not with_family:
            return []
        family = family_map(
            user=request.user,
            case=assessment.case,
            child_ids=assessment.child_ids,
            with_agencies=agencies,
        )
        assessment.family = family
        assessment.children_list = [p for p in family.people if p.pk in family.child_ids]
        return family.person_ids

    assessment = assessment_get_for_user(
        request=request, assessment_id=assessment_id, person_ids_shown=shown
    )
    if not with_family:
        assessment.family = None
    return assessment


def _case(request, case_id):
    """Open a case with its family (the children of its latest assessment and their people)."""
    _require_case_worker(request.user)

    def shown(case):
        case.family = family_map(
            user=request.user, case=case, child_ids=case_family_children(case=case)
        )
        return case.family.person_ids

    return case_get_for_user(request=request, case_id=case_id, person_ids_shown=shown)


def _context(request, assessment, **extra) -> dict:
    case = assessment.case
    current = extra.pop("current", None) or version_current(assessment=assessment)
    return {
        "assessment": assessment,
        "case": case,
        "current": current,
        "parts": PARTS,
        "can_write": can_write_assessment(user=request.user, case=case),
        "can_sign_off": current.status == VersionStatus.SUBMITTED
        and can_sign_off(user=request.user, version=current),
        "rag": rag_for(due_date=assessment.due_date) if not assessment.authorised_date else None,
        "today": timezone.localdate(),
        **extra,
    }


def _spectrum_rows(request, assessment, version) -> list:
    """Each child's Spectrum decision recorded since the version began (or none), with the
    indicators chosen, and the picker's address: it offers the other children too and comes back
    here through a checked ``next`` (spectrum.views.decision_picker)."""
    children = assessment.children_list
    decisions = version_spectrum_decisions(version=version, child_ids=[c.pk for c in children])
    rows = []
    for child in children:
        query = urlencode(
            [("next", request.get_full_path())]
            + [("children", str(other.pk)) for other in children if other.pk != child.pk]
        )
        decision = decisions.get(child.pk)
        rows.append(
            {
                "child": child,
                "decision": decision,
                "level_name": LevelCode(decision.decided_level).label if decision else "",
                "indicators": sorted(
                    decision.indicators.all(),
                    key=lambda i: (i.domain.order, LEVEL_RANK[i.level], i.order),
                )
                if decision
                else [],
                "picker_url": f"{reverse('spectrum:decision-picker', args=[child.pk])}?{query}",
            }
        )
    return rows


# Starting ------------------------------------------------------------------------------------


@login_required
def start_view(request, case_id):
    case = _case(request, case_id)
    if not can_write_assessment(user=request.user, case=case):
        raise PermissionDenied
    children = [p for p in case.family.people if p.pk in case.family.child_ids] + [
        p
        for p in case.family.people
        if p.pk not in case.family.child_ids and p.date_of_birth and _is_child(p)
    ]
    form = AssessmentStartForm(
        request.POST if request.method == "POST" else None,
        children=children,
        initial={
            "start_date": timezone.localdate().strftime("%d/%m/%Y"),
            "children": [str(case.child_id)],
        },
    )
    if request.method == "POST" and form.is_valid():
        chosen = {str(pk) for pk in form.cleaned_data["children"]}
        try:
            assessment = assessment_start(
                case=case,
                kind=form.cleaned_data["kind"],
                children=[c for c in children if str(c.pk) in chosen],
                started_by=request.user,
                start_date=form.cleaned_data["start_date"],
            )
        except PathwayError as error:
            _refused(form, error)
        else:
            messages.success(request, "Assessment started. Begin with the Situation.")
            return redirect("pathway:part", assessment_id=assessment.pk, part="situation")
    return render(request, "pathway/start.html", {"case": case, "form": form})


def _is_child(person) -> bool:
    return person.date_of_birth > timezone.localdate() - relativedelta(years=18)


# The assessment ------------------------------------------------------------------------------


@login_required
def assessment_view(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    versions = versions_of(assessment=assessment, spectrum_recorded=True)
    current = versions[-1]
    current.assessment = assessment
    content = version_content(version=current)
    family = assessment.family
    for version in versions:
        version.assessment = assessment
    return render(
        request,
        "pathway/assessment.html",
        _context(
            request,
            assessment,
            current=current,
            versions=versions,
            content=content,
            missing=version_missing(
                version=current, content=content, children=assessment.children_list
            )
            if current.is_draft
            else [],
            genogram=genogram(family),
            family=family,
            guidance=guidance,
        ),
    )


@login_required
def version_view(request, assessment_id, number):
    assessment = _assessment(request, assessment_id)
    version = version_by_number(assessment=assessment, number=number)
    return render(
        request,
        "pathway/version.html",
        _context(
            request,
            assessment,
            version=version,
            content=version_content(version=version),
            genogram=genogram(assessment.family),
        ),
    )


# The parts -----------------------------------------------------------------------------------


def _rows_from(request_data, prefix: str, existing: list, build):
    """Row forms for one list: the saved entries, the rows the page posted, then blank rows."""
    if request_data is not None:
        try:
            count = min(int(request_data.get(f"{prefix}-count", 0)), MAX_ROWS)
        except ValueError:
            count = 0
        forms = [build(request_data, f"{prefix}-{i}", i + 1, None) for i in range(count)]
        return forms
    forms = [build(None, f"{prefix}-{i}", i + 1, entry) for i, entry in enumerate(existing)]
    start = len(forms)
    forms += [build(None, f"{prefix}-{start + i}", start + i + 1, None) for i in range(BLANK_ROWS)]
    return forms


def _part_forms(part, data, content, people):
    """The forms for one part: (version form or None, {group: [row forms]})."""
    groups = {}
    version_form = None
    if part == "situation":
        version = content.version
        initial = {
            name: getattr(version, name)
            for name in ["child_views_how", "context_housing", "context_income", "context_other"]
        }
        version_form = SituationVersionForm(data, initial=initial)
        for topic in SituationTopic:

            def build(d, prefix, number, entry, topic=topic):
                initial = (
                    {
                        "key": entry.key,
                        "text": entry.text,
                        "voice": entry.voice,
                        "nature": entry.nature,
                        "person": str(entry.person_id or ""),
                    }
                    if entry
                    else {"key": new_key()}
                )
                return SituationRowForm(
                    d, prefix=prefix, initial=initial, topic=topic, people=people, number=number
                )

            groups[topic.value] = _rows_from(
                data, f"situation-{topic.value.lower()}", content.situation[topic], build
            )
    elif part == "understanding":
        situation_entries = content.situation_entries
        for kind in UnderstandingKind:

            def build(d, prefix, number, entry, kind=kind):
                initial = (
                    {
                        "key": entry.key,
                        "kind": entry.kind,
                        "text": entry.text,
                        "rests_on": [str(s.key) for s in entry.rests_on_list],
                    }
                    if entry
                    else {"key": new_key(), "kind": kind.value}
                )
                return UnderstandingRowForm(
                    d,
                    prefix=prefix,
                    initial=initial,
                    situation_entries=situation_entries,
                    number=number,
                )

            groups[kind.value] = _rows_from(
                data, f"understanding-{kind.value.lower()}", content.understanding[kind], build
            )
    elif part == "plan":

        def build(d, prefix, number, entry):
            initial = (
                {
                    "key": entry.key,
                    "need": entry.need,
                    "outcome": entry.outcome,
                    "for_person": str(entry.for_person_id or ""),
                }
                if entry
                else {"key": new_key()}
            )
            return PlanRowForm(d, prefix=prefix, initial=initial, people=people, number=number)

        groups["PLAN"] = _rows_from(data, "plan", content.plan, build)
    elif part == "review":
        version = content.version
        version_form = ReviewVersionForm(
            data,
            initial={
                "family_agreement": version.family_agreement,
                "family_words": version.family_words,
                "factors": version.factors,
            },
        )
    return version_form, groups


def _row_values(part, form, group, people_ids):
    data = form.cleaned_data
    row = {"key": data["key"]}
    if part == "situation":
        person = data.get("person") or None
        row.update(
            topic=group,
            voice=data["voice"],
            nature=data["nature"],
            person_id=person if person in people_ids else None,
            text=(data.get("text") or "").strip(),
        )
    elif part == "understanding":
        row.update(
            kind=data["kind"],
            text=(data.get("text") or "").strip(),
            rests_on=[uuid.UUID(k) for k in data.get("rests_on") or []],
        )
    elif part == "plan":
        person = data.get("for_person") or None
        row.update(
            need=(data.get("need") or "").strip(),
            outcome=(data.get("outcome") or "").strip(),
            for_person_id=person if person in people_ids else None,
        )
    return row


def _all_errors(version_form, groups, revision_form=None) -> list:
    """(field id, message) pairs for the error summary, in page order."""
    errors = []
    forms = ([version_form] if version_form else []) + [f for rows in groups.values() for f in rows]
    for form in forms:
        if not form.is_bound:
            continue
        for name, messages_ in form.errors.items():
            target = f"id_{form.add_prefix(name)}" if name != "__all__" else ""
            if name in ("factors", "rests_on", "family_agreement", "spectrum_level"):
                target += "_0" if target else ""
            errors.extend((target, message) for message in messages_)
    return errors


@login_required
def part_view(request, assessment_id, part):
    if part not in PART_TITLES:
        raise Http404("No such part")
    assessment = _assessment(request, assessment_id)
    current = version_current(assessment=assessment)
    case = assessment.case
    autosave = _is_autosave(request)
    writable = current.is_draft and can_write_assessment(user=request.user, case=case)
    if request.method == "POST" and not writable:
        if autosave:
            return JsonResponse(
                {"message": f"Version {current.number} can no longer be changed here."},
                status=409,
            )
        if not can_write_assessment(user=request.user, case=case):
            raise PermissionDenied
        messages.error(request, f"Version {current.number} can no longer be changed here.")
        return redirect("pathway:assessment", assessment_id=assessment.pk)
    content = version_content(version=current)
    people = assessment.family.people
    data = request.POST if request.method == "POST" else None
    version_form, groups = _part_forms(part, data, content, people)
    revision_form = RevisionForm(data, initial={"version": current.revision})
    conflict = ""
    if data is not None:
        revision_form.is_valid()
        people_ids = {str(p.pk) for p in people}
        rows = []
        for group, forms in groups.items():
            for form in forms:
                if form.is_valid():
                    rows.append(_row_values(part, form, group, people_ids))
        values = {}
        if version_form is not None:
            version_form.is_valid()
            values = {
                name: value
                for name, value in version_form.cleaned_data.items()
                if name not in version_form.errors
            }
        try:
            current = version_draft_save(
                version=current,
                part=part,
                revision=revision_form.cleaned_data.get("version") or 0,
                values=values,
                rows=rows,
                saved_by=request.user,
            )
        except DraftConflict as error:
            conflict = error.message
            current = version_current(assessment=assessment)
        except PathwayError as error:
            if autosave:
                return JsonResponse({"message": error.message}, status=409)
            messages.error(request, error.message)
            return redirect("pathway:assessment", assessment_id=assessment.pk)
        errors = _all_errors(version_form, groups)
        if autosave:
            if conflict:
                return JsonResponse({"conflict": True, "message": conflict}, status=409)
            return JsonResponse(
                {
                    "version": current.revision,
                    "saved_at": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                    "errors": {
                        form.add_prefix(name): list(errs)
                        for form in [
                            *([version_form] if version_form else []),
                            *(f for rows in groups.values() for f in rows),
                        ]
                        for name, errs in form.errors.items()
                    },
                }
            )
        if not conflict and not errors:
            if "save_and_exit" in data:
                messages.success(request, "Saved. Pick it up again from the case.")
                return redirect("pathway:assessment", assessment_id=assessment.pk)
            if "save_and_next" in data:
                names = [name for name, _ in PARTS]
                following = names[names.index(part) + 1] if part != names[-1] else None
                messages.success(request, f"{PART_TITLES[part]} saved")
                if following:
                    return redirect("pathway:part", assessment_id=assessment.pk, part=following)
                return redirect("pathway:submit", assessment_id=assessment.pk)
            messages.success(request, f"{PART_TITLES[part]} saved")
            return redirect("pathway:part", assessment_id=assessment.pk, part=part)
        # Re-show what was typed, now quoting the saved revision so the next save goes through.
        data = data.copy()
        data["version"] = str(current.revision)
        revision_form = RevisionForm(data)
        revision_form.is_valid()
    else:
        errors = []
    return render(
        request,
        "pathway/part.html",
        _context(
            request,
            assessment,
            current=current,
            part=part,
            part_title=PART_TITLES[part],
            version_form=version_form,
            groups=_group_list(part, groups),
            revision_form=revision_form,
            writable=writable,
            conflict=conflict,
            errors=errors,
            content=content,
            guidance=guidance,
            spectrum_rows=_spectrum_rows(request, assessment, current) if part == "review" else [],
        ),
    )


def _group_list(part, groups) -> list:
    """Each group of rows with its heading, prompts and the count the page posts back."""
    out = []
    for key, forms in groups.items():
        if part == "situation":
            topic = SituationTopic(key)
            info = guidance.SITUATION[topic]
            heading, prefix = topic.label, f"situation-{key.lower()}"
        elif part == "understanding":
            kind = UnderstandingKind(key)
            info = guidance.UNDERSTANDING[kind]
            heading, prefix = kind.label, f"understanding-{key.lower()}"
        else:
            info, heading, prefix = guidance.PLAN, "What needs to happen", "plan"
        out.append({"key": key, "heading": heading, "info": info, "forms": forms, "prefix": prefix})
    return out


# Submitting and signing off ------------------------------------------------------------------


@login_required
def submit_view(request, assessment_id):
    assessment = _assessment(request, assessment_id, with_family=False)
    current = version_current(assessment=assessment)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            version_submit(version=current, submitted_by=request.user)
        except PathwayError as refused:
            error = refused.message
        else:
            messages.success(
                request, f"Version {current.number} submitted: the team manager will sign it off"
            )
            return redirect("pathway:assessment", assessment_id=assessment.pk)
    missing = version_missing(version=current) if current.is_draft else []
    return render(
        request,
        "pathway/submit.html",
        _context(request, assessment, current=current, missing=missing, error=error),
        status=200,
    )


@login_required
def sign_off_view(request, assessment_id):
    if not rules.can_manage_cases(request.user):
        raise PermissionDenied
    assessment = _assessment(request, assessment_id)
    current = version_current(assessment=assessment)
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "SIGN_OFF":
                version_sign_off(
                    version=current, manager=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"Version {current.number} signed off")
            else:
                version_return(
                    version=current, manager=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"Version {current.number} returned to the worker")
        except PathwayError as error:
            _refused(form, error)
        else:
            return redirect("pathway:assessment", assessment_id=assessment.pk)
    return render(
        request,
        "pathway/sign_off.html",
        _context(
            request,
            assessment,
            current=current,
            form=form,
            content=version_content(version=current),
            genogram=genogram(assessment.family),
            spectrum_rows=_spectrum_rows(request, assessment, current),
        ),
    )


@login_required
def revisit_view(request, assessment_id):
    assessment = _assessment(request, assessment_id, with_family=False)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    form = RevisitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            version = assessment_revisit(
                assessment=assessment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except PathwayError as error:
            _refused(form, error)
        else:
            messages.success(request, f"Version {version.number} started from the last one")
            return redirect("pathway:part", assessment_id=assessment.pk, part="situation")
    return render(request, "pathway/revisit.html", _context(request, assessment, form=form))


@login_required
def compare_view(request, assessment_id):
    assessment = _assessment(request, assessment_id)
    versions = versions_of(assessment=assessment)
    numbers = [v.number for v in versions]
    data = request.GET if "left" in request.GET else None
    if data is None and len(numbers) >= 2:
        data = {"left": numbers[-2], "right": numbers[-1]}
    form = CompareForm(data, numbers=numbers)
    rows, left, right = [], None, None
    if form.is_bound and form.is_valid():
        by_number = {v.number: v for v in versions}
        left, right = by_number[form.cleaned_data["left"]], by_number[form.cleaned_data["right"]]
        rows = versions_compare(left=left, right=right)
    return render(
        request,
        "pathway/compare.html",
        _context(
            request,
            assessment,
            current=versions[-1],
            form=form,
            rows=rows,
            left=left,
            right=right,
            changed=sum(1 for row in rows if row.change != "same"),
            show_errors=form.is_bound and "left" in request.GET,
        ),
    )


# The family's copy ---------------------------------------------------------------------------


@login_required
def family_copy_view(request, assessment_id):
    assessment = _assessment(request, assessment_id, with_family=False)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    signed = [v for v in versions_of(assessment=assessment) if v.status == VersionStatus.SIGNED_OFF]
    version = signed[-1] if signed else None
    form = FamilyCopyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if version is None:
            form.is_valid()
            form.add_error(None, "Only a signed-off assessment can be shared with the family")
        elif form.is_valid():
            try:
                family_copy_request(
                    version=version,
                    method=form.cleaned_data["method"],
                    recipient_name=form.cleaned_data["recipient_name"],
                    recipient_email=form.cleaned_data["recipient_email"],
                    by=request.user,
                )
            except PathwayError as error:
                _refused(form, error)
            else:
                messages.success(request, "The family's copy is being prepared")
                return redirect("pathway:family-copy", assessment_id=assessment.pk)
    return render(
        request,
        "pathway/family_copy.html",
        _context(
            request,
            assessment,
            form=form,
            version=version,
            copies=family_copies_of(version=version) if version else [],
        ),
    )


@login_required
def family_copy_download(request, assessment_id, copy_id):
    assessment = _assessment(request, assessment_id, with_family=False)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    copy = FamilyCopy.objects.filter(
        pk=copy_id,
        version__assessment=assessment,
        status__in=[FamilyCopyStatus.READY, FamilyCopyStatus.SENT],
    ).first()
    if copy is None or not copy.pdf:
        raise Http404("No such copy")
    response = HttpResponse(bytes(copy.pdf), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="assessment.pdf"'
    response["ETag"] = hashlib.sha256(bytes(copy.pdf)).hexdigest()
    return response


# The family map ------------------------------------------------------------------------------


@login_required
def family_map_view(request, assessment_id):
    assessment = _assessment(request, assessment_id, agencies=True)
    family = assessment.family
    return render(
        request,
        "pathway/family_map.html",
        _context(
            request,
            assessment,
            family=family,
            genogram=genogram(family),
            ecomap=ecomap(family),
        ),
    )


@login_required
def relationship_add_view(request, assessment_id):
    """A relationship on the family map: between two people on it, or with someone found by
    name or recorded in place through the relationship picker (people/picker.py), who joins the
    family through a relationship with one of the children. Returns to the page that sent the
    worker (the assessment or the family map)."""
    assessment = _assessment(request, assessment_id)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    people = list(assessment.family.people)
    children = [p for p in people if p.pk in assessment.family.child_ids]
    back = next_url_or(request, reverse("pathway:family-map", args=[assessment.pk]))
    here = reverse("pathway:relationship-add", args=[assessment.pk])
    new_form = None
    if request.method == "POST" and "record_new" in request.POST:
        new_form = FamilyNewcomerForm(request.POST, children=children)
        if new_form.is_valid():
            data = new_form.cleaned_data
            try:
                created = picker_person_create(
                    request,
                    new_form,
                    then=lambda person: family_newcomer_record(
                        case=assessment.case,
                        person=person,
                        child=data["child"],
                        kind=data["kind"],
                        parental_responsibility=data["parental_responsibility"],
                        lives_with=data["lives_with"],
                        family_network=data["family_network"],
                        by=request.user,
                        child_ids=assessment.family.child_ids,
                    ),
                )
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    new_form.add_error(name if name in new_form.fields else None, errors)
                created = None
            except PathwayError as error:
                _refused(new_form, error)
                created = None
            if created is not None:
                messages.success(request, f"{created} added to the family map")
                return redirect(back)
    # Someone just found by name (they come back with ?person=) is opened through the one door:
    # the restriction rule applies and they are logged.
    picker = picker_open(
        request,
        known=people,
        here=here,
        new_form=new_form,
        new_form_class=partial(FamilyNewcomerForm, children=children),
    )
    newcomer = picker.chosen if picker.chosen not in people else None
    if newcomer is not None:
        people.append(newcomer)
    network = request.GET.get("network") == "1" or newcomer is not None
    form = FamilyRelationshipForm(
        request.POST if request.method == "POST" and new_form is None else None,
        people=people,
        initial={
            "family_network": network,
            "from_person": str(newcomer.pk) if newcomer else "",
        },
    )
    if form.is_bound and form.is_valid():
        by_id = {str(p.pk): p for p in people}
        try:
            family_relationship_record(
                case=assessment.case,
                from_person=by_id[form.cleaned_data["from_person"]],
                to_person=by_id[form.cleaned_data["to_person"]],
                kind=form.cleaned_data["kind"],
                parental_responsibility=form.cleaned_data["parental_responsibility"],
                family_network=form.cleaned_data["family_network"],
                by=request.user,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except PathwayError as error:
            _refused(form, error)
        else:
            messages.success(request, "Relationship added")
            return redirect(back)
    return render(
        request,
        "pathway/relationship_add.html",
        _context(
            request,
            assessment,
            form=form,
            back=back,
            network=network,
            newcomer=newcomer,
            picker=picker,
            errors=bool(picker.search_form.errors or (new_form is not None and new_form.errors)),
        ),
    )


@login_required
def agency_add_view(request, assessment_id):
    assessment = _assessment(request, assessment_id, with_family=False)
    if not can_write_assessment(user=request.user, case=assessment.case):
        raise PermissionDenied
    form = AgencyForm(request.POST if request.method == "POST" else None)
    back = next_url_or(request, reverse("pathway:family-map", args=[assessment.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            agency_record(case=assessment.case, by=request.user, **form.cleaned_data)
        except PathwayError as error:
            _refused(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} added")
            return redirect(back)
    return render(
        request, "pathway/agency_add.html", _context(request, assessment, form=form, back=back)
    )


# The chronology ------------------------------------------------------------------------------


@login_required
def chronology_view(request, case_id):
    case = _case(request, case_id)
    people = case.family.people
    back = next_url_or(request, "")
    form = ChronologyFilterForm(request.GET or None, people=people, initial={"next": back})
    filters = {}
    if form.is_bound and form.is_valid():
        person = form.cleaned_data["person"]
        filters = {
            "source": form.cleaned_data["source"],
            "since": form.cleaned_data["since"],
            "until": form.cleaned_data["until"],
            "person_id": person if person in {str(p.pk) for p in people} else None,
        }
    page = chronology_rows(
        user=request.user,
        case=case,
        people=people,
        page_number=request.GET.get("page"),
        **filters,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pathway/chronology.html",
        {
            "case": case,
            "form": form,
            "page": page,
            "rows": page.object_list,
            "query": query.urlencode(),
            "can_write": can_write_assessment(user=request.user, case=case),
            "back": back,
        },
    )


def _entry_form_page(request, case, form, *, entry=None):
    return render(
        request,
        "pathway/chronology_entry.html",
        {
            "case": case,
            "form": form,
            "entry": entry,
            "back": next_url_or(request, reverse("pathway:chronology", args=[case.pk])),
        },
    )


def _entry_page(request, case_id, *, entry_id=None):
    """Add a significant event (no ``entry_id``) or change one: the same form either way."""
    case = _case(request, case_id)
    if not can_write_assessment(user=request.user, case=case):
        raise PermissionDenied
    entry = chronology_entry_get(case=case, entry_id=entry_id) if entry_id else None
    people = case.family.people
    initial = (
        {
            "occurred_on": entry.occurred_on.strftime("%d/%m/%Y"),
            "what": entry.what,
            "source": entry.source,
            "impact": entry.impact,
            "about_person": str(entry.about_person_id or ""),
        }
        if entry
        else None
    )
    form = ChronologyEntryForm(
        request.POST if request.method == "POST" else None,
        people=people,
        button="Save changes" if entry else "Add event",
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        by_id = {str(p.pk): p for p in people}
        values = {
            name: form.cleaned_data[name] for name in ["occurred_on", "what", "source", "impact"]
        }
        values["about_person"] = by_id.get(form.cleaned_data["about_person"])
        try:
            if entry:
                chronology_entry_update(entry=entry, by=request.user, **values)
            else:
                chronology_entry_record(case=case, by=request.user, **values)
        except PathwayError as error:
            _refused(form, error)
        else:
            messages.success(request, "Event changed" if entry else "Event added to the chronology")
            return redirect(next_url_or(request, reverse("pathway:chronology", args=[case.pk])))
    return _entry_form_page(request, case, form, entry=entry)


@login_required
def chronology_add_view(request, case_id):
    return _entry_page(request, case_id)


@login_required
def chronology_edit_view(request, case_id, entry_id):
    return _entry_page(request, case_id, entry_id=entry_id)


@login_required
def chronology_remove_view(request, case_id, entry_id):
    case = _case(request, case_id)
    if not can_write_assessment(user=request.user, case=case):
        raise PermissionDenied
    entry = chronology_entry_get(case=case, entry_id=entry_id)
    if request.method == "POST":
        try:
            chronology_entry_remove(entry=entry, by=request.user)
        except PathwayError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Event removed from the chronology")
        return redirect("pathway:chronology", case_id=case.pk)
    return render(request, "pathway/chronology_remove.html", {"case": case, "entry": entry})
