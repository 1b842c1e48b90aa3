"""The child protection clocks (docs/protection.md, "Clocks"), built on familyfirst.clocks.

- Strategy discussion: by the end of the working day the referral was received
  (``PROTECTION_STRATEGY_WORKING_DAYS`` more working days, default 0; the day ends at
  ``PROTECTION_WORKING_DAY_ENDS``, default 17:00 UK time). Received after the day's end, at a
  weekend or on a bank holiday: by the end of the next working day.
- Initial conference: 15 working days after the strategy discussion that started the enquiry.
- First core group: 10 working days after the initial conference.
- First review conference within 3 months of the initial conference, then within 6 months of the
  last review. A date that would fall at a weekend or on a bank holiday comes forward to the
  working day before, so the conference is still "within" the time.
"""

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings

from familyfirst.clocks import UK, Rag, add_working_days_to_date, is_working_day


def _day_ends() -> time:
    hours, minutes = (int(part) for part in settings.PROTECTION_WORKING_DAY_ENDS.split(":"))
    return time(hours, minutes)


def strategy_due_at(received_at: datetime) -> datetime:
    local = received_at.astimezone(UK)
    day, ends = local.date(), _day_ends()
    if not is_working_day(day) or local.time() >= ends:
        day = add_working_days_to_date(day, 1)
    day = add_working_days_to_date(day, settings.PROTECTION_STRATEGY_WORKING_DAYS)
    return datetime.combine(day, ends, tzinfo=UK)


def previous_working_day_or_same(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def icpc_due(strategy_held: date) -> date:
    return add_working_days_to_date(strategy_held, settings.PROTECTION_ICPC_WORKING_DAYS)


def core_group_due(icpc_held: date) -> date:
    return add_working_days_to_date(icpc_held, settings.PROTECTION_CORE_GROUP_WORKING_DAYS)


def first_review_due(icpc_held: date) -> date:
    return previous_working_day_or_same(icpc_held + relativedelta(months=3))


def next_review_due(review_held: date) -> date:
    return previous_working_day_or_same(review_held + relativedelta(months=6))


def date_rag(*, due: date, today: date) -> Rag:
    """Red once the day has passed; amber within ``PROTECTION_AMBER_WORKING_DAYS`` working days."""
    if today > due:
        return Rag.RED
    if add_working_days_to_date(today, settings.PROTECTION_AMBER_WORKING_DAYS) >= due:
        return Rag.AMBER
    return Rag.GREEN
