"""Every list is paginated, and logs access for the children on the page shown only; a page
costs the same queries however many children or rows it could show (bench/results/load.json)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from people.models import Person
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationChild,
    ConsultationStatus,
    Outcome,
)
from tests.referrals.permissions import JOURNEY_PAGES


def _waiting(practitioner, count):
    """``count`` outcomes waiting for a manager, each about a different child, in bulk."""
    now = timezone.now()
    consultations = Consultation.objects.bulk_create(
        Consultation(
            reference=f"FC-2026-{number:06d}",
            practitioner=practitioner,
            received_at=now - timedelta(hours=2),
            decision_due_at=now + timedelta(minutes=number),
            status=ConsultationStatus.AWAITING_AUTHORISATION,
        )
        for number in range(1, count + 1)
    )
    children = Person.objects.bulk_create(
        Person(given_name=f"Child{number}", family_name="Waiting") for number in range(count)
    )
    return ConsultationChild.objects.bulk_create(
        ConsultationChild(
            consultation=consultation,
            child=child,
            outcome=Outcome.SINGLE_AGENCY,
            authorisation=AuthorisationStatus.AWAITING,
            decided_by=practitioner,
            decision_due_at=consultation.decision_due_at,
        )
        for consultation, child in zip(consultations, children, strict=True)
    )


def test_the_authorisation_queue_shows_fifty_a_page_and_logs_only_the_children_shown(
    client_for, practitioner
):
    links = _waiting(practitioner, 60)
    client = client_for("fc_manager")

    first = client.get(reverse("referrals:authorisations"))
    logged_first = set(
        AccessLog.objects.filter(record_type="authorisation-queue").values_list(
            "person_id", flat=True
        )
    )
    second = client.get(reverse("referrals:authorisations"), {"page": 2})

    shown = list(first.context["page"].object_list) + list(second.context["page"].object_list)
    assert [link.pk for link in shown] == [link.pk for link in links]  # soonest due first
    assert logged_first == {link.child_id for link in links[:50]}
    assert AccessLog.objects.filter(record_type="authorisation-queue").count() == 60
    assert "60 waiting" in first.content.decode()
    assert "Showing 51 to 60" in second.content.decode()
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("waiting", [1, 200])
def test_the_authorisation_queue_costs_the_same_queries_however_many_wait(
    client_for, practitioner, waiting, django_assert_max_num_queries
):
    _waiting(practitioner, waiting)
    client = client_for("fc_manager")

    with django_assert_max_num_queries(12):
        response = client.get(reverse("referrals:authorisations"))

    assert len(response.context["page"].object_list) == min(waiting, 50)


def test_my_drafts_show_twenty_five_a_page_the_last_saved_first(client_for, practitioner):
    now = timezone.now()
    Consultation.objects.bulk_create(
        Consultation(
            reference=f"FC-2026-{number:06d}",
            practitioner=practitioner,
            received_at=now,
            decision_due_at=now + timedelta(days=1),
        )
        for number in range(1, 31)
    )
    client = client_for("practitioner")

    first = client.get(reverse("referrals:consultation-new"))
    second = client.get(reverse("referrals:consultation-new"), {"page": 2})

    drafts = list(first.context["drafts"].object_list) + list(second.context["drafts"].object_list)
    assert len(first.context["drafts"].object_list) == 25
    assert len({draft.pk for draft in drafts}) == 30
    assert [d.updated_at for d in drafts] == sorted((d.updated_at for d in drafts), reverse=True)
    assert "Showing 26 to 30" in second.content.decode()


def _consultation_about(practitioner, children: int) -> Consultation:
    from referrals.services import consultation_start

    consultation = consultation_start(practitioner=practitioner)
    kids = Person.objects.bulk_create(
        Person(given_name=f"Child{number}", family_name="Many") for number in range(children)
    )
    ConsultationChild.objects.bulk_create(
        ConsultationChild(consultation=consultation, child=child) for child in kids
    )
    return consultation


@pytest.mark.parametrize("step", JOURNEY_PAGES)
def test_a_consultation_step_costs_the_same_queries_for_one_child_and_thirty(
    client_for, practitioner, step
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("practitioner")
    counts = []
    for children in (1, 30):
        consultation = _consultation_about(practitioner, children)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(step, kwargs={"consultation_id": consultation.pk}))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], f"{step}: {counts[0]} queries for 1 child, {counts[1]} for 30"


def test_the_queue_filter_offers_every_practitioner_and_keeps_the_one_chosen(
    client_for, practitioner, fc_manager
):
    response = client_for("fc_manager").get(
        reverse("referrals:queue"), {"practitioner": practitioner.pk}
    )

    page = response.content.decode()
    assert '<option value="">Anyone</option>' in page
    assert f'<option value="{practitioner.pk}" selected>{practitioner}</option>' in page
    assert f'<option value="{fc_manager.pk}">{fc_manager}</option>' in page
