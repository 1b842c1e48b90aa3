"""The child protection API, as the statutory returns (and other systems) will read it."""

from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from protection.models import ProtectionPlan, Section47Enquiry
from tests.protection.conftest import last_working_day_before
from tests.protection.test_services import _icpc, _s47, _substantiated


def test_enquiries_and_plans_carry_the_cin_census_fields(
    discussion, lcpp, macpt_manager, client_for
):
    enquiry = _substantiated(_s47(discussion, lcpp), lcpp)
    held_on = last_working_day_before(timezone.localdate(), 1)
    _icpc(enquiry, macpt_manager, lcpp, held_on=held_on)
    client = client_for("lcpp")

    enquiries = client.get(reverse("protection-api:enquiry-list")).json()["results"]
    plan = ProtectionPlan.objects.get()
    plans = client.get(reverse("protection-api:plan-list")).json()["results"]

    assert enquiries[0]["census"] == {
        "S47ActualStartDate": enquiry.start_date.isoformat(),
        "InitialCPCtarget": enquiry.icpc_target_date.isoformat(),
        "DateOfInitialCPC": held_on.isoformat(),
        "ICPCnotRequired": False,
    }
    assert plans[0]["census"] == {
        "CPPstartDate": held_on.isoformat(),
        "CPPendDate": None,
        "InitialCategoryOfAbuse": "PHY",
        "LatestCategoryOfAbuse": "PHY",
        "NumberOfPreviousCPP": 0,
        "CPPreviewDate": [],
    }
    assert plans[0]["next_review_due"] == plan.reviews.get().due_date.isoformat()
    assert plans[0]["child"] == str(discussion.case.child_id)


def test_a_strategy_discussion_is_read_with_who_took_part_and_what_was_shared(
    discussion, lcpp, client_for
):
    _s47(discussion, lcpp)
    before = AccessLog.objects.count()

    body = client_for("lcpp").get(reverse("protection-api:strategy", args=[discussion.pk])).json()

    assert body["decision"] == "S47_JOINT"
    assert {"agency": "POLICE", "name": "DC Sam Reed", "took_part": True} in body["attendees"]
    assert body["information"][0]["source"] == "POLICE"
    assert AccessLog.objects.count() == before + 1
    assert str(AccessLog.objects.latest("id").person_id) == str(discussion.case.child_id)


def test_outside_the_macpt_the_records_are_not_found_or_listed(discussion, lcpp, client_for):
    enquiry = _s47(discussion, lcpp)
    other = client_for("rugby_fhlp")

    assert other.get(reverse("protection-api:enquiry", args=[enquiry.pk])).status_code == 404
    assert other.get(reverse("protection-api:enquiry-list")).json()["count"] == 0
    assert client_for("practitioner").get(reverse("protection-api:plan-list")).status_code == 403
    assert Section47Enquiry.objects.count() == 1


def test_the_openapi_schema_describes_the_protection_endpoints(client_for):
    schema = client_for("lcpp").get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    for path in [
        "/api/v1/protection/strategy-discussions/",
        "/api/v1/protection/section-47-enquiries/{id}/",
        "/api/v1/protection/conferences/",
        "/api/v1/protection/plans/",
    ]:
        assert path in paths
    assert "InitialCPCtarget" in schema["components"]["schemas"]["Section47Census"]["properties"]
