"""The front door's daily contact summary (docs/adr/0011, "The summary").

``contact_day_refresh`` re-computes one whole past UK day in full from the live tables, so it
can run any number of times with the same result. A Celery beat task
(``dashboards.tasks.contact_days_refresh``) keeps yesterday and every day marked not fresh up to
date; ``manage.py contact_days_backfill`` fills a range of days. A saved or deleted contact marks
its day not fresh once its transaction commits, and ``selectors.contact_cells`` counts such days
live until they are refreshed, so a figure never shows a stale count.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dashboards.models import ContactDay, ContactDayRefresh
from familyfirst.clocks import UK

RECENT_DAYS = 35  # days before today the beat task fills when they have never been summarised


class SummaryError(Exception):
    pass


def _mark(day: date, *, fresh: bool) -> None:
    # INSERT ... ON CONFLICT DO UPDATE: it waits for a refresh of the same day still in progress
    # (which holds the row), so marking a day not fresh can never be overwritten by that refresh.
    ContactDayRefresh.objects.bulk_create(
        [ContactDayRefresh(day=day, fresh=fresh, refreshed_at=timezone.now() if fresh else None)],
        update_conflicts=True,
        unique_fields=["day"],
        update_fields=["fresh", "refreshed_at"] if fresh else ["fresh"],
    )


@transaction.atomic
def contact_day_refresh(day: date, *, today: date | None = None) -> int:
    """Re-count every contact received on ``day`` (a UK day before today) into ContactDay.
    Returns the number of summary rows written."""
    from dashboards.selectors import Filters, _contacts, live_contact_counts

    today = today or timezone.localdate()
    if day >= today:
        raise SummaryError("Only whole past days are summarised; today is counted live")
    _mark(day, fresh=True)  # first, so the day's row is held until this transaction commits
    ContactDay.objects.filter(day=day).delete()
    rows = [
        ContactDay(
            day=day,
            code=row["code"],
            purpose=row["purpose"],
            outcome=row["outcome"],
            team_id=row["team_id"],
            referral=row["referral"],
            n=row["n"],
        )
        for row in live_contact_counts(_contacts(Filters(start=day, end=day)))
    ]
    ContactDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def days_to_refresh(*, today: date | None = None) -> list[date]:
    """Yesterday, every day marked not fresh, and the recent days never summarised."""
    today = today or timezone.localdate()
    recent = {today - timedelta(days=n) for n in range(1, RECENT_DAYS + 1)}
    known = dict(
        ContactDayRefresh.objects.filter(day__lt=today).values_list("day", "fresh").order_by()
    )
    stale = {day for day, fresh in known.items() if not fresh}
    never = {day for day in recent if day not in known}
    return sorted(stale | never | {today - timedelta(days=1)})


def contact_day_changed(received_at) -> None:
    """A contact received at ``received_at`` changed: once this transaction commits, its day is
    counted live until it is refreshed."""
    if received_at is None:
        return
    day = received_at.astimezone(UK).date()
    transaction.on_commit(lambda: _mark(day, fresh=False))
