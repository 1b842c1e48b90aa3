"""The decision history page and authorising a decision from it."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from conftest import verified_client
from people.models import RestrictionCategory
from spectrum.models import LevelCode
from spectrum.services import spectrum_decision_authorise, spectrum_decision_record
from tests.spectrum.factories import ChildFactory, StaffFactory


@pytest.fixture
def child(db):
    return ChildFactory(given_name="Ava", family_name="Morgan")


@pytest.fixture
def decide(framework, indicator, child):
    def make(*, by, codes=("ES-HEALTH-01",), level=LevelCode.EARLY_SUPPORT, rationale="", **extra):
        return spectrum_decision_record(
            person=extra.pop("person", child),
            framework=framework,
            indicator_ids=[indicator(code).pk for code in codes],
            decided_level=level,
            rationale=rationale,
            decided_by=by,
            **extra,
        )

    return make


def history_url(person):
    return reverse("spectrum:decision-history", kwargs={"person_id": person.pk})


def authorise_url(decision):
    return reverse("spectrum:decision-authorise", kwargs={"decision_id": decision.pk})


def test_the_history_shows_each_decision_newest_first_with_its_reasons(decide, practitioner, child):
    first = decide(by=practitioner)
    decide(
        by=practitioner,
        codes=("FH-EDUCATION-01",),
        level=LevelCode.EARLY_SUPPORT,
        rationale="Grandparents now help every day.",
        supersedes=first,
    )

    html = verified_client(practitioner).get(history_url(child)).content.decode()

    assert html.count('data-testid="decision"') == 2
    assert html.index("Grandparents now help every day.") < html.index(
        "Agreed with the suggested level"
    )
    assert html.count(">Current</strong>") == 1
    assert html.count(">Replaced</strong>") == 1
    assert "(differs from the suggestion)" in html
    assert "Re-evaluate the level of need" in html


def test_a_child_with_no_decisions_says_so(practitioner, child, framework):
    html = verified_client(practitioner).get(history_url(child)).content.decode()

    assert 'data-testid="no-decisions"' in html
    assert "Record a decision" in html


def test_a_manager_sees_the_authorise_button_for_someone_elses_decision_only(
    decide, practitioner, fc_manager, child
):
    mine = decide(by=fc_manager)
    client = verified_client(fc_manager)

    own = client.get(history_url(child)).content.decode()
    spectrum_decision_authorise(decision=mine, authorised_by=_other_manager())
    decide(by=practitioner, supersedes=mine)
    theirs = client.get(history_url(child)).content.decode()

    assert "Authorise this decision" not in own
    assert "nobody authorises their own decision" in own
    assert "Authorise this decision" in theirs


def _other_manager():
    return StaffFactory(role="FC_MANAGER")


def test_a_manager_authorises_a_decision_and_the_read_is_logged(
    decide, practitioner, fc_manager, child
):
    decision = decide(by=practitioner)
    client = verified_client(fc_manager)

    response = client.post(authorise_url(decision))

    decision.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == history_url(child)
    assert decision.authorised_by == fc_manager
    log = AccessLog.objects.get()
    assert (log.record_type, log.person_id) == ("spectrum decision", child.pk)


def test_authorising_your_own_decision_is_refused_with_a_clear_error(decide, fc_manager):
    decision = decide(by=fc_manager)

    response = verified_client(fc_manager).post(authorise_url(decision))

    html = response.content.decode()
    assert response.status_code == 409
    assert "<title>Error: " in html
    assert "You cannot authorise a decision you made" in html
    decision.refresh_from_db()
    assert not decision.is_authorised


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "auditor", "stranger"])
def test_only_a_family_connect_manager_may_authorise(decide, fc_manager, client_for, persona):
    decision = decide(by=fc_manager)

    response = client_for(persona).post(authorise_url(decision))

    assert response.status_code == 403
    assert AccessLog.objects.count() == 0


def test_authorising_a_decision_that_does_not_exist_is_not_found(fc_manager, framework):
    missing = reverse(
        "spectrum:decision-authorise",
        kwargs={"decision_id": "00000000-0000-0000-0000-000000000000"},
    )

    response = verified_client(fc_manager).post(missing)

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_the_history_of_a_restricted_child_is_hidden_from_a_practitioner(practitioner, framework):
    restricted = ChildFactory(restricted=True, restriction_category=RestrictionCategory.SAFETY)

    response = verified_client(practitioner).get(history_url(restricted))

    assert response.status_code == 404


@pytest.mark.parametrize("earlier", [0, 6])
def test_the_history_runs_the_same_few_queries_however_long_it_is(
    decide, practitioner, child, earlier, django_assert_max_num_queries
):
    latest = None
    for _ in range(earlier + 1):
        latest = decide(
            by=practitioner,
            codes=("ES-HEALTH-01", "FH-EDUCATION-01"),
            level=LevelCode.FAMILY_HELP,
            supersedes=latest,
        )
    client = verified_client(practitioner)

    with django_assert_max_num_queries(11):
        response = client.get(history_url(child))

    assert response.content.decode().count('data-testid="decision"') == earlier + 1
