"""The consistency view: which indicators lead to which levels, and how often people differ
from the suggestion."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from spectrum.models import LevelCode
from spectrum.selectors import consistency_report
from tests.spectrum.factories import SpectrumDecisionFactory

U, ES, FH, IP = LevelCode.values
URL = reverse("spectrum:consistency")


def on(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(11, 30)))


@pytest.fixture
def decisions(framework, indicator):
    """Two decisions in March 2026 (one differing from its suggestion) and one in April."""
    march, april = datetime.date(2026, 3, 10), datetime.date(2026, 4, 2)

    def made(day, suggested, decided, codes):
        return SpectrumDecisionFactory(
            framework=framework,
            decided_at=on(day),
            suggested_level=suggested,
            decided_level=decided,
            indicators=[indicator(code) for code in codes],
        )

    return [
        made(march, FH, FH, ["ES-HEALTH-01", "FH-EDUCATION-01"]),
        made(march, FH, ES, ["ES-HEALTH-01", "FH-HEALTH-01"]),
        made(april, ES, ES, ["ES-HEALTH-01"]),
    ]


def test_the_report_counts_indicators_by_decided_level_for_the_period(decisions, indicator):
    report = consistency_report(
        date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31)
    )

    by_code = {row.indicator.code: row for row in report.indicators}
    assert (report.decisions, report.differing, report.differing_percent) == (2, 1, 50)
    assert by_code["ES-HEALTH-01"].by_level == {FH: 1, ES: 1}
    assert (by_code["ES-HEALTH-01"].total, by_code["ES-HEALTH-01"].differing) == (2, 1)
    assert by_code["FH-HEALTH-01"].by_level == {ES: 1}
    assert set(by_code) == {"ES-HEALTH-01", "FH-EDUCATION-01", "FH-HEALTH-01"}
    assert report.crosstab == {(FH, FH): 1, (FH, ES): 1}


@pytest.mark.parametrize(
    "date_from, date_to, expected",
    [
        ("2026-03-10", "2026-03-10", 2),  # both ends included
        ("2026-03-11", "2026-04-01", 0),
        ("2026-03-01", "2026-04-30", 3),
        ("2026-04-02", "2026-04-02", 1),
    ],
)
def test_the_period_includes_both_of_its_days(decisions, date_from, date_to, expected):
    report = consistency_report(
        date_from=datetime.date.fromisoformat(date_from),
        date_to=datetime.date.fromisoformat(date_to),
    )

    assert report.decisions == expected


def test_the_page_shows_the_tables_for_the_period_asked(decisions, fc_manager):
    response = verified_client(fc_manager).get(
        URL, {"date_from": "1/3/2026", "date_to": "31/3/2026"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 decisions; 1 (50%) differed from the suggested level." in html
    assert html.count("data-indicator-code=") == 3


def test_the_page_defaults_to_the_last_ninety_days(framework, team_manager):
    SpectrumDecisionFactory(framework=framework, decided_at=timezone.now())
    SpectrumDecisionFactory(
        framework=framework, decided_at=timezone.now() - datetime.timedelta(days=120)
    )

    html = verified_client(team_manager).get(URL).content.decode()

    assert "1 decision; 0 (0%) differed" in html


@pytest.mark.parametrize(
    "query, message",
    [
        ({"date_from": "31/2/2026", "date_to": "1/3/2026"}, "Enter a real date, like 27/3/2026"),
        ({"date_from": "", "date_to": "1/3/2026"}, "Enter the first day of the period"),
        (
            {"date_from": "2/3/2026", "date_to": "1/3/2026"},
            "The end date must be the same as or after the start date",
        ),
    ],
)
def test_a_bad_period_is_explained_and_never_a_server_error(fc_manager, framework, query, message):
    response = verified_client(fc_manager).get(URL, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert message in html


@pytest.mark.parametrize("size", [3, 40])
def test_the_page_runs_the_same_few_queries_however_many_decisions_there_are(
    framework, indicator, fc_manager, size, django_assert_max_num_queries
):
    codes = [i.code for i in framework.indicators.all()][:30]
    for n in range(size):
        SpectrumDecisionFactory(
            framework=framework,
            suggested_level=ES,
            decided_level=(ES, FH)[n % 2],
            indicators=[indicator(codes[n % 30]), indicator(codes[(n + 1) % 30])][: 1 + n % 2],
        )
    client = verified_client(fc_manager)

    with django_assert_max_num_queries(10):
        response = client.get(URL)

    assert response.status_code == 200
