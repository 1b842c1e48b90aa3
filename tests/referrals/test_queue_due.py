"""The authorisation queue orders by a copy of each consultation's due time kept on the outcome
(ConsultationChild.decision_due_at), so its page is one index scan (docs/load-test.md). The copy
must move whenever the consultation's clock moves, or managers would work in the wrong order."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from familyfirst.clocks import UK
from people.models import Person
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)
from referrals.selectors import authorisation_queue_page
from referrals.services import (
    consultation_child_add,
    consultation_child_decide,
    consultation_draft_save,
    consultation_start,
)


def _decided(practitioner, child, received_at):
    consultation = consultation_start(practitioner=practitioner, received_at=received_at)
    link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    consultation_child_decide(
        link=link, outcome=Outcome.ADVICE, decided_by=practitioner, services_signposted="FIS"
    )
    return Consultation.objects.get(pk=consultation.pk), ConsultationChild.objects.get(pk=link.pk)


def test_an_outcome_keeps_its_consultations_due_time_when_the_clock_moves(practitioner):
    child = Person.objects.create(given_name="Mia", family_name="Dawson")
    consultation, link = _decided(
        practitioner, child, received_at=datetime(2026, 11, 20, 16, 0, tzinfo=UK)
    )
    assert (
        link.decision_due_at
        == consultation.decision_due_at
        == datetime(2026, 11, 23, 16, 0, tzinfo=UK)
    )

    # The call was logged late: it came in on the Wednesday, so it was due on the Thursday.
    consultation_draft_save(
        consultation=consultation,
        changes={"received_at": datetime(2026, 11, 18, 10, 0, tzinfo=UK)},
        version=consultation.version,
        saved_by=practitioner,
    )

    consultation.refresh_from_db()
    link.refresh_from_db()
    assert consultation.decision_due_at == datetime(2026, 11, 19, 10, 0, tzinfo=UK)
    assert link.decision_due_at == consultation.decision_due_at


def test_a_save_refused_for_a_conflict_leaves_the_due_time_alone(practitioner):
    child = Person.objects.create(given_name="Mia", family_name="Dawson")
    consultation, link = _decided(
        practitioner, child, received_at=datetime(2026, 11, 20, 16, 0, tzinfo=UK)
    )
    consultation_draft_save(
        consultation=consultation, changes={"concerns": "x"}, version=1, saved_by=practitioner
    )

    with pytest.raises(Exception, match="while you were typing"):
        consultation_draft_save(
            consultation=consultation,
            changes={"received_at": datetime(2026, 11, 18, 10, 0, tzinfo=UK)},
            version=1,
            saved_by=practitioner,
        )

    link.refresh_from_db()
    assert link.decision_due_at == datetime(2026, 11, 23, 16, 0, tzinfo=UK)


def test_the_queue_follows_a_moved_clock(client_for, practitioner):
    """Two outcomes waiting; the later one's call turns out to have come in first: a manager
    now sees it first."""
    now = timezone.now()
    first = Person.objects.create(given_name="Amara", family_name="First")
    second = Person.objects.create(given_name="Zoe", family_name="Second")
    _, early = _decided(practitioner, first, received_at=now - timedelta(hours=2))
    moved, late = _decided(practitioner, second, received_at=now - timedelta(hours=1))
    consultation_draft_save(
        consultation=moved,
        changes={"received_at": now - timedelta(hours=3)},
        version=moved.version,
        saved_by=practitioner,
    )
    # Both submitted with a referral purpose would need consent and routing: mark them waiting
    # as submit does, to look at the order alone.
    ConsultationChild.objects.filter(pk__in=[early.pk, late.pk]).update(
        authorisation=AuthorisationStatus.AWAITING
    )
    Consultation.objects.filter(pk__in=[early.consultation_id, late.consultation_id]).update(
        status=ConsultationStatus.AWAITING_AUTHORISATION
    )

    response = client_for("fc_manager").get(reverse("referrals:authorisations"))

    assert [link.pk for link in response.context["page"].object_list] == [late.pk, early.pk]


def test_existing_outcomes_get_their_due_time_from_the_migration(practitioner):
    """The data migration's fill, run again on rows without a copy (as rows made before it)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "referrals.migrations.0006_consultationchild_decision_due_at"
    )
    child = Person.objects.create(given_name="Mia", family_name="Dawson")
    consultation, link = _decided(practitioner, child, received_at=timezone.now())
    ConsultationChild.objects.filter(pk=link.pk).update(decision_due_at=None)

    migration.fill_due_times(apps, None)

    link.refresh_from_db()
    assert link.decision_due_at == consultation.decision_due_at


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="EXPLAIN plans and the index's descending key are PostgreSQL's; SQLite plans differ",
)
def test_the_queue_page_is_an_index_scan_in_order_with_no_sort(practitioner, fc_manager):
    now = timezone.now()
    count = 3000
    consultations = Consultation.objects.bulk_create(
        Consultation(
            reference=f"FC-2026-{number:06d}",
            practitioner=practitioner,
            received_at=now - timedelta(hours=2),
            decision_due_at=now + timedelta(minutes=number % 997),
            status=ConsultationStatus.AWAITING_AUTHORISATION,
        )
        for number in range(1, count + 1)
    )
    children = Person.objects.bulk_create(
        Person(given_name=f"Child{number}", family_name="Waiting") for number in range(300)
    )
    ConsultationChild.objects.bulk_create(
        ConsultationChild(
            consultation=consultation,
            child=children[number % 300],
            outcome=Outcome.SINGLE_AGENCY,
            # Most outcomes were dealt with long ago, as in a real queue.
            authorisation=AuthorisationStatus.AWAITING
            if number % 10 == 0
            else AuthorisationStatus.AUTHORISED,
            urgent=number % 50 == 0,
            decided_by=practitioner,
            decision_due_at=consultation.decision_due_at,
        )
        for number, consultation in enumerate(consultations)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_consultation, referrals_consultationchild, people_person")

    # The first page's query, as the queue view runs it.
    queryset = authorisation_queue_page(user=fc_manager).paginator.object_list[:50]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "consultation_child_queue" in plan, plan
    assert "Sort" not in plan, plan  # the index gives the order: nothing sorts 300 rows
