"""The indicator picker and decision page, through the test client (no JavaScript)."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessLog
from conftest import verified_client
from spectrum.models import FrameworkStatus, LevelCode, SpectrumDecision
from spectrum.services import spectrum_decision_record
from tests.spectrum.factories import ChildFactory

ITEM_RE = re.compile(
    r'<div class="govuk-checkboxes__item([^"]*)" data-spectrum-indicator data-search="([^"]*)" '
    r'data-level="(\w+)">\s*<input [^>]*value="(\d+)"([^>]*)>'
)


def items(response) -> list[dict]:
    return [
        {
            "visible": "display-none" not in classes,
            "haystack": haystack,
            "level": level,
            "pk": int(pk),
            "checked": " checked" in rest,
        }
        for classes, haystack, level, pk, rest in ITEM_RE.findall(response.content.decode())
    ]


def visible(response) -> list[dict]:
    return [item for item in items(response) if item["visible"]]


@pytest.fixture
def child(db):
    return ChildFactory(given_name="Ava", family_name="Morgan")


@pytest.fixture
def picker_url(child):
    return reverse("spectrum:decision-picker", kwargs={"person_id": child.pk})


@pytest.fixture
def practitioner_client(practitioner):
    # Built from the persona fixture: asking for the persona again would reset its password and
    # sign this client out.
    return verified_client(practitioner)


def post(client, url, *, action, codes=(), indicator=None, **fields):
    data = {"action": action, **fields}
    data["indicators"] = [indicator(code).pk for code in codes]
    return client.post(url, data)


def test_the_picker_shows_every_indicator_grouped_by_domain_with_its_level(
    framework, practitioner_client, picker_url
):
    response = practitioner_client.get(picker_url)

    html = response.content.decode()
    assert response.status_code == 200
    assert len(items(response)) == framework.indicators.count()
    assert all(item["visible"] for item in items(response))
    # One collapsed section per domain, so the page is short on a call.
    assert html.count("data-spectrum-domain-details>") == framework.domains.count() == 10
    assert html.count("data-spectrum-domain-details open") == 0
    for domain in framework.domains.all():
        assert f'<span class="govuk-details__summary-text">{domain.name}' in html.replace(
            "&#x27;", "'"
        )
    assert '<strong class="govuk-tag app-tag--wrap govuk-tag--orange">Family Help</strong>' in html
    assert "Showing all 129 indicators" in html


def test_opening_the_picker_writes_one_access_log_row_for_the_child(
    framework, practitioner_client, picker_url, child
):
    practitioner_client.get(picker_url)

    row = AccessLog.objects.get()
    assert (row.person_id, row.record_type) == (child.pk, "person")


@pytest.mark.parametrize(
    "typed, level",
    [
        ("targeted", LevelCode.FAMILY_HELP),
        ("child in need", LevelCode.FAMILY_HELP),
        ("early help", LevelCode.EARLY_SUPPORT),
        ("tier 4", LevelCode.IMMEDIATE_PROTECTION),
    ],
)
def test_need_language_in_the_filter_shows_the_level_it_means(
    framework, practitioner_client, picker_url, typed, level
):
    response = practitioner_client.get(picker_url, {"q": typed})

    shown = visible(response)
    assert {item["level"] for item in shown} >= {level}
    assert (
        len([i for i in shown if i["level"] == level])
        == framework.indicators.filter(level=level).count()
    )
    assert f"“{typed}” means" in response.content.decode()


def test_need_language_alone_shows_only_that_levels_indicators_when_no_words_match(
    framework, practitioner_client, picker_url
):
    response = practitioner_client.get(picker_url, {"q": "targeted"})

    assert {item["level"] for item in visible(response)} == {LevelCode.FAMILY_HELP}


def test_a_keyword_filter_shows_only_indicators_with_that_word(practitioner_client, picker_url):
    response = practitioner_client.get(picker_url, {"q": "attendance"})

    shown = visible(response)
    assert 0 < len(shown) < len(items(response))
    assert all("attendance" in item["haystack"] for item in shown)


def test_a_filter_that_matches_nothing_says_so(practitioner_client, picker_url):
    response = practitioner_client.get(picker_url, {"q": "zebra crossing"})

    assert visible(response) == []
    assert "No indicators match “zebra crossing”" in response.content.decode()


def test_filtering_keeps_every_tick_and_ticked_indicators_stay_in_view(
    practitioner_client, picker_url, indicator
):
    response = post(
        practitioner_client,
        picker_url,
        action="filter",
        codes=["ES-HEALTH-01", "FH-EDUCATION-01"],
        indicator=indicator,
        q="housing",
        rationale="Draft notes",
    )

    ticked = {item["pk"] for item in items(response) if item["checked"]}
    assert ticked == {indicator("ES-HEALTH-01").pk, indicator("FH-EDUCATION-01").pk}
    assert all(item["visible"] for item in items(response) if item["checked"])
    assert "Draft notes</textarea>" in response.content.decode()


def test_suggest_a_level_shows_the_suggestion_and_its_reasons_without_recording_anything(
    practitioner_client, picker_url, indicator
):
    response = post(
        practitioner_client,
        picker_url,
        action="suggest",
        codes=["ES-HEALTH-01", "ES-HEALTH-02", "ES-EDUCATION-01", "ES-HOUSING_FINANCE-01"],
        indicator=indicator,
    )

    html = response.content.decode()
    assert 'Suggested level: <strong class="govuk-tag govuk-tag--orange">Family Help' in html
    assert "consider Family Help" in html
    assert "Showing all 129 indicators, 4 selected" in html
    assert SpectrumDecision.objects.count() == 0


def test_suggest_with_nothing_ticked_asks_for_an_indicator(practitioner_client, picker_url):
    response = practitioner_client.post(picker_url, {"action": "suggest"})

    html = response.content.decode()
    assert "<title>Error: " in html
    assert (
        '<a href="#id_indicators">Select at least one indicator to get a suggested level</a>'
        in html
    )
    assert 'id="id_indicators"' in html


def test_a_decision_that_differs_from_the_suggestion_without_reasons_is_shown_again_with_everything_kept(
    practitioner_client, picker_url, indicator
):
    response = post(
        practitioner_client,
        picker_url,
        action="record",
        codes=["ES-HEALTH-01", "FH-EDUCATION-01"],
        indicator=indicator,
        decided_level=LevelCode.EARLY_SUPPORT,
        rationale="",
        q="school",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert (
        '<a href="#id_rationale">Explain why you decided on Early Support when the suggested '
        "level is Family Help</a>"
    ) in html
    assert {i["pk"] for i in items(response) if i["checked"]} == {
        indicator("ES-HEALTH-01").pk,
        indicator("FH-EDUCATION-01").pk,
    }
    assert 'value="EARLY_SUPPORT" checked' in html
    assert 'value="school"' in html
    assert SpectrumDecision.objects.count() == 0


@pytest.mark.parametrize(
    "fields, message, anchor",
    [
        ({"decided_level": "FAMILY_HELP"}, "Select at least one indicator", "id_indicators"),
        ({"indicators": ["__first__"]}, "Select the level you have decided on", "id_decided_level"),
        (
            {"indicators": ["__first__"], "decided_level": "TIER_9"},
            "Select one of the four levels",
            "id_decided_level",
        ),
        (
            {"indicators": ["999999"], "decided_level": "FAMILY_HELP"},
            "Select indicators from the list shown",
            "id_indicators",
        ),
        (
            {"indicators": ["not-a-number"], "decided_level": "FAMILY_HELP"},
            "Select indicators from the list shown",
            "id_indicators",
        ),
        ({"q": "x" * 101}, "Filter with 100 characters or fewer", "id_q"),
    ],
    ids=["no-indicators", "no-level", "unknown-level", "unknown-id", "garbage-id", "long-filter"],
)
def test_bad_input_is_reported_beside_the_field_and_never_gives_a_server_error(
    practitioner_client, picker_url, framework, fields, message, anchor
):
    first = str(framework.indicators.first().pk)
    data = {"action": "record", **fields}
    data["indicators"] = [first if v == "__first__" else v for v in data.get("indicators", [])]

    response = practitioner_client.post(picker_url, data)

    assert response.status_code == 200
    assert f'<a href="#{anchor}">{message}</a>' in response.content.decode()
    assert SpectrumDecision.objects.count() == 0


def test_recording_a_decision_saves_it_and_shows_the_history(
    practitioner_client, picker_url, indicator, child, practitioner
):
    response = post(
        practitioner_client,
        picker_url,
        action="record",
        codes=["ES-HEALTH-01", "FH-EDUCATION-01"],
        indicator=indicator,
        decided_level=LevelCode.FAMILY_HELP,
        rationale="",
    )

    decision = SpectrumDecision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "spectrum:decision-history", kwargs={"person_id": child.pk}
    )
    assert (decision.person, decision.decided_by, decision.decided_level) == (
        child,
        practitioner,
        LevelCode.FAMILY_HELP,
    )


def test_a_decision_recorded_on_the_page_re_evaluates_the_current_one(
    practitioner_client, picker_url, indicator, child, framework, fc_manager
):
    earlier = spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[indicator("ES-HEALTH-01").pk],
        decided_level=LevelCode.EARLY_SUPPORT,
        rationale="",
        decided_by=fc_manager,
    )
    page = practitioner_client.get(picker_url)

    post(
        practitioner_client,
        picker_url,
        action="record",
        codes=["IP-ABUSE_NEGLECT-02"],
        indicator=indicator,
        decided_level=LevelCode.IMMEDIATE_PROTECTION,
        rationale="Unexplained bruising seen at nursery today.",
    )

    assert "is a re-evaluation" in page.content.decode()
    latest = SpectrumDecision.objects.exclude(pk=earlier.pk).get()
    assert latest.supersedes == earlier


def test_an_adult_gets_no_picker(practitioner_client, framework):
    adult = ChildFactory(date_of_birth="1980-01-01")
    url = reverse("spectrum:decision-picker", kwargs={"person_id": adult.pk})

    shown = practitioner_client.get(url)
    posted = practitioner_client.post(url, {"action": "record", "decided_level": "UNIVERSAL"})

    assert "Spectrum of Support does not apply" in shown.content.decode()
    assert "Record decision" not in shown.content.decode()
    assert posted.status_code == 200
    assert SpectrumDecision.objects.count() == 0


def test_without_a_published_framework_the_page_says_so(practitioner_client, picker_url, framework):
    type(framework).objects.filter(pk=framework.pk).update(
        status=FrameworkStatus.RETIRED, retired_at=framework.published_at
    )

    response = practitioner_client.get(picker_url)

    assert "No version of the Spectrum of Support is published" in response.content.decode()


@pytest.mark.parametrize("persona", ["team_manager", "rugby_fhlp", "lcpp", "auditor"])
def test_other_roles_cannot_record_a_decision(client_for, picker_url, persona, framework):
    response = client_for(persona).post(picker_url, {"action": "record"})

    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


def test_the_page_loads_its_script_from_a_file_and_has_no_inline_script(
    practitioner_client, picker_url
):
    html = practitioner_client.get(picker_url).content.decode()

    assert '<script src="/static/js/spectrum.js"></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


@pytest.mark.parametrize("action, most", [("filter", 16), ("suggest", 16), ("record", 26)])
def test_the_picker_runs_a_bounded_number_of_queries_even_with_every_indicator_ticked(
    practitioner_client, picker_url, framework, action, most, django_assert_max_num_queries
):
    every_indicator = list(framework.indicators.values_list("pk", flat=True))

    with django_assert_max_num_queries(most):
        response = practitioner_client.post(
            picker_url,
            {
                "action": action,
                "indicators": every_indicator,
                "decided_level": "IMMEDIATE_PROTECTION",
                "rationale": "All of it.",
            },
        )

    # Filtering and suggesting redraw the picker; recording the decision moves on from it.
    assert response.status_code == (302 if action == "record" else 200)
