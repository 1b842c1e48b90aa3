"""The front door's daily contact summary (docs/adr/0011, "The summary"): refreshed by a real
Celery worker on Redis, it gives every front-door figure exactly as the live count does, and a
change to a summarised day is counted live until that day is refreshed again."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.models import ContactDay, ContactDayRefresh
from dashboards.selectors import Filters, contact_cells, front_door_figures
from dashboards.summary import SummaryError, contact_day_refresh, days_to_refresh
from dashboards.tasks import contact_days_refresh
from referrals.models import Consultation, Outcome
from tests.dashboards.helpers import at, consultation, decision, team
from tests.workers import (  # noqa: F401 - fixtures
    celery_worker,
    redis_server,
    smtp_sink,
    wait_for_worker,
)


def _known_contacts(practitioner, fc_manager):
    """Contacts over the last 40 days and today, of every source, purpose, outcome, team and
    referral state the figures divide by; two just either side of a UK midnight."""
    today = timezone.localdate()
    rugby, warwick = team("family-help-rugby"), team("family-help-warwick")
    plan = [
        (40, 10, "SCHOOL", "REFERRAL", Outcome.FAMILY_HELP_ASSESSMENT, rugby, True),
        (30, 9, "POLICE", "REFERRAL", Outcome.EARLY_SUPPORT_REFERRAL, warwick, True),
        (27, 11, "GP", "ADVICE", Outcome.SINGLE_AGENCY, None, False),
        (20, 14, "FAMILY_MEMBER", "ADVICE", Outcome.ADVICE, None, False),
        (12, 8, "SCHOOL", "REFERRAL", Outcome.FAMILY_HELP_ASSESSMENT, rugby, False),
        (5, 23, "POLICE", "REFERRAL", Outcome.IMMEDIATE_PROTECTION, warwick, True),
        (4, 0, "GP", "", Outcome.ADVICE, None, False),
        (1, 16, "SCHOOL", "ADVICE", Outcome.EARLY_SUPPORT_REFERRAL, rugby, True),
        (0, 0, "POLICE", "REFERRAL", Outcome.FAMILY_HELP_ASSESSMENT, warwick, True),
    ]
    made = []
    for days_ago, hour, agency, purpose, outcome, to_team, authorised in plan:
        received = at(today - timedelta(days=days_ago), hour, 30 if hour == 23 else 5)
        if received > timezone.now():
            received = timezone.now() - timedelta(minutes=1)
        call = consultation(
            received_at=received, practitioner=practitioner, agency=agency, purpose=purpose
        )
        made.append(
            decision(
                call,
                outcome=outcome,
                to_team=to_team,
                authorised=authorised,
                authorised_by=fc_manager,
            )
        )
        decision(call, outcome=Outcome.ADVICE)  # a second child, no referral
    # Still undecided: a contact without an outcome.
    decision(
        consultation(
            received_at=at(today - timedelta(days=3), 9),
            practitioner=practitioner,
            decided_after=None,
        ),
        outcome="",
    )
    return made


def _filter_sets():
    today = timezone.localdate()
    rugby = team("family-help-rugby")
    return [
        Filters(start=today - timedelta(days=27), end=today),
        Filters(start=today - timedelta(days=364), end=today),
        Filters(start=today - timedelta(days=45), end=today - timedelta(days=1)),
        Filters(start=today - timedelta(days=27), end=today, team_id=rugby.pk),
        Filters(start=today - timedelta(days=364), end=today, district_id=rugby.district_id),
    ]


def _summary_read(filters) -> bool:
    with CaptureQueriesContext(connection) as queries:
        front_door_figures(filters)
    return any('dashboards_contactday"' in q["sql"] for q in queries.captured_queries)


@pytest.mark.worker
def test_the_summary_refreshed_by_the_worker_gives_every_front_door_figure_as_counted_live(
    celery_worker,  # noqa: F811
    practitioner,
    fc_manager,
):
    _known_contacts(practitioner, fc_manager)
    today = timezone.localdate()
    # Nothing summarised yet: each day is marked to be refreshed, so every figure is live.
    assert not ContactDayRefresh.objects.filter(fresh=True).exists()
    live = {filters: front_door_figures(filters) for filters in _filter_sets()}
    assert not any(_summary_read(filters) for filters in live)
    assert live[_filter_sets()[0]]["contacts-by-day"].totals["contacts"] == 15

    contact_days_refresh.delay()
    wanted = set(days_to_refresh())
    wait_for_worker(
        lambda: (
            set(
                ContactDayRefresh.objects.filter(fresh=True, day__in=wanted).values_list(
                    "day", flat=True
                )
            )
            == wanted
        ),
        worker=celery_worker,
    )
    assert today - timedelta(days=40) in wanted  # a day changed since: refreshed however old
    assert ContactDay.objects.exists()
    for filters, figures in live.items():
        assert _summary_read(filters), filters
        assert front_door_figures(filters) == figures, filters

    # A repeat (as a redelivered message would be) changes nothing.
    rows = sorted(
        ContactDay.objects.values_list("day", "code", "purpose", "outcome", "team", "referral", "n")
    )
    contact_days_refresh.delay([str(today - timedelta(days=5))])
    wait_for_worker(
        lambda: celery_worker.log.read_text().count("succeeded") >= 2, worker=celery_worker
    )
    assert (
        sorted(
            ContactDay.objects.values_list(
                "day", "code", "purpose", "outcome", "team", "referral", "n"
            )
        )
        == rows
    )
    for filters, figures in live.items():
        assert front_door_figures(filters) == figures, filters


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the daily summary is kept by PostgreSQL triggers; on SQLite every day is counted live",
)
@pytest.mark.django_db
def test_a_change_to_a_summarised_day_is_counted_live_until_it_is_refreshed(
    practitioner, fc_manager
):
    made = _known_contacts(practitioner, fc_manager)
    today = timezone.localdate()
    for day in days_to_refresh():
        contact_day_refresh(day)
    filters = Filters(start=today - timedelta(days=27), end=today)
    before = front_door_figures(filters)
    assert before["outcome"].totals["decided"] == 14

    # A referral from 12 days ago is authorised today (a saved row)...
    late = made[4]
    late.authorisation = "AUTHORISED"
    late.save(update_fields=["authorisation"])
    # ...and a call is moved a day by a queryset update, as a draft's received time is saved.
    moved = made[3].consultation
    Consultation.objects.filter(pk=moved.pk).update(
        received_at=moved.received_at + timedelta(days=9)
    )
    stale = set(ContactDayRefresh.objects.filter(fresh=False).values_list("day", flat=True))
    assert stale == {
        today - timedelta(days=12),
        today - timedelta(days=20),
        today - timedelta(days=11),
    }
    changed = front_door_figures(filters)
    assert changed["contacts-by-day"].totals["referrals"] == (
        before["contacts-by-day"].totals["referrals"] + 1
    )
    by_day = {row[0]: row[1] for row in changed["contacts-by-day"].rows}
    assert by_day[today - timedelta(days=20)] == 0
    assert by_day[today - timedelta(days=11)] == 2

    for day in days_to_refresh():
        contact_day_refresh(day)
    assert not ContactDayRefresh.objects.filter(fresh=False).exists()
    assert front_door_figures(filters) == changed


@pytest.mark.django_db
def test_today_is_never_summarised_and_the_backfill_fills_every_past_day(practitioner, fc_manager):
    _known_contacts(practitioner, fc_manager)
    today = timezone.localdate()
    with pytest.raises(SummaryError):
        contact_day_refresh(today)
    filters = Filters(start=today - timedelta(days=364), end=today)
    live = contact_cells(filters)
    call_command("contact_days_backfill")
    refreshed = ContactDayRefresh.objects.filter(fresh=True)
    assert refreshed.filter(day=today - timedelta(days=40)).exists()
    assert not ContactDayRefresh.objects.filter(day=today).exists()
    assert not ContactDayRefresh.objects.filter(fresh=False).exists()
    assert sorted(contact_cells(filters), key=repr) == sorted(live, key=repr)
    # Today's contact is still counted, live (a month's range is counted by day).
    month = Filters(start=today - timedelta(days=27), end=today)
    assert sum(cell.n for cell in contact_cells(month) if cell.day == today) == 2
