from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Prefetch, Q

from audit.access import record_get_for_user
from people.selectors import people_visible_to
from spectrum.models import (
    LEVEL_RANK,
    Framework,
    FrameworkStatus,
    Indicator,
    LevelCode,
    SpectrumDecision,
    SpectrumDecisionIndicator,
)
from spectrum.suggestion import CumulativeRule, SelectedIndicator, Suggestion, level_suggest

ADULT_AGE = 18


def framework_current() -> Framework | None:
    return Framework.objects.filter(status=FrameworkStatus.PUBLISHED).first()


def framework_with_contents(*, framework_id: int) -> Framework:
    """A framework with its levels, domains, indicators and need terms, in four queries."""
    return Framework.objects.prefetch_related(
        "levels",
        "domains",
        Prefetch("indicators", queryset=Indicator.objects.select_related("domain")),
        "need_terms",
    ).get(pk=framework_id)


def cumulative_rule_of(framework: Framework) -> CumulativeRule:
    return CumulativeRule(
        min_indicators=framework.cumulative_min_indicators,
        min_domains=framework.cumulative_min_domains,
        from_level=framework.cumulative_from_level,
        raise_to=framework.cumulative_raise_to,
    )


def level_names_of(framework: Framework) -> dict[str, str]:
    names = dict(LevelCode.choices)
    names.update({level.code: level.name for level in framework.levels.all()})
    return names


def selected_indicators_of(indicators) -> list[SelectedIndicator]:
    return [
        SelectedIndicator(code=indicator.code, level=indicator.level, domain=indicator.domain.name)
        for indicator in indicators
    ]


def suggestion_for(*, framework: Framework, indicators) -> Suggestion:
    """The suggestion for indicators already loaded with their domains."""
    return level_suggest(
        indicators=selected_indicators_of(indicators),
        rule=cumulative_rule_of(framework),
        level_names=level_names_of(framework),
    )


def indicators_sorted(indicators) -> list[Indicator]:
    """Picker order: by domain, then from least to most need, then as the document lists them."""
    return sorted(indicators, key=lambda i: (i.domain.order, LEVEL_RANK[i.level], i.order, i.code))


def person_is_child(*, person, on: date) -> bool:
    """Unborn, or under 18 on the given day. Without either date we cannot say it is a child."""
    if person.date_of_birth is None:
        return person.expected_date_of_birth is not None
    born = person.date_of_birth
    try:
        adult_from = born.replace(year=born.year + ADULT_AGE)
    except ValueError:  # born on 29 February: adult from 1 March
        adult_from = date(born.year + ADULT_AGE, 3, 1)
    return on < adult_from


def decisions_for_person(*, person):
    return (
        SpectrumDecision.objects.filter(person=person)
        .select_related("framework", "decided_by", "authorised_by", "superseded_by")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.select_related("domain").order_by(
                    "domain__order", "order"
                ),
            )
        )
        .order_by("-decided_at")
    )


def decision_current_for_person(*, person) -> SpectrumDecision | None:
    return (
        SpectrumDecision.objects.filter(person=person, superseded_by__isnull=True)
        .order_by("-decided_at")
        .first()
    )


def decision_is_superseded(*, decision) -> bool:
    return SpectrumDecision.objects.filter(supersedes=decision).exists()


def decisions_current_for_people(*, person_ids) -> dict:
    """Each person's current decision (or None), in one query however many people."""
    current = {pk: None for pk in person_ids}
    for decision in (
        SpectrumDecision.objects.filter(person__in=person_ids, superseded_by__isnull=True)
        .prefetch_related("indicators__domain")
        .order_by("decided_at")
    ):
        current[decision.person_id] = decision  # the newest wins, as in the one-person version
    return current


def decisions_visible_to(*, user):
    return SpectrumDecision.objects.filter(person__in=people_visible_to(user=user))


def decision_get_for_user(*, request, decision_id, reason: str = "") -> SpectrumDecision:
    return record_get_for_user(
        request=request,
        visible=decisions_visible_to(user=request.user).select_related("person", "framework"),
        pk=decision_id,
        record_type="spectrum decision",
        person_id_of=lambda decision: decision.person_id,
        reason=reason,
    )


# ---------------------------------------------------------------- consistency


@dataclass
class IndicatorConsistency:
    indicator: Indicator
    by_level: dict[str, int] = field(default_factory=dict)
    total: int = 0
    differing: int = 0


@dataclass
class ConsistencyReport:
    decisions: int
    differing: int
    crosstab: dict[tuple[str, str], int]
    indicators: list[IndicatorConsistency]

    @property
    def differing_percent(self) -> int:
        return round(100 * self.differing / self.decisions) if self.decisions else 0


def consistency_report(*, date_from: date, date_to: date) -> ConsistencyReport:
    """How often each indicator appears in decisions at each decided level, and how often
    decisions differ from their suggestion, for decisions made on dates in the period.

    Four queries whatever the number of decisions.
    """
    in_period = Q(decided_at__date__gte=date_from, decided_at__date__lte=date_to)
    differs = ~Q(decided_level=F("suggested_level"))
    totals = SpectrumDecision.objects.filter(in_period).aggregate(
        decisions=Count("id"), differing=Count("id", filter=differs)
    )
    crosstab = {
        (row["suggested_level"], row["decided_level"]): row["n"]
        for row in SpectrumDecision.objects.filter(in_period)
        .values("suggested_level", "decided_level")
        .annotate(n=Count("id"))
        .order_by()
    }
    counts = (
        SpectrumDecisionIndicator.objects.filter(
            decision__decided_at__date__gte=date_from, decision__decided_at__date__lte=date_to
        )
        .values("indicator_id", "decision__decided_level")
        .annotate(
            n=Count("id"),
            differing=Count(
                "id", filter=~Q(decision__decided_level=F("decision__suggested_level"))
            ),
        )
        .order_by()
    )
    rows: dict[int, IndicatorConsistency] = {}
    for row in counts:
        entry = rows.setdefault(row["indicator_id"], IndicatorConsistency(indicator=None))
        entry.by_level[row["decision__decided_level"]] = row["n"]
        entry.total += row["n"]
        entry.differing += row["differing"]
    indicators = Indicator.objects.filter(pk__in=rows).select_related("domain", "framework")
    for indicator in indicators:
        rows[indicator.pk].indicator = indicator
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            r.indicator.framework.version,
            r.indicator.domain.order,
            LEVEL_RANK[r.indicator.level],
            r.indicator.order,
        ),
    )
    return ConsistencyReport(
        decisions=totals["decisions"],
        differing=totals["differing"],
        crosstab=crosstab,
        indicators=ordered,
    )
