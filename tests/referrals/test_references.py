"""Consultation references: FC-<year>-<number>, never given twice, even to starts at the same
moment (a busy Monday morning: bench/results/load.json found 13 of 30 failing)."""

import threading
from datetime import datetime

import pytest
from django.db import connection

from familyfirst.clocks import UK
from referrals.models import Consultation
from referrals.services import consultation_start


def test_references_count_up_within_a_year_and_start_again_the_next(practitioner):
    first = consultation_start(
        practitioner=practitioner, received_at=datetime(2026, 12, 31, 16, 0, tzinfo=UK)
    )
    second = consultation_start(
        practitioner=practitioner, received_at=datetime(2026, 12, 31, 17, 0, tzinfo=UK)
    )
    next_year = consultation_start(
        practitioner=practitioner, received_at=datetime(2027, 1, 4, 9, 0, tzinfo=UK)
    )

    assert [first.reference, second.reference, next_year.reference] == [
        "FC-2026-000001",
        "FC-2026-000002",
        "FC-2027-000001",
    ]


def test_a_reference_written_some_other_way_is_stepped_over(practitioner):
    Consultation.objects.create(
        reference="FC-2026-000041",
        practitioner=practitioner,
        received_at=datetime(2026, 6, 1, 9, 0, tzinfo=UK),
        decision_due_at=datetime(2026, 6, 2, 9, 0, tzinfo=UK),
    )

    started = consultation_start(
        practitioner=practitioner, received_at=datetime(2026, 6, 1, 10, 0, tzinfo=UK)
    )

    assert started.reference == "FC-2026-000042"


@pytest.mark.django_db(transaction=True)
def test_thirty_consultations_started_at_once_get_thirty_different_references(practitioner):
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL: SQLite lets one writer in at a time, so nothing races")
    starts = 30
    barrier = threading.Barrier(starts)
    references, errors = [], []

    def start():
        try:
            barrier.wait(timeout=30)
            references.append(consultation_start(practitioner=practitioner).reference)
        except Exception as error:  # noqa: BLE001 - every failure is the finding
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(starts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(references) == starts
    assert len(set(references)) == starts
    assert Consultation.objects.count() == starts
