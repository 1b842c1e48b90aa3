from datetime import date

from celery import shared_task

from dashboards.summary import contact_day_refresh, days_to_refresh


@shared_task(name="dashboards.tasks.contact_days_refresh", acks_late=True)
def contact_days_refresh(days: list[str] | None = None) -> int:
    """Re-compute the front door's daily contact summary: the days given (ISO dates), or
    yesterday, the days changed since they were summarised and recent days never summarised.
    Idempotent: each day is re-counted in full. Returns the number of days refreshed."""
    chosen = [date.fromisoformat(day) for day in days] if days else days_to_refresh()
    for day in chosen:
        contact_day_refresh(day)
    return len(chosen)
