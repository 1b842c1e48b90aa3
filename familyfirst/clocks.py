"""Working-day clocks: weekends and England and Wales bank holidays do not count. Every app's clocks
(front-door decisions, assessments, conferences) use these, so they live in the project package.

A consultation received Friday 16:00 is due a decision on Monday 16:00 (Tuesday 16:00 after a bank
holiday Monday): the clock moves on whole working days and keeps the time of day, to the minute,
in UK local time. Work received on a weekend or bank holiday starts its clock at the beginning of
the next working day, so Saturday 10:00 is due Tuesday 00:00 for one working day.
"""

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # The "ENG" subdivision is England and Wales' calendar (Wales differs from it in no bank holiday).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days_to_date(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (e.g. an assessment due 45 working days
    after the referral date)."""
    day = start
    for _ in range(days):
        day = next_working_day(day)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    local = start.astimezone(UK)
    day, time_of_day = local.date(), local.timetz().replace(tzinfo=None)
    if not is_working_day(day):
        while not is_working_day(day):
            day += timedelta(days=1)
        time_of_day = time(0, 0)
    due_day = add_working_days_to_date(day, days)
    return datetime.combine(due_day, time_of_day, tzinfo=UK)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


class Rag(StrEnum):
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


def rag_status(*, due_at: datetime, now: datetime, amber_within: timedelta) -> Rag:
    if now >= due_at:
        return Rag.RED
    if due_at - now <= amber_within:
        return Rag.AMBER
    return Rag.GREEN
