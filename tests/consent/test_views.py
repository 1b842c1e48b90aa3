import re

import pytest
from django.urls import reverse

from consent.models import ConsentException, ConsentRecord, ConsentStatus, SharingRecord
from consent.services import sharing_record


def _answer_url(child):
    return reverse("consent:answer-create", kwargs={"person_id": child.pk})


def test_the_consent_page_shows_each_purpose_with_the_gates_answer(client_for, family):
    response = client_for("practitioner").get(
        reverse("consent:child-consent", kwargs={"person_id": family["child"].pk})
    )

    content = response.content.decode()
    assert content.count("Cannot go ahead yet") == 3
    # Immediate protection never waits for consent: the panel says what is still needed instead.
    assert "Still needed: the reason consent is not sought" in content
    assert "Consent is needed from a person with parental responsibility." in content
    assert "How to explain consent to the family" in content


def test_recording_a_parents_consent_lets_the_referral_go_ahead(client_for, family):
    client = client_for("practitioner")

    response = client.post(
        _answer_url(family["child"]),
        {
            "purpose": "REFERRAL",
            "status": "GIVEN",
            "given_by": family["mother"].pk,
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "VERBAL",
            "scope": "",
        },
        follow=True,
    )

    assert ConsentRecord.objects.get().status == ConsentStatus.GIVEN
    assert "Consent was given by Claire Dawson." in response.content.decode()


def test_a_grandmother_without_parental_responsibility_is_refused_beside_the_field_keeping_the_answers(
    client_for, family
):
    response = client_for("practitioner").post(
        _answer_url(family["child"]),
        {
            "purpose": "REFERRAL",
            "status": "GIVEN",
            "given_by": family["grandmother"].pk,
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "WRITTEN",
            "scope": "Only the school nurse",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Error: Record an answer about consent" in content
    assert "is not recorded as holding parental responsibility" in content
    assert "Only the school nurse" in content
    assert re.search(r'value="WRITTEN"\s+checked="checked"', content)
    assert not ConsentRecord.objects.exists()


def test_an_empty_form_lists_what_is_missing(client_for, family):
    response = client_for("practitioner").post(_answer_url(family["child"]), {})

    content = response.content.decode()
    assert "Choose what consent is for" in content
    assert "Choose the answer" in content


def test_going_ahead_without_consent_waits_for_a_manager_then_goes_ahead(client_for, family):
    practitioner_client = client_for("practitioner")
    practitioner_client.post(
        reverse("consent:exception-create", kwargs={"person_id": family["child"].pk}),
        {
            "purpose": "REFERRAL",
            "reason": "INCREASES_RISK",
            "rationale": "Would alert the alleged perpetrator",
            "family_told": "NOT_YET",
        },
    )
    exception = ConsentException.objects.get()
    manager_client = client_for("fc_manager")

    queue = manager_client.get(reverse("consent:exception-queue"))
    approved = manager_client.post(
        reverse("consent:exception-approve", kwargs={"exception_id": exception.pk}),
        {"confirm": "on"},
    )

    assert "Mia Dawson" in queue.content.decode()
    assert approved.status_code == 302
    exception.refresh_from_db()
    assert exception.approved_by.username == "martin.manager"
    page = practitioner_client.get(
        reverse("consent:child-consent", kwargs={"person_id": family["child"].pk})
    )
    assert (
        "Going ahead without consent: seeking consent would increase the risk of harm"
        in page.content.decode()
    )


def test_a_manager_cannot_approve_their_own_decision_through_the_page(client_for, family):
    manager_client = client_for("fc_manager")
    manager_client.post(
        reverse("consent:exception-create", kwargs={"person_id": family["child"].pk}),
        {
            "purpose": "REFERRAL",
            "reason": "CANNOT_OBTAIN",
            "rationale": "No reply to three calls",
            "family_told": "NOT_YET",
        },
    )
    exception = ConsentException.objects.get()

    response = manager_client.post(
        reverse("consent:exception-approve", kwargs={"exception_id": exception.pk}),
        {"confirm": "on"},
    )

    assert "Nobody can approve their own decision" in response.content.decode()
    exception.refresh_from_db()
    assert exception.approved_by is None


def test_withdrawing_through_the_page_needs_a_reason(client_for, family, practitioner):
    client = client_for("practitioner")
    client.post(
        _answer_url(family["child"]),
        {
            "purpose": "REFERRAL",
            "status": "GIVEN",
            "given_by": family["mother"].pk,
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "VERBAL",
        },
    )
    consent = ConsentRecord.objects.get()
    url = reverse("consent:withdraw", kwargs={"consent_id": consent.pk})

    empty = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Family moved to Coventry"}, follow=True)

    assert "Enter why consent was withdrawn" in empty.content.decode()
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert "withdrew consent" in done.content.decode()


def test_the_sharing_log_lists_decisions_for_auditors(client_for, family, practitioner):
    sharing_record(
        child=family["child"],
        what="Consultation feedback letter",
        agency="Rugby High School",
        purpose="Feedback to the referrer",
        lawful_basis="ART_6_1_E",
        decision="WITHHELD",
        reason="Referrer asked for no letter",
        decided_by=practitioner,
    )

    response = client_for("auditor").get(reverse("consent:sharing-log"))

    assert "Rugby High School" in response.content.decode()
    assert SharingRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_consent_page_runs_a_bounded_number_of_queries(
    client_for, family, practitioner, django_assert_max_num_queries
):
    client = client_for("practitioner")
    for _ in range(5):
        answered = client.post(
            _answer_url(family["child"]),
            {
                "purpose": "REFERRAL",
                "status": "GIVEN",
                "given_by": family["mother"].pk,
                "capacity": "PARENTAL_RESPONSIBILITY",
                "method": "VERBAL",
            },
        )
        assert answered.status_code == 302

    with django_assert_max_num_queries(25):
        response = client.get(
            reverse("consent:child-consent", kwargs={"person_id": family["child"].pk})
        )

    assert response.status_code == 200
    assert response.content.decode().count("Claire Dawson") >= 5


def test_the_approval_queue_logs_each_child_it_names(client_for, family):
    from audit.models import AccessLog

    client_for("practitioner").post(
        reverse("consent:exception-create", kwargs={"person_id": family["child"].pk}),
        {
            "purpose": "REFERRAL",
            "reason": "CANNOT_OBTAIN",
            "rationale": "No reply",
            "family_told": "NOT_YET",
        },
    )

    client_for("fc_manager").get(reverse("consent:exception-queue"))

    assert (
        AccessLog.objects.filter(
            record_type="consent-approval-queue", person_id=family["child"].pk
        ).count()
        == 1
    )
