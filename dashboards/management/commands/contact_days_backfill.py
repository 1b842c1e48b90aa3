from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboards.summary import contact_day_refresh
from referrals.models import Consultation


class Command(BaseCommand):
    help = (
        "Fill the front door's daily contact summary for a range of past days (default: from "
        "the first consultation to yesterday). Safe to run again: each day is re-counted in full."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", type=date.fromisoformat)
        parser.add_argument("--end", type=date.fromisoformat)

    def handle(self, *args, start=None, end=None, **options):
        yesterday = timezone.localdate() - timedelta(days=1)
        end = min(end or yesterday, yesterday)
        if start is None:
            first = (
                Consultation.objects.order_by("received_at")
                .values_list("received_at", flat=True)
                .first()
            )
            start = timezone.localdate(first) if first else end
        if start > end:
            raise CommandError("The start is after the end (or after yesterday)")
        day, days, rows = start, 0, 0
        while day <= end:
            rows += contact_day_refresh(day)
            day, days = day + timedelta(days=1), days + 1
        self.stdout.write(f"Summarised {days} days ({rows} rows), {start} to {end}.")
