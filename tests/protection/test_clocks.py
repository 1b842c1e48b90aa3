"""The child protection clocks at weekends, bank holidays and clock changes (docs/protection.md,
"Clocks"). England and Wales bank holidays come from the `holidays` library."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from familyfirst.clocks import is_working_day
from protection.clocks import (
    core_group_due,
    date_rag,
    first_review_due,
    icpc_due,
    next_review_due,
    strategy_due_at,
)

UK = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def uk(*parts):
    return datetime(*parts, tzinfo=UK)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (uk(2026, 12, 2, 10, 0), uk(2026, 12, 2, 17, 0)),  # a Wednesday morning: today
        (uk(2026, 12, 2, 16, 59), uk(2026, 12, 2, 17, 0)),  # a minute before the day ends
        (uk(2026, 12, 2, 17, 30), uk(2026, 12, 3, 17, 0)),  # after the day: tomorrow
        (uk(2026, 12, 4, 18, 0), uk(2026, 12, 7, 17, 0)),  # Friday evening: Monday
        (uk(2026, 12, 5, 10, 0), uk(2026, 12, 7, 17, 0)),  # Saturday: Monday
        (uk(2026, 12, 24, 18, 0), uk(2026, 12, 29, 17, 0)),  # Christmas and Boxing Day observed
        (uk(2026, 4, 2, 17, 30), uk(2026, 4, 7, 17, 0)),  # Good Friday and Easter Monday
        (uk(2026, 3, 27, 18, 0), uk(2026, 3, 30, 17, 0)),  # over the spring clock change
        (uk(2026, 10, 23, 18, 0), uk(2026, 10, 26, 17, 0)),  # over the autumn clock change
    ],
)
def test_the_strategy_discussion_is_due_by_the_end_of_the_working_day(received, due):
    assert strategy_due_at(received) == due


def test_the_end_of_the_day_is_uk_time_through_summer_and_winter():
    # 16:30 UTC is 17:30 in British Summer Time (after the day's end) but 16:30 in winter.
    assert strategy_due_at(datetime(2026, 7, 2, 16, 30, tzinfo=UTC)) == uk(2026, 7, 3, 17, 0)
    assert strategy_due_at(datetime(2026, 12, 2, 16, 30, tzinfo=UTC)) == uk(2026, 12, 2, 17, 0)
    assert uk(2026, 3, 30, 17, 0).astimezone(UTC).hour == 16  # BST: 16:00 UTC
    assert uk(2026, 10, 26, 17, 0).astimezone(UTC).hour == 17  # GMT again


def test_the_same_working_day_is_configurable(settings):
    settings.PROTECTION_STRATEGY_WORKING_DAYS = 1
    settings.PROTECTION_WORKING_DAY_ENDS = "18:30"
    assert strategy_due_at(uk(2026, 12, 4, 10, 0)) == uk(2026, 12, 7, 18, 30)


@pytest.mark.parametrize(
    ("strategy", "icpc"),
    [
        (date(2026, 12, 2), date(2026, 12, 23)),  # three plain weeks
        (date(2026, 12, 14), date(2027, 1, 7)),  # Christmas, Boxing Day (observed), New Year
        (date(2026, 3, 26), date(2026, 4, 20)),  # Good Friday and Easter Monday
        (date(2026, 12, 5), date(2026, 12, 29)),  # held on a Saturday: counts from Monday
        (date(2026, 5, 22), date(2026, 6, 15)),  # the Spring Bank Holiday
        (date(2026, 3, 20), date(2026, 4, 14)),  # over the clock change and Easter
    ],
)
def test_the_initial_conference_is_due_15_working_days_after_the_strategy_discussion(
    strategy, icpc
):
    assert icpc_due(strategy) == icpc


def test_the_initial_conference_is_never_due_at_a_weekend_or_on_a_bank_holiday():
    day = date(2026, 1, 1)
    for offset in range(730):
        assert is_working_day(icpc_due(day + timedelta(days=offset)))


@pytest.mark.parametrize(
    ("icpc", "core_group"),
    [
        (date(2026, 12, 2), date(2026, 12, 16)),
        (date(2026, 12, 18), date(2027, 1, 6)),  # over Christmas and New Year
        (date(2026, 4, 1), date(2026, 4, 17)),  # over Easter
    ],
)
def test_the_first_core_group_is_due_10_working_days_after_the_conference(icpc, core_group):
    assert core_group_due(icpc) == core_group


@pytest.mark.parametrize(
    ("icpc", "review"),
    [
        (date(2026, 9, 30), date(2026, 12, 30)),  # three months to the day
        (date(2026, 9, 28), date(2026, 12, 24)),  # 28 Dec is Boxing Day observed: before it
        (date(2026, 6, 5), date(2026, 9, 4)),  # a Saturday: the Friday before
        (date(2026, 11, 30), date(2027, 2, 26)),  # the month is short and ends on a Sunday
    ],
)
def test_the_first_review_is_within_three_months(icpc, review):
    assert first_review_due(icpc) == review


@pytest.mark.parametrize(
    ("last_review", "review"),
    [
        (date(2027, 4, 26), date(2027, 10, 26)),
        (date(2026, 6, 26), date(2026, 12, 24)),  # 26 Dec is a Saturday, and Boxing Day
        (date(2026, 10, 31), date(2027, 4, 30)),  # a weekend review; 31 April does not exist
    ],
)
def test_later_reviews_are_at_most_six_months_apart(last_review, review):
    assert next_review_due(last_review) == review


@pytest.mark.parametrize(
    ("due", "rag"),
    [
        (date(2026, 12, 1), "RED"),  # yesterday
        (date(2026, 12, 2), "AMBER"),  # today
        (date(2026, 12, 7), "AMBER"),  # three working days away, over a weekend
        (date(2026, 12, 8), "GREEN"),
    ],
)
def test_red_amber_green_counts_working_days(due, rag):
    assert date_rag(due=due, today=date(2026, 12, 2)) == rag


def test_amber_over_christmas_counts_working_days_only():
    # Wednesday 23 December: 24, 29, 30 December are the next three working days.
    assert date_rag(due=date(2026, 12, 30), today=date(2026, 12, 23)) == "AMBER"
    assert date_rag(due=date(2026, 12, 31), today=date(2026, 12, 23)) == "GREEN"
