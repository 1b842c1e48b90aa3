"""Keyword filtering for the indicator picker.

static/js/spectrum.js applies the same rules in the browser as the practitioner types; keep the
two in step. What is typed is read in one of two ways:

- as words for a level of need ("child in need", "targeted", "tier 3"): when it names a term
  whole, only indicators at that level are shown, since that is what the practitioner means;
- otherwise as keywords: an indicator is shown when every word typed starts a word of its text,
  keywords, domain, level or code. A term still being typed ("targ") also shows its level.

Ticked indicators are always shown, so filtering never hides a choice already made.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

PREFIX_MIN_LENGTH = 3


def normalise(text: str) -> str:
    """Lower case, words only: "S.47" and "s 47" read the same, as do "U-HEALTH" and "u health"."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"[^a-z0-9']+", " ", text).strip()


@dataclass(frozen=True)
class NeedTermMatch:
    term: str
    level: str
    level_name: str
    whole: bool = False


def need_terms_matching(*, query: str, need_terms: Iterable[NeedTermMatch]) -> list[NeedTermMatch]:
    """Words for levels of need that the query names whole, either alone or inside a longer
    phrase ("child in need support"), or that it begins ("targ" for "targeted")."""
    typed = normalise(query)
    if not typed:
        return []
    matches = []
    for need_term in need_terms:
        term = normalise(need_term.term)
        whole = f" {term} " in f" {typed} "
        if whole or (len(typed) >= PREFIX_MIN_LENGTH and term.startswith(typed)):
            matches.append(
                NeedTermMatch(
                    term=need_term.term,
                    level=need_term.level,
                    level_name=need_term.level_name,
                    whole=whole,
                )
            )
    return matches


def indicator_haystack(
    *, text: str, keywords: Iterable[str], domain: str, level_name: str, code: str
) -> str:
    return normalise(" ".join([text, *keywords, domain, level_name, code]))


def indicator_matches(
    *, query: str, haystack: str, level: str, need_terms: list[NeedTermMatch]
) -> bool:
    words = normalise(query).split()
    if not words:
        return True
    whole_levels = {match.level for match in need_terms if match.whole}
    if whole_levels:
        return level in whole_levels
    if level in {match.level for match in need_terms}:
        return True
    padded = f" {haystack}"
    return all(f" {word}" in padded for word in words)
