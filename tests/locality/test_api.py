import pytest
from django.urls import reverse

from audit.models import AccessLog

pytestmark = pytest.mark.usefixtures("postcodes")

RESOLVE = reverse("locality-api-routing-resolve")


def postcode_url(postcode):
    return reverse("locality-api-postcode", kwargs={"postcode": postcode})


def test_localities_lists_the_five_districts_with_area_and_family_help_team(client_for):
    response = client_for("practitioner").get(reverse("locality-api-localities"))

    rugby = next(row for row in response.json() if row["ons_code"] == "E07000220")
    assert len(response.json()) == 5
    assert rugby["area"] == {"code": "east", "name": "East"}
    assert rugby["family_help_team"]["slug"] == "family-help-rugby"


def test_teams_lists_active_teams_with_contact_details(client_for):
    response = client_for("rugby_fhlp").get(reverse("locality-api-teams"))

    teams = {row["slug"]: row for row in response.json()}
    assert len(teams) == 15
    assert set(teams["macpt-north"]["areas"]) == {"north", "east"}
    assert (teams["family-network-service"]["phone"], teams["family-network-service"]["email"]) == (
        "01926 414147",
        "fns@warwickshire.gov.uk",
    )
    assert teams["family-help-rugby"]["district"] == "E07000220"


def test_a_full_postcode_gives_district_locality_area_and_in_county(client_for):
    response = client_for("practitioner").get(postcode_url("cv21 2ab"))

    body = response.json()
    assert response.status_code == 200
    assert (body["postcode"], body["status"], body["in_county"], body["la_code"]) == (
        "CV21 2AB",
        "IN_COUNTY",
        True,
        "E07000220",
    )
    assert body["district"]["name"] == "Rugby"
    assert body["area"]["name"] == "East"
    assert body["locality"]["family_help_team"]["slug"] == "family-help-rugby"


def test_a_split_outward_code_gives_candidates_and_no_district(client_for):
    response = client_for("practitioner").get(postcode_url("CV23"))

    body = response.json()
    assert (response.status_code, body["status"], body["in_county"], body["district"]) == (
        200,
        "CHOOSE_DISTRICT",
        None,
        None,
    )
    assert {row["name"] for row in body["candidates"]} == {"Rugby", "Stratford-on-Avon", "Warwick"}
    assert body["outside_la_codes"] == ["E06000062"]


def test_a_postcode_outside_warwickshire_gives_its_local_authority(client_for):
    response = client_for("practitioner").get(postcode_url("CV1 2AA"))

    body = response.json()
    assert (response.status_code, body["status"], body["in_county"], body["la_code"]) == (
        200,
        "OUTSIDE_COUNTY",
        False,
        "E08000026",
    )


@pytest.mark.parametrize(
    ("postcode", "status", "starts"),
    [
        ("CV99 9ZZ", 404, "CV99 9ZZ is not in the ONS Postcode Directory"),
        ("XX", 400, "Enter a real postcode"),
    ],
)
def test_a_missing_or_malformed_postcode_gets_an_error_status_and_a_message(
    client_for, postcode, status, starts
):
    response = client_for("practitioner").get(postcode_url(postcode))

    assert response.status_code == status
    assert response.json()["message"].startswith(starts)


def test_resolve_returns_the_team_and_the_reasons(client_for):
    response = client_for("practitioner").post(
        RESOLVE,
        {
            "date_of_birth": "2012-05-01",
            "postcode": "CV21 2AB",
            "level": "FAMILY_HELP",
            "concerns": ["EXPLOITATION"],
            "severe_disability": False,
        },
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["team"]["slug"] == "fast-east"
    assert body["rule"]["name"] == "Harm outside the home, 11 and over: FAST for the area"
    assert len(body["reasons"]) == 4


def test_resolve_for_an_unborn_child_uses_the_expected_date(client_for):
    response = client_for("lcpp").post(
        RESOLVE,
        {
            "expected_date_of_birth": "2030-01-01",
            "postcode": "CV37 6AA",
            "level": "IMMEDIATE_PROTECTION",
        },
        content_type="application/json",
    )

    assert response.json()["team"]["slug"] == "macpt-south"
    assert response.json()["is_unborn"] is True


def test_resolve_with_a_partial_postcode_lists_candidates_then_takes_the_chosen_district(
    client_for,
):
    client = client_for("practitioner")
    request = {"date_of_birth": "2020-01-01", "postcode": "CV21", "level": "EARLY_SUPPORT"}

    first = client.post(RESOLVE, request, content_type="application/json").json()
    chosen = client.post(
        RESOLVE, {**request, "district": "E07000222"}, content_type="application/json"
    ).json()

    assert first["team"] is None
    assert {row["team"]["slug"] for row in first["candidates"]} == {
        "family-help-rugby",
        "family-help-warwick",
    }
    assert chosen["team"]["slug"] == "family-help-warwick"


@pytest.mark.parametrize(
    ("request_body", "field"),
    [
        ({"date_of_birth": "2020-01-01", "postcode": "nope", "level": "FAMILY_HELP"}, "postcode"),
        ({"postcode": "CV21 2AB", "level": "FAMILY_HELP"}, "date_of_birth"),
        ({"date_of_birth": "2020-01-01", "postcode": "CV21 2AB", "level": "TIER_3"}, "level"),
        (
            {
                "date_of_birth": "2020-01-01",
                "postcode": "CV21 2AB",
                "level": "FAMILY_HELP",
                "concerns": ["X"],
            },
            "concerns",
        ),
        (
            {"date_of_birth": "1 May", "postcode": "CV21 2AB", "level": "FAMILY_HELP"},
            "date_of_birth",
        ),
    ],
)
def test_resolve_refuses_bad_input_with_a_400_naming_the_field(client_for, request_body, field):
    response = client_for("practitioner").post(
        RESOLVE, request_body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("persona", ["stranger", "anonymous"])
def test_resolve_is_refused_to_people_without_a_role(client_for, persona):
    response = client_for(persona).post(
        RESOLVE,
        {"date_of_birth": "2020-01-01", "postcode": "CV21 2AB", "level": "FAMILY_HELP"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_postcode_and_routing_lookups_write_no_access_log_row_as_they_show_no_child(client_for):
    client = client_for("practitioner")

    client.get(postcode_url("CV21 2AB"))
    client.post(
        RESOLVE,
        {"date_of_birth": "2020-01-01", "postcode": "CV21 2AB", "level": "FAMILY_HELP"},
        content_type="application/json",
    )

    assert AccessLog.objects.count() == 0


def test_the_endpoints_are_in_the_openapi_schema(client_for):
    response = client_for("practitioner").get(reverse("api-schema"), {"format": "json"})

    paths = response.json()["paths"]
    assert {
        "/api/v1/localities/",
        "/api/v1/teams/",
        "/api/v1/postcodes/{postcode}/",
        "/api/v1/routing/resolve/",
    } <= set(paths)
    assert "requestBody" in paths["/api/v1/routing/resolve/"]["post"]
