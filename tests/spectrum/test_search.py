"""Filtering the picker by keyword and by the words people use for levels of need."""

import pytest

from spectrum.models import LevelCode
from spectrum.search import (
    NeedTermMatch,
    indicator_haystack,
    indicator_matches,
    need_terms_matching,
)

NEED_TERMS = [
    NeedTermMatch(term=term, level=level, level_name=LevelCode(level).label)
    for term, level in [
        ("child in need", LevelCode.FAMILY_HELP),
        ("targeted", LevelCode.FAMILY_HELP),
        ("targeted early help", LevelCode.FAMILY_HELP),
        ("early help", LevelCode.EARLY_SUPPORT),
        ("cp", LevelCode.IMMEDIATE_PROTECTION),
        ("child protection", LevelCode.IMMEDIATE_PROTECTION),
        ("tier 3", LevelCode.FAMILY_HELP),
        ("s.47", LevelCode.IMMEDIATE_PROTECTION),
    ]
]


@pytest.mark.parametrize(
    "typed, levels",
    [
        ("child in need", {LevelCode.FAMILY_HELP}),
        ("Child  in Need", {LevelCode.FAMILY_HELP}),
        ("targeted", {LevelCode.FAMILY_HELP}),
        ("targ", {LevelCode.FAMILY_HELP}),
        ("tier 3", {LevelCode.FAMILY_HELP}),
        ("cp", {LevelCode.IMMEDIATE_PROTECTION}),
        ("s.47", {LevelCode.IMMEDIATE_PROTECTION}),
        ("child in need support", {LevelCode.FAMILY_HELP}),
        ("early", {LevelCode.EARLY_SUPPORT}),
        ("child", {LevelCode.FAMILY_HELP, LevelCode.IMMEDIATE_PROTECTION}),
        ("c", set()),  # too short to be the start of a term
        ("ta", set()),
        ("housing", set()),
        ("", set()),
    ],
)
def test_what_is_typed_finds_the_level_people_mean(typed, levels):
    matches = need_terms_matching(query=typed, need_terms=NEED_TERMS)

    assert {match.level for match in matches} == levels


HAYSTACK = indicator_haystack(
    text="Child often misses school",
    keywords=["attendance", "absence"],
    domain="Education",
    level_name="Early Support",
    code="ES-EDUCATION-02",
)


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("", True),
        ("attendance", True),
        ("ATTEND", True),
        ("school absence", True),
        ("education", True),
        ("es-education", True),
        ("early support", True),
        ("school housing", False),
        ("housing", False),
        ("ttendance", False),  # words are matched from their start
    ],
)
def test_an_indicator_is_shown_when_every_word_typed_starts_one_of_its_words(typed, shown):
    assert (
        indicator_matches(
            query=typed, haystack=HAYSTACK, level=LevelCode.EARLY_SUPPORT, need_terms=[]
        )
        is shown
    )


def _typed(query):
    return need_terms_matching(query=query, need_terms=NEED_TERMS)


@pytest.mark.parametrize(
    "level, shown",
    [(LevelCode.FAMILY_HELP, True), (LevelCode.EARLY_SUPPORT, False), (LevelCode.UNIVERSAL, False)],
)
def test_a_whole_term_for_a_level_shows_only_that_levels_indicators(level, shown):
    # "child in need" would otherwise match these words: child, in, need(ed).
    haystack = "child is well and has what they need in school"

    assert (
        indicator_matches(
            query="child in need",
            haystack=haystack,
            level=level,
            need_terms=_typed("child in need"),
        )
        is shown
    )


@pytest.mark.parametrize(
    "level, words_match, shown",
    [
        (LevelCode.FAMILY_HELP, False, True),  # the level being typed
        (LevelCode.EARLY_SUPPORT, True, True),  # an indicator with the word
        (LevelCode.EARLY_SUPPORT, False, False),
    ],
)
def test_a_term_still_being_typed_shows_its_level_as_well_as_keyword_matches(
    level, words_match, shown
):
    haystack = "family has been targeting support" if words_match else "housing is damp"

    assert (
        indicator_matches(query="targ", haystack=haystack, level=level, need_terms=_typed("targ"))
        is shown
    )


@pytest.mark.parametrize(
    "typed, term, whole",
    [
        ("targeted", "targeted", True),
        ("targeted", "targeted early help", False),
        ("targ", "targeted", False),
        ("child in need support", "child in need", True),
        ("child in", "child in need", False),
    ],
)
def test_a_term_is_whole_only_when_all_of_it_is_typed(typed, term, whole):
    assert {match.term: match.whole for match in _typed(typed)}[term] is whole
