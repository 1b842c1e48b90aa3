from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from referrals.models import AuthorisationStatus, Consultation, ConsultationChild, Outcome
from referrals.selectors import QUEUE_PAGE_SIZE
from referrals.services import consultation_child_add, consultation_child_decide, consultation_start


def _consultations(practitioner, count, *, start=None):
    start = start or timezone.now() - timedelta(days=1)
    return [
        consultation_start(practitioner=practitioner, received_at=start + timedelta(minutes=i))
        for i in range(count)
    ]


def test_the_queue_lists_open_consultations_soonest_due_first_with_their_clocks(
    client_for, practitioner
):
    overdue = consultation_start(
        practitioner=practitioner, received_at=timezone.now() - timedelta(days=6)
    )
    fresh = consultation_start(practitioner=practitioner, received_at=timezone.now())

    response = client_for("practitioner").get(reverse("referrals:queue"))

    rows = response.context["rows"]
    assert [row.consultation for row in rows] == [overdue, fresh]
    assert [row.rag for row in rows] == ["RED", "GREEN"]
    assert "Overdue" in response.content.decode()


def test_the_queue_filters_by_practitioner(client_for, practitioner, fc_manager):
    mine = consultation_start(practitioner=practitioner)
    consultation_start(practitioner=fc_manager)

    response = client_for("fc_manager").get(
        reverse("referrals:queue"), {"practitioner": practitioner.pk}
    )

    assert [row.consultation for row in response.context["rows"]] == [mine]


@pytest.mark.parametrize("count", [10, 300])
def test_the_queue_runs_the_same_bounded_number_of_queries_however_long(
    client_for, practitioner, count, django_assert_max_num_queries
):
    _consultations(practitioner, count)
    client = client_for("practitioner")

    with django_assert_max_num_queries(15):
        response = client.get(reverse("referrals:queue"))

    assert len(response.context["rows"]) == min(count, QUEUE_PAGE_SIZE)
    assert f"{count} open" in response.content.decode()


def test_a_long_queue_shows_fifty_a_page_soonest_due_first(client_for, practitioner):
    assert QUEUE_PAGE_SIZE == 50
    made = _consultations(practitioner, 120)
    client = client_for("practitioner")

    pages = [client.get(reverse("referrals:queue"), {"page": n}) for n in (1, 2, 3)]

    shown = [row.consultation for page in pages for row in page.context["rows"]]
    assert shown == sorted(made, key=lambda c: (c.decision_due_at, c.reference))
    assert "Showing 101 to 120" in pages[2].content.decode()


def _awaiting(practitioner, child):
    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    consultation.purpose = "REFERRAL"
    consultation.save(update_fields=["purpose"])
    return consultation_child_decide(
        link=link, outcome=Outcome.SINGLE_AGENCY, decided_by=practitioner
    )


def test_a_manager_authorises_from_the_queue(client_for, practitioner, family):
    link = _awaiting(practitioner, family["child"])
    client = client_for("fc_manager")

    listing = client.get(reverse("referrals:authorisations"))
    response = client.post(
        reverse("referrals:authorise", kwargs={"link_id": link.pk}), {"decision": "AUTHORISE"}
    )

    assert "Mia Dawson" in listing.content.decode()
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.authorisation == AuthorisationStatus.AUTHORISED
    assert not Case.objects.exists()  # single agency support opens no case


def test_returning_a_decision_needs_a_note(client_for, practitioner, family):
    link = _awaiting(practitioner, family["child"])
    client = client_for("fc_manager")

    response = client.post(
        reverse("referrals:authorise", kwargs={"link_id": link.pk}),
        {"decision": "RETURN", "note": ""},
    )

    assert "Say what needs to change" in response.content.decode()
    link.refresh_from_db()
    assert link.authorisation == AuthorisationStatus.AWAITING


def test_a_manager_cannot_authorise_their_own_decision_through_the_page(
    client_for, fc_manager, family
):
    link = _awaiting(fc_manager, family["child"])

    response = client_for("fc_manager").post(
        reverse("referrals:authorise", kwargs={"link_id": link.pk}), {"decision": "AUTHORISE"}
    )

    assert "Nobody can authorise their own decision" in response.content.decode()
    assert ConsultationChild.objects.get().authorisation == AuthorisationStatus.AWAITING
    assert Consultation.objects.count() == 1


def test_the_authorisation_queue_logs_each_child_it_names(client_for, practitioner, family):
    from audit.models import AccessLog

    link = _awaiting(practitioner, family["child"])

    client_for("fc_manager").get(reverse("referrals:authorisations"))

    row = AccessLog.objects.get(record_type="authorisation-queue")
    assert (row.person_id, row.user.username) == (link.child_id, "martin.manager")
