from datetime import date, datetime, timedelta

import pytest

from familyfirst.clocks import (
    UK,
    Rag,
    add_working_days,
    add_working_days_to_date,
    rag_status,
    working_days_between,
)


def _uk(*parts):
    return datetime(*parts, tzinfo=UK)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (_uk(2026, 11, 18, 9, 30), _uk(2026, 11, 19, 9, 30)),  # Wednesday → Thursday
        (_uk(2026, 11, 20, 16, 0), _uk(2026, 11, 23, 16, 0)),  # Friday 16:00 → Monday 16:00
        (
            _uk(2026, 8, 28, 16, 0),
            _uk(2026, 9, 1, 16, 0),
        ),  # Friday before the August bank holiday → Tuesday
        (
            _uk(2026, 4, 2, 11, 15),
            _uk(2026, 4, 7, 11, 15),
        ),  # Thursday before Easter → Tuesday after
        (
            _uk(2026, 12, 24, 17, 45),
            _uk(2026, 12, 29, 17, 45),
        ),  # Christmas Eve → after Boxing Day (observed)
        (_uk(2026, 11, 21, 10, 0), _uk(2026, 11, 24, 0, 0)),  # Saturday: the clock starts on Monday
        (_uk(2026, 5, 25, 14, 0), _uk(2026, 5, 27, 0, 0)),  # on a bank holiday: starts next day
        (_uk(2026, 3, 27, 10, 0), _uk(2026, 3, 30, 10, 0)),  # across the clocks going forward
    ],
    ids=[
        "midweek",
        "friday",
        "bank-holiday-monday",
        "easter",
        "christmas",
        "saturday",
        "on-a-bank-holiday",
        "bst",
    ],
)
def test_a_decision_is_due_one_working_day_after_it_was_received(received, due):
    assert add_working_days(received, 1) == due


def test_the_clock_works_from_utc_times_as_stored():
    received_utc = datetime(2026, 7, 3, 15, 0, tzinfo=UK).astimezone(UK).astimezone(tz=None)

    assert add_working_days(received_utc, 1) == _uk(2026, 7, 6, 15, 0)


@pytest.mark.parametrize(
    ("referral", "due"),
    [
        (date(2026, 11, 23), date(2027, 1, 28)),  # spans Christmas and New Year
        (date(2026, 3, 2), date(2026, 5, 7)),  # spans Easter and May Day
    ],
)
def test_an_assessment_is_due_45_working_days_after_referral(referral, due):
    assert add_working_days_to_date(referral, 45) == due
    assert working_days_between(referral, due) == 45


@pytest.mark.parametrize(
    ("minutes_left", "rag"),
    [(-1, Rag.RED), (0, Rag.RED), (1, Rag.AMBER), (240, Rag.AMBER), (241, Rag.GREEN)],
)
def test_the_clock_turns_amber_within_four_hours_and_red_when_due(minutes_left, rag):
    now = _uk(2026, 11, 23, 12, 0)

    assert (
        rag_status(
            due_at=now + timedelta(minutes=minutes_left), now=now, amber_within=timedelta(hours=4)
        )
        == rag
    )
