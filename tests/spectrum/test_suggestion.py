"""The suggested level: a pure function, tested without a database."""

import itertools

import pytest

from spectrum.models import LEVEL_RANK, LevelCode
from spectrum.suggestion import CumulativeRule, SelectedIndicator, level_suggest

U, ES, FH, IP = (
    LevelCode.UNIVERSAL,
    LevelCode.EARLY_SUPPORT,
    LevelCode.FAMILY_HELP,
    LevelCode.IMMEDIATE_PROTECTION,
)
RULE = CumulativeRule(min_indicators=4, min_domains=3, from_level=ES, raise_to=FH)
DOMAINS = ["Health", "Education", "Housing, employment and finance", "Young carer", "Disability"]


CODES = itertools.count(1)


def picked(level, domain="Health"):
    return SelectedIndicator(code=f"X-{next(CODES)}", level=level, domain=domain)


def early_support(count: int, domains: int) -> list[SelectedIndicator]:
    """``count`` Early Support indicators spread round-robin over ``domains`` domains."""
    return [picked(ES, DOMAINS[i % domains]) for i in range(count)]


def test_no_indicators_gives_no_suggestion_and_says_why():
    suggestion = level_suggest(indicators=[], rule=RULE)

    assert suggestion.level is None
    assert suggestion.reasons == (
        "No indicators are selected, so there is nothing to suggest a level from.",
    )


@pytest.mark.parametrize(
    "levels",
    [
        combo
        for size in (1, 2, 3)
        for combo in itertools.combinations_with_replacement([U, ES, FH, IP], size)
    ],
    ids=lambda levels: "+".join(level.lower() for level in levels),
)
def test_the_suggestion_is_the_highest_level_among_the_indicators(levels):
    indicators = [picked(level) for level in levels]  # one domain: the cumulative rule can't fire

    suggestion = level_suggest(indicators=indicators, rule=RULE)

    assert suggestion.level == max(levels, key=LEVEL_RANK.__getitem__)
    assert not suggestion.cumulative_rule_met


@pytest.mark.parametrize(
    "count, domains, expected",
    [
        (3, 1, ES),
        (3, 2, ES),
        (3, 3, ES),  # one indicator short
        (4, 1, ES),
        (4, 2, ES),  # one domain short
        (4, 3, FH),  # exactly on both thresholds
        (4, 4, FH),
        (5, 2, ES),
        (5, 3, FH),
        (5, 5, FH),
        (9, 3, FH),
    ],
)
def test_the_cumulative_rule_raises_early_support_to_family_help_only_at_its_thresholds(
    count, domains, expected
):
    suggestion = level_suggest(indicators=early_support(count, domains), rule=RULE)

    assert suggestion.level == expected
    assert suggestion.cumulative_rule_met == (expected == FH)


@pytest.mark.parametrize(
    "min_indicators, min_domains",
    [(i, d) for i in (2, 3, 4, 5, 6) for d in (1, 2, 3) if d <= i],  # the rules the database allows
)
def test_the_thresholds_come_from_the_rule_given(min_indicators, min_domains):
    rule = CumulativeRule(
        min_indicators=min_indicators, min_domains=min_domains, from_level=ES, raise_to=FH
    )

    just_short = level_suggest(indicators=early_support(min_indicators - 1, min_domains), rule=rule)
    enough = level_suggest(indicators=early_support(min_indicators, min_domains), rule=rule)
    too_few_domains = level_suggest(
        indicators=early_support(min_indicators, min_domains - 1 or 1), rule=rule
    )

    assert just_short.level == ES
    assert enough.level == FH
    assert too_few_domains.level == (FH if min_domains == 1 else ES)


def test_universal_indicators_do_not_count_towards_the_early_support_rule():
    indicators = early_support(3, 3) + [picked(U, "Disability"), picked(U, "Young carer")]

    suggestion = level_suggest(indicators=indicators, rule=RULE)

    assert suggestion.level == ES


@pytest.mark.parametrize("top", [FH, IP])
def test_the_cumulative_rule_never_lowers_or_replaces_a_higher_indicator(top):
    indicators = early_support(6, 4) + [picked(top)]

    suggestion = level_suggest(indicators=indicators, rule=RULE)

    assert suggestion.level == top
    assert not suggestion.cumulative_rule_met


def test_a_rule_from_universal_can_raise_to_early_support():
    rule = CumulativeRule(min_indicators=3, min_domains=2, from_level=U, raise_to=ES)
    indicators = [picked(U, "Health"), picked(U, "Education"), picked(U, "Health")]

    suggestion = level_suggest(indicators=indicators, rule=rule)

    assert suggestion.level == ES


def test_the_same_indicator_given_twice_counts_once():
    once = early_support(3, 3)

    suggestion = level_suggest(indicators=once + [once[0]], rule=RULE)

    assert suggestion.level == ES


def test_the_reasons_name_the_highest_level_and_how_many_indicators_are_at_it():
    indicators = [picked(ES), picked(FH), picked(FH, "Education")]

    suggestion = level_suggest(indicators=indicators, rule=RULE)

    assert suggestion.reasons[0] == (
        "2 of the 3 selected indicators are at Family Help, the highest level selected."
    )


def test_the_reasons_explain_the_cumulative_rule_in_plain_words_when_it_applies():
    suggestion = level_suggest(indicators=early_support(4, 3), rule=RULE)

    assert suggestion.reasons[-1] == (
        "4 Early Support indicators across 3 domains (Health; Education; Housing, employment "
        "and finance). A combination of lower-level needs can raise overall risk, so consider "
        "Family Help."
    )
    assert "at least" not in " ".join(suggestion.reasons)  # no internal rule text


def test_one_lower_level_need_adds_no_claim_about_a_rule():
    suggestion = level_suggest(indicators=early_support(1, 1), rule=RULE)

    assert suggestion.reasons == ("The one selected indicator is at Early Support.",)


def test_lower_level_needs_in_three_domains_prompt_the_practitioner_to_consider_more():
    suggestion = level_suggest(indicators=early_support(3, 3), rule=RULE)

    assert suggestion.level == ES  # a prompt, not a raised suggestion
    assert suggestion.reasons[-1] == (
        "Lower-level needs appear in 3 domains (Health; Education; Housing, employment and "
        "finance). Together they can raise overall risk: consider whether Family Help is needed."
    )
    assert "rule" not in suggestion.reasons[-1]


def test_lower_level_needs_in_two_domains_are_not_a_prompt_yet():
    suggestion = level_suggest(indicators=early_support(2, 2), rule=RULE)

    assert len(suggestion.reasons) == 1


def test_an_immediate_protection_indicator_adds_a_reason_to_act_straight_away():
    suggestion = level_suggest(indicators=[picked(IP)], rule=RULE)

    assert suggestion.level == IP
    assert "child protection response" in suggestion.reasons[1]


def test_the_reasons_use_the_framework_versions_own_level_names():
    names = {**dict(LevelCode.choices), FH: "Family Help (targeted)"}

    suggestion = level_suggest(indicators=[picked(FH)], rule=RULE, level_names=names)

    assert suggestion.reasons[0] == "The one selected indicator is at Family Help (targeted)."


@pytest.mark.parametrize(
    "count, opening", [(2, "Both selected indicators"), (3, "All 3 selected indicators")]
)
def test_the_reasons_say_when_every_indicator_is_at_the_highest_level(count, opening):
    suggestion = level_suggest(indicators=[picked(FH) for _ in range(count)], rule=RULE)

    assert suggestion.reasons[0] == f"{opening} are at Family Help."
