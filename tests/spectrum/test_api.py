"""The Spectrum of Support API: the published framework, and a suggestion for indicator ids."""

import pytest
import yaml
from django.urls import reverse

from conftest import verified_client
from spectrum.models import LevelCode

CURRENT = reverse("api-spectrum-framework-current")
SUGGEST = reverse("api-spectrum-suggest")


@pytest.fixture
def api(practitioner):
    return verified_client(practitioner)


def test_the_current_framework_lists_levels_domains_and_indicators_with_ids(api, framework):
    body = api.get(CURRENT).json()

    assert (body["id"], body["version"], body["status"]) == (
        framework.pk,
        framework.version,
        "PUBLISHED",
    )
    assert [level["code"] for level in body["levels"]] == LevelCode.values
    assert len(body["domains"]) == 10
    assert len(body["indicators"]) == framework.indicators.count()
    first = body["indicators"][0]
    assert set(first) == {"id", "code", "text", "level", "domain", "section", "keywords"}
    assert {"term": "child in need", "level": "FAMILY_HELP"} in body["need_terms"]
    assert body["cumulative_rule"] == {
        "min_indicators": 4,
        "min_domains": 3,
        "from_level": "EARLY_SUPPORT",
        "raise_to": "FAMILY_HELP",
    }


def test_the_current_framework_is_read_in_a_few_queries_whatever_its_size(
    api, framework, django_assert_max_num_queries
):
    # Sign-in and session take seven; the framework and its four kinds of rows take five.
    with django_assert_max_num_queries(12):
        response = api.get(CURRENT)

    assert len(response.json()["indicators"]) == 129


@pytest.mark.parametrize(
    "codes, level",
    [
        (["U-HEALTH-01"], "UNIVERSAL"),
        (["U-HEALTH-01", "ES-HEALTH-01"], "EARLY_SUPPORT"),
        (
            ["ES-HEALTH-01", "ES-HEALTH-02", "ES-EDUCATION-01", "ES-HOUSING_FINANCE-01"],
            "FAMILY_HELP",
        ),
        (["ES-HEALTH-01", "IP-ABUSE_NEGLECT-01"], "IMMEDIATE_PROTECTION"),
    ],
)
def test_suggest_returns_the_level_and_reasons(api, indicator, codes, level):
    response = api.post(
        SUGGEST,
        {"indicator_ids": [indicator(code).pk for code in codes]},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["level"] == level
    assert body["reasons"] and all(isinstance(reason, str) for reason in body["reasons"])
    assert body["framework_version"] == "2025.1"


def test_suggest_with_no_indicators_suggests_nothing(api, framework):
    body = api.post(SUGGEST, {"indicator_ids": []}, content_type="application/json").json()

    assert body["level"] is None
    assert body["reasons"] == [
        "No indicators are selected, so there is nothing to suggest a level from."
    ]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "indicator_ids"),
        ({"indicator_ids": "12"}, "indicator_ids"),
        ({"indicator_ids": ["twelve"]}, "indicator_ids"),
        ({"indicator_ids": [999999]}, "indicator_ids"),
        ({"indicator_ids": list(range(1, 250))}, "indicator_ids"),
    ],
    ids=["missing", "not-a-list", "not-numbers", "unknown-id", "too-many"],
)
def test_suggest_rejects_bad_input_with_a_400(api, framework, payload, field):
    response = api.post(SUGGEST, payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()


def test_suggest_refuses_indicators_of_a_draft_version(api, framework):
    from spectrum.services import framework_copy_to_draft

    draft = framework_copy_to_draft(framework=framework)

    response = api.post(
        SUGGEST, {"indicator_ids": [draft.indicators.first().pk]}, content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize("persona", ["stranger", "anonymous"])
def test_suggest_is_refused_to_accounts_without_a_role(client_for, framework, persona):
    response = client_for(persona).post(
        SUGGEST, {"indicator_ids": []}, content_type="application/json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["auditor", "rugby_fhlp", "administrator"])
def test_any_member_of_staff_with_a_role_may_ask_for_a_suggestion(client_for, framework, persona):
    response = client_for(persona).post(
        SUGGEST, {"indicator_ids": []}, content_type="application/json"
    )

    assert response.status_code == 200


def test_both_endpoints_are_described_in_the_openapi_schema(api):
    schema = yaml.safe_load(api.get(reverse("api-schema")).content)

    current = schema["paths"]["/api/v1/spectrum/frameworks/current/"]["get"]
    suggest = schema["paths"]["/api/v1/spectrum/suggest/"]["post"]
    assert current["operationId"] == "spectrum_framework_current"
    assert suggest["operationId"] == "spectrum_suggest"
    request = suggest["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request.endswith("/SuggestRequest")
    assert set(schema["components"]["schemas"]["Suggestion"]["properties"]) == {
        "level",
        "level_name",
        "reasons",
        "framework_version",
    }
