"""The plans API, through the API, as a case worker's system would call it."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from plans.models import Plan


def _json(client, name, data, **kwargs):
    return client.post(reverse(name, kwargs=kwargs), data, content_type="application/json")


def test_a_plan_is_started_given_actions_and_reviewed_through_the_api(
    allocated_case, agencies, client_for
):
    client = client_for("rugby_fhlp")

    started = _json(
        client,
        "plans-api:plan-start",
        {"outcomes": [{"title": "Mia gets to school on time", "family_words": "Calmer mornings"}]},
        case_id=allocated_case.pk,
    )
    assert started.status_code == 201, started.content
    plan = started.json()
    outcome = plan["outcomes"][0]["id"]
    action = _json(
        client,
        "plans-api:action-list",
        {
            "outcome": outcome,
            "what": "Breakfast club",
            "owner": "AGENCY",
            "agency": agencies["school"].pk,
            "agency_contact": "Mrs Patel",
            "due_date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        },
        plan_id=plan["id"],
    )
    assert action.status_code == 201, action.content
    done = _json(
        client,
        "plans-api:action-status",
        {"status": "DONE"},
        plan_id=plan["id"],
        action_id=action.json()["id"],
    )
    review = _json(
        client,
        "plans-api:review-list",
        {
            "held_on": timezone.localdate().isoformat(),
            "attendees": "Claire and Mia",
            "scores": [{"outcome": outcome, "family_score": 8, "worker_score": 7}],
            "decision": "CONTINUE",
        },
        plan_id=plan["id"],
    )

    assert done.json()["status"] == "DONE"
    assert review.status_code == 201, review.content
    detail = client.get(reverse("plans-api:plan-detail", args=[plan["id"]])).json()
    assert detail["reviews"][0]["scores"] == [
        {"outcome": outcome, "family_score": 8, "worker_score": 7}
    ]
    six_months = timezone.localdate() + relativedelta(months=6)
    assert detail["next_review_date"] == six_months.isoformat()


def test_a_refusal_is_a_400_naming_the_field_with_nothing_changed(allocated_case, client_for):
    refused = _json(
        client_for("rugby_fhlp"),
        "plans-api:plan-start",
        {"outcomes": [{"title": "   "}]},
        case_id=allocated_case.pk,
    )

    assert refused.status_code == 400
    assert Plan.objects.filter(case=allocated_case).count() == 0


def test_the_plan_list_logs_one_row_per_child_listed(plan, client_for):
    client = client_for("team_manager")
    before = AccessLog.objects.count()

    listed = client.get(reverse("plans-api:plan-list"))

    assert [row["id"] for row in listed.json()["results"]] == [str(plan.pk)]
    assert AccessLog.objects.count() - before == 1


def test_a_family_network_referral_passes_the_consent_gate_through_the_api(
    allocated_case, network_consent, client_for
):
    made = _json(
        client_for("rugby_fhlp"),
        "plans-api:network-list",
        {"case": str(allocated_case.pk), "reason": "Grandmother offers help"},
    )

    assert made.status_code == 201, made.content
    seen = client_for("fnm_coordinator").get(
        reverse("plans-api:network-detail", args=[made.json()["id"]])
    )
    assert seen.json()["status"] == "WAITING"


def test_flags_are_set_and_read_through_the_api(rugby_family, client_for):
    client = client_for("practitioner")
    child = rugby_family["child"]

    made = _json(
        client,
        "plans-api:flag-list",
        {
            "kind": "KINSHIP_CARE",
            "start_date": timezone.localdate().isoformat(),
            "kinship_arrangement": "CAO",
        },
        person_id=child.pk,
    )
    listed = client.get(reverse("plans-api:flag-list", args=[child.pk])).json()

    assert made.status_code == 201, made.content
    assert listed[0]["kinship_arrangement"] == "CAO"


def test_the_plans_api_is_in_the_openapi_schema(client_for):
    schema = client_for("rugby_fhlp").get(reverse("api-schema")).content.decode()

    for path in [
        "/api/v1/plans/",
        "/api/v1/plans/{plan_id}/actions/",
        "/api/v1/plans/{plan_id}/reviews/",
        "/api/v1/plans/family-network/",
        "/api/v1/plans/people/{person_id}/flags/",
    ]:
        assert path in schema
