from django.urls import reverse

from audit.models import AccessLog


def test_the_check_endpoint_answers_allowed_and_why(client_for, family):
    response = client_for("practitioner").get(
        reverse("api-consent-check"), {"child": str(family["child"].pk), "purpose": "REFERRAL"}
    )

    assert response.json() == {
        "allowed": False,
        "reason": "Consent is needed from a person with parental responsibility.",
    }
    assert AccessLog.objects.filter(person_id=family["child"].pk).count() == 1


def test_consent_recorded_through_the_api_changes_the_answer(client_for, family):
    client = client_for("practitioner")

    created = client.post(
        reverse("api-consent-records"),
        {
            "child": str(family["teenager"].pk),
            "purpose": "REFERRAL",
            "status": "GIVEN",
            "given_by": str(family["teenager"].pk),
            "capacity": "YOUNG_PERSON",
            "method": "WRITTEN",
        },
        content_type="application/json",
    )
    check = client.get(
        reverse("api-consent-check"), {"child": str(family["teenager"].pk), "purpose": "REFERRAL"}
    )

    assert created.status_code == 201
    assert check.json()["allowed"] is True


def test_a_rule_broken_through_the_api_is_a_400_naming_the_field(client_for, family):
    response = client_for("practitioner").post(
        reverse("api-consent-records"),
        {
            "child": str(family["child"].pk),
            "purpose": "REFERRAL",
            "status": "GIVEN",
            "given_by": str(family["grandmother"].pk),
            "capacity": "PARENTAL_RESPONSIBILITY",
            "method": "VERBAL",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "given_by" in response.json()


def test_an_exception_created_through_the_api_awaits_approval(client_for, family):
    client = client_for("practitioner")

    client.post(
        reverse("api-consent-exceptions"),
        {
            "child": str(family["child"].pk),
            "purpose": "INFORMATION_SHARING",
            "reason": "PREJUDICES_INVESTIGATION",
            "rationale": "Police investigation under way",
            "family_told": "NO",
            "not_told_reason": "Would prejudice the investigation",
        },
        content_type="application/json",
    )
    check = client.get(
        reverse("api-consent-check"),
        {"child": str(family["child"].pk), "purpose": "INFORMATION_SHARING"},
    )

    assert check.json() == {
        "allowed": False,
        "reason": "Going ahead without consent needs a manager's approval first.",
    }


def test_a_malformed_child_id_is_a_404_not_a_crash(client_for):
    response = client_for("practitioner").get(
        reverse("api-consent-check"), {"child": "nonsense", "purpose": "REFERRAL"}
    )

    assert response.status_code == 404


def test_an_unknown_purpose_is_a_400(client_for, family):
    response = client_for("practitioner").get(
        reverse("api-consent-check"), {"child": str(family["child"].pk), "purpose": "HOLIDAY"}
    )

    assert response.status_code == 400
