import json
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from accounts import rules
from people.models import Person
from spectrum.models import (
    LEVEL_RANK,
    Domain,
    Framework,
    FrameworkStatus,
    Indicator,
    Level,
    LevelCode,
    NeedTerm,
    SpectrumDecision,
    SpectrumDecisionIndicator,
)
from spectrum.scope import may_record_for
from spectrum.selectors import (
    decision_current_for_person,
    level_names_of,
    person_is_child,
    suggestion_for,
)

FRAMEWORK_V1_PATH = Path(__file__).parent / "data" / "framework_v1.json"


class FrameworkError(Exception):
    """A framework version cannot be copied or published as asked."""


class SpectrumDecisionError(Exception):
    """A decision cannot be recorded, changed or authorised as asked. ``field`` names the form
    field the message belongs beside, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- framework versions


@transaction.atomic
def framework_import(*, data: dict, at=None, apps=global_apps):
    """Create the framework version described by ``data`` (the shape of framework_v1.json),
    unless a version with the same name and number exists. Returns (framework, created).

    Safe to run again and again: an existing version is left exactly as it is. The data
    migration calls it with the migration's historical models, so it may only use fields that
    exist from 0001 onwards; a later required field means freezing a copy in the migration.
    """
    framework_model = apps.get_model("spectrum", "Framework")
    level_model = apps.get_model("spectrum", "Level")
    domain_model = apps.get_model("spectrum", "Domain")
    indicator_model = apps.get_model("spectrum", "Indicator")
    need_term_model = apps.get_model("spectrum", "NeedTerm")

    meta = data["framework"]
    existing = framework_model.objects.filter(name=meta["name"], version=meta["version"]).first()
    if existing is not None:
        return existing, False
    at = at or timezone.now()
    # In a fresh database this version becomes the published one; if another is already
    # published it arrives retired, so the one-published rule still holds.
    publish = not framework_model.objects.filter(status=FrameworkStatus.PUBLISHED).exists()
    rule = meta["cumulative_rule"]
    framework = framework_model.objects.create(
        name=meta["name"],
        version=meta["version"],
        source_document=meta["source_document"],
        status=FrameworkStatus.PUBLISHED if publish else FrameworkStatus.RETIRED,
        published_at=at,
        retired_at=None if publish else at,
        cumulative_min_indicators=rule["min_indicators"],
        cumulative_min_domains=rule["min_domains"],
        cumulative_from_level=rule["from_level"],
        cumulative_raise_to=rule["raise_to"],
    )
    level_model.objects.bulk_create(
        level_model(
            framework=framework,
            code=level["code"],
            order=LEVEL_RANK[level["code"]],
            name=level["name"],
            summary=level["summary"],
            section=level["section"],
        )
        for level in data["levels"]
    )
    domains = {
        domain.code: domain
        for domain in domain_model.objects.bulk_create(
            domain_model(
                framework=framework, code=domain["code"], name=domain["name"], order=domain["order"]
            )
            for domain in data["domains"]
        )
    }
    indicator_model.objects.bulk_create(
        indicator_model(
            framework=framework,
            domain=domains[indicator["domain"]],
            level=indicator["level"],
            code=indicator["code"],
            text=indicator["text"],
            section=indicator["section"],
            keywords=indicator.get("keywords", []),
            concern_kinds=indicator.get("concern_kinds", []),
            order=position,
        )
        for position, indicator in enumerate(data["indicators"], start=1)
    )
    need_term_model.objects.bulk_create(
        need_term_model(
            framework=framework,
            term=entry["term"],
            level=entry["level"],
            section=entry.get("section", ""),
        )
        for entry in data["need_language"]
    )
    return framework, True


def framework_v1_ensure(*, apps=global_apps):
    """Load framework_v1.json if this database does not hold it yet."""
    data = json.loads(FRAMEWORK_V1_PATH.read_text(encoding="utf-8"))
    return framework_import(data=data, apps=apps)


def _free_version(*, name: str, wanted: str) -> str:
    taken = set(Framework.objects.filter(name=name).values_list("version", flat=True))
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted} {number}"
    return candidate


@transaction.atomic
def framework_copy_to_draft(*, framework: Framework, version: str = "") -> Framework:
    """A new draft holding a copy of every level, domain, indicator and need term of
    ``framework``, for an administrator to edit and then publish."""
    version = version.strip()
    if version and Framework.objects.filter(name=framework.name, version=version).exists():
        raise FrameworkError(f"Version {version} of {framework.name} already exists")
    draft = Framework.objects.create(
        name=framework.name,
        version=version or _free_version(name=framework.name, wanted=f"{framework.version} draft"),
        status=FrameworkStatus.DRAFT,
        source_document=framework.source_document,
        copied_from=framework,
        cumulative_min_indicators=framework.cumulative_min_indicators,
        cumulative_min_domains=framework.cumulative_min_domains,
        cumulative_from_level=framework.cumulative_from_level,
        cumulative_raise_to=framework.cumulative_raise_to,
    )
    # Fresh queries and new objects: the caller's framework may carry prefetched rows, which
    # must not be turned into the copy's.
    Level.objects.bulk_create(
        Level(
            framework=draft,
            code=level.code,
            order=level.order,
            name=level.name,
            summary=level.summary,
            section=level.section,
        )
        for level in Level.objects.filter(framework=framework)
    )
    originals = list(Domain.objects.filter(framework=framework))
    copies = Domain.objects.bulk_create(
        Domain(framework=draft, code=domain.code, name=domain.name, order=domain.order)
        for domain in originals
    )
    domains = {old.pk: new for old, new in zip(originals, copies, strict=True)}
    Indicator.objects.bulk_create(
        Indicator(
            framework=draft,
            domain=domains[indicator.domain_id],
            level=indicator.level,
            code=indicator.code,
            text=indicator.text,
            section=indicator.section,
            keywords=list(indicator.keywords),
            concern_kinds=list(indicator.concern_kinds),
            order=indicator.order,
        )
        for indicator in Indicator.objects.filter(framework=framework)
    )
    NeedTerm.objects.bulk_create(
        NeedTerm(framework=draft, term=term.term, level=term.level, section=term.section)
        for term in NeedTerm.objects.filter(framework=framework)
    )
    return draft


def _framework_problems(framework: Framework) -> list[str]:
    problems = []
    missing = set(LevelCode.values) - set(framework.levels.values_list("code", flat=True))
    if missing:
        names = ", ".join(LevelCode(code).label for code in sorted(missing, key=LEVEL_RANK.get))
        problems.append(f"Add the missing levels: {names}")
    if not framework.indicators.exists():
        problems.append("Add at least one indicator")
    if framework.indicators.exclude(domain__framework=framework).exists():
        problems.append("Every indicator must belong to one of this version's own domains")
    return problems


@transaction.atomic
def framework_publish(*, framework: Framework, at=None) -> Framework:
    """Publish a draft and retire the version published until now. Decisions made under the
    old version stay tied to it."""
    at = at or timezone.now()
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    published = list(Framework.objects.select_for_update().filter(status=FrameworkStatus.PUBLISHED))
    if framework.status != FrameworkStatus.DRAFT:
        raise FrameworkError(
            f"{framework.name} {framework.version} is {framework.get_status_display().lower()}; "
            "only a draft can be published"
        )
    problems = _framework_problems(framework)
    if problems:
        raise FrameworkError(". ".join(problems))
    for old in published:
        old.status = FrameworkStatus.RETIRED
        old.retired_at = at
        old.save(update_fields=["status", "retired_at"])
    framework.status = FrameworkStatus.PUBLISHED
    framework.published_at = at
    framework.save(update_fields=["status", "published_at"])
    return framework


# ---------------------------------------------------------------- decisions


def _decision_checked(*, person, framework, indicator_ids, decided_level, rationale, at):
    """Validate a decision's content; return its indicators, the suggestion and the rationale."""
    if framework.status != FrameworkStatus.PUBLISHED:
        raise SpectrumDecisionError(
            f"Version {framework.version} of the framework is no longer in use. "
            "Open the page again to use the published version."
        )
    if not person_is_child(person=person, on=timezone.localdate(at)):
        raise SpectrumDecisionError(
            f"{person} is not recorded as a child (under 18, or unborn with an expected date of "
            "birth), so the Spectrum of Support does not apply"
        )
    wanted = {int(pk) for pk in indicator_ids}
    if not wanted:
        raise SpectrumDecisionError("Select at least one indicator", field="indicators")
    indicators = list(
        Indicator.objects.filter(framework=framework, pk__in=wanted).select_related("domain")
    )
    if len(indicators) != len(wanted):
        raise SpectrumDecisionError(
            "Select indicators from the published framework only", field="indicators"
        )
    if decided_level not in LevelCode.values:
        raise SpectrumDecisionError("Select the level you have decided on", field="decided_level")
    names = level_names_of(framework)
    suggestion = suggestion_for(framework=framework, indicators=indicators)
    rationale = (rationale or "").strip()
    if not rationale and decided_level == LevelCode.IMMEDIATE_PROTECTION:
        raise SpectrumDecisionError(
            "Explain why the child needs immediate protection", field="rationale"
        )
    if not rationale and decided_level != suggestion.level:
        raise SpectrumDecisionError(
            f"Explain why you decided on {names[decided_level]} when the suggested level is "
            f"{names[suggestion.level]}",
            field="rationale",
        )
    return indicators, suggestion, rationale


def _selections_replace(*, decision: SpectrumDecision, indicators) -> None:
    SpectrumDecisionIndicator.objects.filter(decision=decision).delete()
    SpectrumDecisionIndicator.objects.bulk_create(
        SpectrumDecisionIndicator(decision=decision, indicator=indicator)
        for indicator in indicators
    )


@transaction.atomic
def spectrum_decision_record(
    *,
    person: Person,
    framework: Framework,
    indicator_ids,
    decided_level: str,
    rationale: str,
    decided_by,
    supersedes: SpectrumDecision | None = None,
    at=None,
    consultation=None,
) -> SpectrumDecision:
    """Record a practitioner's decision on a child's level of need (during ``consultation``, when
    it was made in one).

    ``supersedes`` must be the child's current decision when they already have one: a
    re-evaluation replaces it, and both stay in the history. The child's row is locked so two
    practitioners cannot both replace the same decision.
    """
    if not may_record_for(user=decided_by, person_id=person.pk):
        raise SpectrumDecisionError(
            "Only Family Connect practitioners and managers, or the workers of a case assessing "
            "this child, can record a Spectrum of Support decision"
        )
    at = at or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    indicators, suggestion, rationale = _decision_checked(
        person=person,
        framework=framework,
        indicator_ids=indicator_ids,
        decided_level=decided_level,
        rationale=rationale,
        at=at,
    )
    current = decision_current_for_person(person=person)
    if (current.pk if current else None) != (supersedes.pk if supersedes else None):
        raise SpectrumDecisionError(
            "Someone else recorded a decision for this child while you were working. "
            "Check the decision history, then try again."
        )
    decision = SpectrumDecision.objects.create(
        person=person,
        framework=framework,
        suggested_level=suggestion.level,
        suggestion_reasons=list(suggestion.reasons),
        decided_level=decided_level,
        rationale=rationale,
        decided_by=decided_by,
        decided_at=at,
        supersedes=current,
        consultation=consultation,
    )
    _selections_replace(decision=decision, indicators=indicators)
    return decision


@transaction.atomic
def spectrum_decision_consultation_link(*, decision: SpectrumDecision, consultation):
    """Note the consultation a decision was made in (the front door calls this when the outcome
    relies on it); a decision already linked to a consultation keeps that link."""
    decision = _decision_locked(decision)
    if decision.consultation_id is None:
        decision.consultation = consultation
        decision.save(update_fields=["consultation"])
    return decision


def _decision_locked(decision: SpectrumDecision) -> SpectrumDecision:
    return (
        SpectrumDecision.objects.select_for_update()
        .select_related("person", "framework")
        .get(pk=decision.pk)
    )


def _is_superseded(decision: SpectrumDecision) -> bool:
    return SpectrumDecision.objects.filter(supersedes=decision).exists()


@transaction.atomic
def spectrum_decision_update(
    *, decision: SpectrumDecision, changed_by, indicator_ids, decided_level: str, rationale: str
) -> SpectrumDecision:
    """Correct a decision before it is authorised. Once authorised it is fixed for good."""
    decision = _decision_locked(decision)
    if decision.is_authorised:
        raise SpectrumDecisionError(
            "This decision has been authorised and cannot be changed. "
            "Record a re-evaluation instead."
        )
    if _is_superseded(decision):
        raise SpectrumDecisionError("A later decision has replaced this one, so it cannot change")
    if changed_by.pk != decision.decided_by_id:
        raise SpectrumDecisionError(
            "Only the practitioner who recorded this decision can correct it"
        )
    indicators, suggestion, rationale = _decision_checked(
        person=decision.person,
        framework=decision.framework,
        indicator_ids=indicator_ids,
        decided_level=decided_level,
        rationale=rationale,
        at=decision.decided_at,
    )
    decision.suggested_level = suggestion.level
    decision.suggestion_reasons = list(suggestion.reasons)
    decision.decided_level = decided_level
    decision.rationale = rationale
    decision.save(
        update_fields=["suggested_level", "suggestion_reasons", "decided_level", "rationale"]
    )
    _selections_replace(decision=decision, indicators=indicators)
    return decision


@transaction.atomic
def spectrum_decision_authorise(
    *, decision: SpectrumDecision, authorised_by, at=None
) -> SpectrumDecision:
    if not rules.can_authorise_spectrum_decision(authorised_by):
        raise SpectrumDecisionError("Only a Family Connect manager can authorise a decision")
    decision = _decision_locked(decision)
    if decision.is_authorised:
        raise SpectrumDecisionError("This decision has already been authorised")
    if decision.decided_by_id == authorised_by.pk:
        raise SpectrumDecisionError(
            "You cannot authorise a decision you made. Ask another Family Connect manager."
        )
    if _is_superseded(decision):
        raise SpectrumDecisionError("A later decision has replaced this one; authorise that one")
    decision.authorised_by = authorised_by
    decision.authorised_at = at or timezone.now()
    decision.save(update_fields=["authorised_by", "authorised_at"])
    return decision
