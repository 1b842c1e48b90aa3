"""The suggested level: a pure function of the selected indicators and the framework's rule.

No database, no request: the same inputs always give the same suggestion, so the rules can be
tested exhaustively and the API, the picker and the decision service all agree. The suggestion
never decides; the practitioner does, and records why when they differ.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from spectrum.models import LEVEL_RANK, LevelCode

LEVEL_NAMES = dict(LevelCode.choices)


@dataclass(frozen=True)
class SelectedIndicator:
    code: str
    level: str
    domain: str


@dataclass(frozen=True)
class CumulativeRule:
    """At least ``min_indicators`` indicators at ``from_level`` across at least ``min_domains``
    domains suggest considering ``raise_to``."""

    min_indicators: int
    min_domains: int
    from_level: str
    raise_to: str


@dataclass(frozen=True)
class Suggestion:
    level: str | None
    reasons: tuple[str, ...]
    cumulative_rule_met: bool = False


def _count(number: int, singular: str, plural: str | None = None) -> str:
    word = singular if number == 1 else (plural or f"{singular}s")
    return f"{number} {word}"


def _listed(names: list[str]) -> str:
    # Semicolons, because domain names contain commas and "and".
    return "; ".join(names)


def level_suggest(
    *,
    indicators: Iterable[SelectedIndicator],
    rule: CumulativeRule,
    level_names: Mapping[str, str] = LEVEL_NAMES,
) -> Suggestion:
    selected = list({indicator.code: indicator for indicator in indicators}.values())
    if not selected:
        return Suggestion(
            level=None,
            reasons=("No indicators are selected, so there is nothing to suggest a level from.",),
        )

    highest = max((indicator.level for indicator in selected), key=LEVEL_RANK.__getitem__)
    at_highest = sum(1 for indicator in selected if indicator.level == highest)
    if len(selected) == 1:
        reasons = [f"The one selected indicator is at {level_names[highest]}."]
    elif at_highest == len(selected):
        every = "Both" if at_highest == 2 else f"All {at_highest}"
        reasons = [f"{every} selected indicators are at {level_names[highest]}."]
    else:
        reasons = [
            f"{at_highest} of the {len(selected)} selected indicators "
            f"{'is' if at_highest == 1 else 'are'} at {level_names[highest]}, "
            "the highest level selected."
        ]
    if highest == LevelCode.IMMEDIATE_PROTECTION:
        reasons.append(
            "An immediate protection indicator means a child protection response should be "
            "considered straight away."
        )

    suggested = highest
    met = False
    if LEVEL_RANK[highest] < LEVEL_RANK[rule.raise_to]:
        at_from = [indicator for indicator in selected if indicator.level == rule.from_level]
        domains = list(dict.fromkeys(indicator.domain for indicator in at_from))
        met = len(at_from) >= rule.min_indicators and len(domains) >= rule.min_domains
        # Lower-level needs in several domains: the guidance gives no number, so this is said
        # as a prompt to consider, never as a rule met or missed (docs/spectrum.md).
        lower = [i for i in selected if LEVEL_RANK[i.level] < LEVEL_RANK[rule.raise_to]]
        lower_domains = list(dict.fromkeys(indicator.domain for indicator in lower))
        if met:
            suggested = rule.raise_to
            reasons.append(
                f"{_count(len(at_from), f'{level_names[rule.from_level]} indicator')} "
                f"across {_count(len(domains), 'domain')} ({_listed(domains)}). A combination "
                f"of lower-level needs can raise overall risk, so consider "
                f"{level_names[rule.raise_to]}."
            )
        elif len(lower_domains) >= rule.min_domains:
            reasons.append(
                f"Lower-level needs appear in {_count(len(lower_domains), 'domain')} "
                f"({_listed(lower_domains)}). Together they can raise overall risk: consider "
                f"whether {level_names[rule.raise_to]} is needed."
            )
    return Suggestion(level=suggested, reasons=tuple(reasons), cumulative_rule_met=met)
