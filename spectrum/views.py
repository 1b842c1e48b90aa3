import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import rules
from familyfirst.redirects import next_url_or
from people.selectors import person_get_for_user
from spectrum.forms import ConsistencyPeriodForm, SpectrumDecisionForm
from spectrum.models import LEVEL_RANK, LevelCode
from spectrum.scope import may_record_for
from spectrum.search import (
    NeedTermMatch,
    indicator_haystack,
    indicator_matches,
    need_terms_matching,
)
from spectrum.selectors import (
    consistency_report,
    decision_current_for_person,
    decision_get_for_user,
    decisions_for_person,
    framework_current,
    framework_with_contents,
    indicators_sorted,
    level_names_of,
    person_is_child,
    suggestion_for,
)
from spectrum.services import (
    SpectrumDecisionError,
    spectrum_decision_authorise,
    spectrum_decision_record,
)

LEVEL_TAG_CLASSES = {
    LevelCode.UNIVERSAL: "govuk-tag--green",
    LevelCode.EARLY_SUPPORT: "govuk-tag--blue",
    LevelCode.FAMILY_HELP: "govuk-tag--orange",
    LevelCode.IMMEDIATE_PROTECTION: "govuk-tag--red",
}


def _level(code, names):
    return {"code": code, "name": names[code], "tag_class": LEVEL_TAG_CLASSES[code]}


def _picker_groups(*, framework, indicators, query, selected, names):
    """Every indicator, grouped by domain, each marked visible or not for the filter."""
    need_terms = [
        NeedTermMatch(term=t.term, level=t.level, level_name=names[t.level])
        for t in framework.need_terms.all()
    ]
    need_matches = need_terms_matching(query=query, need_terms=need_terms)
    groups, visible_total = {}, 0
    for indicator in indicators_sorted(indicators):
        haystack = indicator_haystack(
            text=indicator.text,
            keywords=indicator.keywords,
            domain=indicator.domain.name,
            level_name=names[indicator.level],
            code=indicator.code,
        )
        visible = indicator.pk in selected or indicator_matches(
            query=query, haystack=haystack, level=indicator.level, need_terms=need_matches
        )
        visible_total += visible
        group = groups.setdefault(
            indicator.domain_id,
            {"domain": indicator.domain, "items": [], "visible": 0, "checked": 0, "open": False},
        )
        group["visible"] += visible
        group["checked"] += indicator.pk in selected
        # Collapsed on a call, so the page is short: open where something is ticked, or where
        # the filter found something.
        group["open"] |= indicator.pk in selected or bool(query and visible)
        group["items"].append(
            {
                "indicator": indicator,
                "level": _level(indicator.level, names),
                "checked": indicator.pk in selected,
                "visible": visible,
                "haystack": haystack,
            }
        )
    return {
        "groups": list(groups.values()),
        "visible_total": visible_total,
        "need_matches": need_matches,
        "need_terms_json": json.dumps(
            [{"term": t.term, "level": t.level, "level_name": t.level_name} for t in need_terms]
        ),
    }


def _siblings_offered(request, person) -> list:
    """Other children the page that sent the user named (``?children=``, say the siblings in a
    consultation): one decision can be applied to each of them, each getting its own row. Each is
    opened through the one door, so the restriction rule applies and each is logged."""
    offered = []
    for value in request.GET.getlist("children"):
        try:
            person_id = uuid.UUID(value)
        except ValueError:
            continue
        if person_id == person.pk or person_id in {other.pk for other in offered}:
            continue
        if not may_record_for(user=request.user, person_id=person_id):
            continue
        other = person_get_for_user(request=request, person_id=person_id)
        if person_is_child(person=other, on=timezone.localdate()):
            offered.append(other)
    return offered


def _record_for_each(*, people, framework, form, decided_by, current):
    """One decision recorded for each child chosen, all or none; each replaces that child's own
    current decision (a re-evaluation keeps the history)."""
    decisions = []
    with transaction.atomic():
        for each in people:
            try:
                decisions.append(
                    spectrum_decision_record(
                        person=each,
                        framework=framework,
                        indicator_ids=form.cleaned_data["indicators"],
                        decided_level=form.cleaned_data["decided_level"],
                        rationale=form.cleaned_data["rationale"],
                        decided_by=decided_by,
                        supersedes=current
                        if each is people[0]
                        else decision_current_for_person(person=each),
                    )
                )
            except SpectrumDecisionError as error:
                if len(people) > 1:
                    error.message = f"{each}: {error.message}"
                raise
    return decisions


@login_required
def decision_picker(request, person_id):
    if not may_record_for(user=request.user, person_id=person_id):
        raise PermissionDenied
    person = person_get_for_user(request=request, person_id=person_id)
    current_framework = framework_current()
    context = {"person": person, "framework": None}
    if current_framework is None or not person_is_child(person=person, on=timezone.localdate()):
        context["not_a_child"] = current_framework is not None
        return render(request, "spectrum/decision_picker.html", context)

    framework = framework_with_contents(framework_id=current_framework.pk)
    indicators = list(framework.indicators.all())
    by_id = {indicator.pk: indicator for indicator in indicators}
    names = level_names_of(framework)
    current = decision_current_for_person(person=person)
    # Where the user came from (a consultation's Spectrum step): the page returns there, so the
    # decision is made inside the call without this app knowing about consultations.
    context["back_url"] = next_url_or(request, "")
    siblings = _siblings_offered(request, person)
    form = SpectrumDecisionForm(
        request.POST if request.method == "POST" else None,
        indicator_ids=list(by_id),
        sibling_ids=[str(other.pk) for other in siblings],
    )
    selected = form.selected_ids(by_id)
    suggestion = None
    if form.is_bound and form.is_valid():
        ticked = [by_id[pk] for pk in form.cleaned_data["indicators"]]
        if form.action in (form.ACTION_SUGGEST, form.ACTION_RECORD):
            suggestion = suggestion_for(framework=framework, indicators=ticked)
        if form.action == form.ACTION_RECORD:
            chosen = [person] + [
                other for other in siblings if str(other.pk) in form.cleaned_data["siblings"]
            ]
            try:
                decisions = _record_for_each(
                    people=chosen,
                    framework=framework,
                    form=form,
                    decided_by=request.user,
                    current=current,
                )
            except SpectrumDecisionError as error:
                form.add_error(error.field, error.message)
            else:
                who = ", ".join(str(each) for each in chosen)
                messages.success(
                    request, f"Decision recorded: {names[decisions[0].decided_level]} for {who}"
                )
                return redirect(
                    next_url_or(request, reverse("spectrum:decision-history", args=[person.pk]))
                )
    elif form.is_bound and selected and form.action != form.ACTION_FILTER:
        suggestion = suggestion_for(framework=framework, indicators=[by_id[pk] for pk in selected])

    query = form.data.get("q", "") if form.is_bound else request.GET.get("q", "")
    context.update(
        _picker_groups(
            framework=framework, indicators=indicators, query=query, selected=selected, names=names
        )
    )
    context.update(
        {
            "framework": framework,
            "form": form,
            "query": query,
            "selected_count": len(selected),
            "total": len(indicators),
            "suggestion": suggestion,
            "suggested_level": _level(suggestion.level, names)
            if suggestion and suggestion.level
            else None,
            "levels": [
                {**_level(level.code, names), "summary": level.summary}
                for level in framework.levels.all()
            ],
            "decided_level": form.data.get("decided_level", "") if form.is_bound else "",
            "siblings": [
                {
                    "person": other,
                    "checked": (str(other.pk) in form.data.getlist("siblings"))
                    if form.is_bound
                    else True,
                }
                for other in siblings
            ],
            "chosen": [
                {"indicator": by_id[pk], "level": _level(by_id[pk].level, names)}
                for pk in sorted(
                    selected,
                    key=lambda pk: (by_id[pk].domain.order, LEVEL_RANK[by_id[pk].level]),
                )
            ],
            "cumulative_prompt": suggestion is not None
            and any(reason.startswith("Lower-level needs") for reason in suggestion.reasons),
            "current": current,
            "current_level": _level(current.decided_level, names) if current else None,
        }
    )
    return render(request, "spectrum/decision_picker.html", context)


def _history_context(*, request, person, error=""):
    decisions = list(decisions_for_person(person=person))
    names = dict(LevelCode.choices)
    return {
        "person": person,
        "error": error,
        "can_record": may_record_for(user=request.user, person_id=person.pk),
        "can_authorise": rules.can_authorise_spectrum_decision(request.user),
        "decisions": [
            {
                "decision": decision,
                "suggested": _level(decision.suggested_level, names),
                "decided": _level(decision.decided_level, names),
                "superseded": hasattr(decision, "superseded_by"),
                "indicators": [
                    {"indicator": indicator, "level": _level(indicator.level, names)}
                    for indicator in sorted(
                        decision.indicators.all(),
                        key=lambda i: (i.domain.order, LEVEL_RANK[i.level], i.order),
                    )
                ],
            }
            for decision in decisions
        ],
    }


@login_required
def decision_history(request, person_id):
    person = person_get_for_user(request=request, person_id=person_id)
    return render(
        request, "spectrum/decision_history.html", _history_context(request=request, person=person)
    )


@require_POST
@login_required
def decision_authorise(request, decision_id):
    if not rules.can_authorise_spectrum_decision(request.user):
        raise PermissionDenied
    decision = decision_get_for_user(
        request=request, decision_id=decision_id, reason="Authorising a Spectrum decision"
    )
    try:
        spectrum_decision_authorise(decision=decision, authorised_by=request.user)
    except SpectrumDecisionError as error:
        context = _history_context(request=request, person=decision.person, error=error.message)
        return render(request, "spectrum/decision_history.html", context, status=409)
    messages.success(request, f"Decision for {decision.person} authorised")
    return redirect(reverse("spectrum:decision-history", kwargs={"person_id": decision.person_id}))


@login_required
def consistency(request):
    if not rules.can_view_spectrum_consistency(request.user):
        raise PermissionDenied
    form = ConsistencyPeriodForm(request.GET or None)
    report = None
    if form.is_valid():
        report = consistency_report(
            date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"]
        )
    names = dict(LevelCode.choices)
    levels = [_level(code, names) for code in LevelCode.values]
    rows = []
    crosstab = []
    if report:
        rows = [
            {
                "entry": entry,
                "level": _level(entry.indicator.level, names),
                "counts": [entry.by_level.get(code, 0) for code in LevelCode.values],
            }
            for entry in report.indicators
        ]
        crosstab = [
            {
                "suggested": level,
                "counts": [
                    report.crosstab.get((level["code"], code), 0) for code in LevelCode.values
                ],
                "total": sum(
                    report.crosstab.get((level["code"], code), 0) for code in LevelCode.values
                ),
            }
            for level in levels
        ]
    return render(
        request,
        "spectrum/consistency.html",
        {"form": form, "report": report, "levels": levels, "rows": rows, "crosstab": crosstab},
    )
