"""Two managers working the authorisation queue at once (the load test found the second one
meeting "Page not found")."""

from django.urls import reverse

from audit.models import AccessLog
from referrals.models import AuthorisationStatus
from referrals.services import consultation_child_authorise
from tests.referrals.test_views import _awaiting


def test_an_outcome_another_manager_has_authorised_sends_you_back_to_the_queue_saying_so(
    client_for, practitioner, fc_manager, family
):
    link = _awaiting(practitioner, family["child"])
    consultation_child_authorise(link=link, manager=fc_manager)
    logged = AccessLog.objects.count()

    response = client_for("fc_manager").get(
        reverse("referrals:authorise", kwargs={"link_id": link.pk}), follow=True
    )

    assert response.redirect_chain[0][0] == reverse("referrals:authorisations")
    assert "Another manager has already dealt with that outcome" in response.content.decode()
    link.refresh_from_db()
    assert link.authorisation == AuthorisationStatus.AUTHORISED
    # The queue page logs what it lists (nothing now); the decided outcome is not shown again.
    assert AccessLog.objects.count() == logged


def test_an_outcome_that_never_waited_for_a_manager_is_not_found(client_for, practitioner, family):
    from referrals.services import consultation_child_add, consultation_start

    consultation = consultation_start(practitioner=practitioner)
    link = consultation_child_add(
        consultation=consultation, child=family["child"], added_by=practitioner
    )

    response = client_for("fc_manager").get(
        reverse("referrals:authorise", kwargs={"link_id": link.pk})
    )

    assert link.authorisation == AuthorisationStatus.NOT_NEEDED
    assert response.status_code == 404
