"""The chronology list and the API (docs/pathway.md): a fixed number of queries at any length,
the restriction rule, and one access-log row per person shown."""

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from pathway.models import ChronologyEntry
from pathway.services import assessment_start, chronology_entry_record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("events", [1, 30])
def test_the_chronology_page_runs_a_fixed_number_of_queries_at_any_length(
    events, fhlp_case, rugby_fhlp, rugby_family, client_for, django_assert_max_num_queries
):
    for number in range(events):
        chronology_entry_record(
            case=fhlp_case,
            occurred_on=timezone.localdate(),
            what=f"Event {number}",
            source="School",
            impact="Missed lessons",
            about_person=rugby_family["child"],
            by=rugby_fhlp,
        )
    client = client_for("rugby_fhlp")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("pathway:chronology", args=[fhlp_case.pk]))
    html = response.content.decode()
    assert html.count('data-kind="significant"') == events
    assert 'data-kind="system"' in html  # the case's own events, from the child's chronology


def test_the_chronology_filters_and_logs_each_person_on_the_family(
    fhlp_case, rugby_fhlp, rugby_family, client_for
):
    chronology_entry_record(
        case=fhlp_case,
        occurred_on=timezone.localdate().replace(year=2024),
        what="Moved to Rugby",
        source="Mother",
        impact="New school",
        by=rugby_fhlp,
    )
    client = client_for("rugby_fhlp")
    before = AccessLog.objects.count()
    url = reverse("pathway:chronology", args=[fhlp_case.pk])
    html = client.get(url, {"source": "significant", "until": "31/12/2024"}).content.decode()
    assert "Moved to Rugby" in html and 'data-kind="system"' not in html
    logged = {str(row.person_id) for row in AccessLog.objects.order_by("id")[before:]}
    # Mia and the people related to her: her mother and grandmother.
    family = {rugby_family[key].pk for key in ("child", "mother", "grandmother")}
    assert logged == {str(pk) for pk in family}
    html = client.get(url, {"since": "not a date"}).content.decode()
    assert "Enter a date like 1/1/2026" in html


def test_a_significant_event_is_recorded_and_listed_through_the_api(
    fhlp_case, rugby_family, client_for
):
    client = client_for("rugby_fhlp")
    url = reverse("pathway-api:chronology", args=[fhlp_case.pk])
    refused = client.post(url, {"occurred_on": "2026-01-05", "what": "Evicted"})
    assert refused.status_code == 400 and "source" in refused.json()
    made = client.post(
        url,
        {
            "occurred_on": "2026-01-05",
            "what": "Evicted",
            "source": "Housing officer",
            "impact": "Changed school",
            "about_person": str(rugby_family["child"].pk),
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert ChronologyEntry.objects.get().about_person == rugby_family["child"]
    listed = client.get(url).json()
    assert [row["what"] for row in listed["results"]] == ["Evicted"]
    assert client_for("warwick_fhlp").get(url).status_code == 404


def test_the_api_gives_the_assessment_with_its_parts_to_the_team_only(
    fhlp_case, rugby_fhlp, rugby_family, client_for
):
    assessment = assessment_start(
        case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    client = client_for("team_manager")
    listed = client.get(reverse("pathway-api:assessment-list"), {"case": str(fhlp_case.pk)})
    assert [a["id"] for a in listed.json()["results"]] == [str(assessment.pk)]
    detail = client.get(reverse("pathway-api:assessment-detail", args=[assessment.pk])).json()
    assert detail["current"]["status"] == "DRAFT"
    assert detail["current"]["situation"] == [] and detail["kind"] == "FHA"
    assert (
        client_for("warwick_fhlp").get(reverse("pathway-api:assessment-list")).json()["results"]
        == []
    )
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/assessments/{assessment_id}/" in schema
    assert "/api/v1/assessments/cases/{case_id}/chronology/" in schema


def test_a_restricted_child_s_assessment_is_not_shown(
    fhlp_case, rugby_fhlp, rugby_family, client_for
):
    assessment = assessment_start(
        case=fhlp_case,
        kind="FHA",
        children=[rugby_family["child"], rugby_family["teenager"]],
        started_by=rugby_fhlp,
    )
    teenager = rugby_family["teenager"]
    teenager.restricted = True
    teenager.restriction_category = "OTHER"
    teenager.save(update_fields=["restricted", "restriction_category"])
    client = client_for("rugby_fhlp")
    response = client.get(reverse("pathway:assessment", args=[assessment.pk]))
    assert response.status_code == 404
    # Nor on the case page, which opens the case itself and then lists its assessments.
    case_page = client.get(reverse("cases:case", args=[fhlp_case.pk]))
    assert case_page.status_code == 200
    assert str(assessment.pk) not in case_page.content.decode()


def test_the_demo_adds_one_assessment_in_progress_once(fhlp_case, rugby_fhlp, client_for):
    from pathway.demo import demo_assessments_ensure

    assert demo_assessments_ensure() == 1
    assert demo_assessments_ensure() == 0
    assessment = fhlp_case.assessments.get()
    assert assessment.versions.get().situation_entries.count() == 2
    page = client_for("rugby_fhlp").get(reverse("pathway:assessment", args=[assessment.pk]))
    assert "Mornings have been hard since we moved" in page.content.decode()
