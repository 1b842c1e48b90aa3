"""The escalation task run by a real Celery worker: the managers are warned once and breaches
are marked, however many times beat sends it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.services import consultation_start
from referrals.tasks import consultation_clock_sweep
from tests.workers import celery_worker, redis_server, smtp_sink  # noqa: F401 - fixtures

pytestmark = pytest.mark.worker


def _finished(log: str) -> int:
    """How many clock sweeps the worker's log reports as done."""
    return sum(
        1
        for line in log.splitlines()
        if "referrals.tasks.consultation_clock_sweep[" in line and " succeeded in " in line
    )


def test_the_clock_sweep_in_a_worker_warns_the_managers_once_and_marks_breaches(
    celery_worker,  # noqa: F811
    smtp_sink,  # noqa: F811
    practitioner,
    fc_manager,
):
    overdue = consultation_start(
        practitioner=practitioner, received_at=timezone.now() - timedelta(days=5)
    )

    consultation_clock_sweep.delay()
    consultation_clock_sweep.delay()

    # Wait for the worker to finish both sweeps (its log says so), not for a fixed time.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log = celery_worker.log.read_text(errors="replace")
        if _finished(log) >= 2:
            break
        time.sleep(0.2)
    overdue.refresh_from_db()
    assert overdue.escalated_at is not None and overdue.breached_at is not None
    warnings = smtp_sink.messages()
    assert len(warnings) == 1, celery_worker.log.read_text()[-3000:]
    assert warnings[0]["to"] == [fc_manager.email]
    assert overdue.reference in warnings[0]["raw"]
