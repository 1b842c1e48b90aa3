"""Recording, correcting, authorising and re-evaluating a Spectrum of Support decision."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from spectrum.models import LevelCode, SpectrumDecision
from spectrum.services import (
    SpectrumDecisionError,
    framework_copy_to_draft,
    spectrum_decision_authorise,
    spectrum_decision_record,
    spectrum_decision_update,
)
from tests.spectrum.factories import ChildFactory, SpectrumDecisionFactory

U, ES, FH, IP = LevelCode.values
# One indicator at Early Support and one at Family Help, so the suggestion is Family Help.
FAMILY_HELP_PAIR = ["ES-HEALTH-01", "FH-EDUCATION-01"]
# Four Early Support indicators across three domains meet version 1's cumulative rule.
CUMULATIVE = ["ES-HEALTH-01", "ES-HEALTH-02", "ES-EDUCATION-01", "ES-HOUSING_FINANCE-01"]


@pytest.fixture
def record(framework, indicator, practitioner):
    def make(codes=FAMILY_HELP_PAIR, decided_level=FH, rationale="", **extra):
        return spectrum_decision_record(
            **{
                "person": extra.pop("person", None) or ChildFactory(),
                "framework": framework,
                "indicator_ids": [indicator(code).pk for code in codes],
                "decided_level": decided_level,
                "rationale": rationale,
                "decided_by": practitioner,
                **extra,
            }
        )

    return make


def test_a_decision_keeps_the_framework_version_indicators_suggestion_and_who_decided(
    record, framework, practitioner
):
    decision = record()

    assert decision.framework == framework
    assert sorted(decision.indicators.values_list("code", flat=True)) == sorted(FAMILY_HELP_PAIR)
    assert decision.suggested_level == FH
    assert decision.suggestion_reasons[0].startswith("1 of the 2 selected indicators")
    assert decision.decided_by == practitioner
    assert decision.decided_at is not None
    assert not decision.is_authorised


def test_the_suggestion_is_worked_out_again_by_the_service_including_the_cumulative_rule(record):
    decision = record(codes=CUMULATIVE, decided_level=FH)

    assert decision.suggested_level == FH
    assert "consider Family Help" in decision.suggestion_reasons[-1]


# ---------------------------------------------------------------- rationale


@pytest.mark.parametrize(
    "decided_level, rationale, allowed",
    [
        (FH, "", True),  # agrees with the suggestion
        (FH, "Agreed with the school.", True),
        (ES, "", False),  # differs: reasons needed
        (ES, "   \n ", False),  # blank is not a reason
        (ES, "Strong family network reduces the risk.", True),
        (U, "", False),
        (IP, "", False),  # immediate protection always needs reasons
        (IP, "Disclosure today; strategy discussion needed.", True),
    ],
)
def test_a_rationale_is_needed_when_the_decision_differs_and_always_for_immediate_protection(
    record, decided_level, rationale, allowed
):
    if allowed:
        assert record(decided_level=decided_level, rationale=rationale).pk
    else:
        with pytest.raises(SpectrumDecisionError) as refused:
            record(decided_level=decided_level, rationale=rationale)
        assert refused.value.field == "rationale"


def test_immediate_protection_needs_a_rationale_even_when_it_is_the_suggestion(record):
    with pytest.raises(SpectrumDecisionError, match="immediate protection"):
        record(codes=["IP-ABUSE_NEGLECT-01"], decided_level=IP)


@pytest.mark.parametrize(
    "suggested, decided",
    [(FH, ES), (ES, U), (IP, IP), (ES, IP)],
    ids=["differs", "differs-lower", "protection-as-suggested", "protection-above"],
)
def test_the_database_refuses_a_decision_without_the_rationale_it_needs(
    framework, practitioner, suggested, decided
):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpectrumDecisionFactory(
            framework=framework,
            decided_by=practitioner,
            suggested_level=suggested,
            decided_level=decided,
            rationale="  ",
        )


# ---------------------------------------------------------------- what can be decided


def test_a_decision_needs_at_least_one_indicator(record):
    with pytest.raises(SpectrumDecisionError) as refused:
        record(codes=[])

    assert refused.value.field == "indicators"


def test_indicators_from_another_framework_version_are_refused(record, framework, indicator):
    draft = framework_copy_to_draft(framework=framework)
    foreign = draft.indicators.get(code="FH-EDUCATION-01")

    with pytest.raises(SpectrumDecisionError, match="published framework only"):
        record(indicator_ids=[indicator("ES-HEALTH-01").pk, foreign.pk])


def test_a_draft_framework_cannot_be_used_for_a_decision(record, framework):
    draft = framework_copy_to_draft(framework=framework)

    with pytest.raises(SpectrumDecisionError, match="no longer in use"):
        record(framework=draft, codes=[])


@pytest.mark.parametrize(
    "born, expected, allowed",
    [
        (datetime.timedelta(days=365 * 17), None, True),
        (datetime.timedelta(days=365 * 18 + 10), None, False),
        (None, datetime.timedelta(days=-60), True),  # unborn
        (None, None, False),  # nothing known: cannot tell it is a child
    ],
    ids=["seventeen", "adult", "unborn", "no-dates"],
)
def test_only_a_child_can_have_a_spectrum_decision(record, born, expected, allowed):
    today = timezone.localdate()
    person = ChildFactory(
        date_of_birth=today - born if born else None,
        expected_date_of_birth=today - expected if expected else None,
    )

    if allowed:
        assert record(person=person).pk
    else:
        with pytest.raises(SpectrumDecisionError, match="not recorded as a child"):
            record(person=person)


@pytest.mark.parametrize(
    "persona", ["rugby_fhlp", "team_manager", "lcpp", "auditor", "administrator", "stranger"]
)
def test_only_front_door_roles_can_record_a_decision(record, make_persona, persona):
    with pytest.raises(SpectrumDecisionError, match="Only Family Connect"):
        record(decided_by=make_persona(persona))


def test_a_manager_can_record_a_decision(record, fc_manager):
    assert record(decided_by=fc_manager).decided_by == fc_manager


# ---------------------------------------------------------------- authorising


def test_a_manager_authorises_someone_elses_decision(record, fc_manager):
    decision = record()

    authorised = spectrum_decision_authorise(decision=decision, authorised_by=fc_manager)

    assert authorised.authorised_by == fc_manager
    assert authorised.authorised_at is not None


def test_nobody_authorises_their_own_decision(record, fc_manager):
    decision = record(decided_by=fc_manager)

    with pytest.raises(SpectrumDecisionError, match="cannot authorise a decision you made"):
        spectrum_decision_authorise(decision=decision, authorised_by=fc_manager)


def test_the_database_refuses_a_self_authorised_decision(framework, fc_manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpectrumDecisionFactory(
            framework=framework,
            decided_by=fc_manager,
            authorised_by=fc_manager,
            authorised_at=timezone.now(),
        )


@pytest.mark.parametrize("persona", ["practitioner", "team_manager", "auditor", "administrator"])
def test_only_a_family_connect_manager_authorises(record, make_persona, fc_manager, persona):
    decision = record(decided_by=fc_manager)

    with pytest.raises(SpectrumDecisionError, match="Only a Family Connect manager"):
        spectrum_decision_authorise(decision=decision, authorised_by=make_persona(persona))


def test_a_decision_is_authorised_once(record, fc_manager):
    decision = spectrum_decision_authorise(decision=record(), authorised_by=fc_manager)

    with pytest.raises(SpectrumDecisionError, match="already been authorised"):
        spectrum_decision_authorise(decision=decision, authorised_by=fc_manager)


# ---------------------------------------------------------------- correcting and re-evaluating


def test_an_unauthorised_decision_can_be_corrected_by_whoever_made_it(
    record, indicator, practitioner
):
    decision = record()

    corrected = spectrum_decision_update(
        decision=decision,
        changed_by=practitioner,
        indicator_ids=[indicator(code).pk for code in CUMULATIVE],
        decided_level=FH,
        rationale="",
    )

    corrected.refresh_from_db()
    assert sorted(corrected.indicators.values_list("code", flat=True)) == sorted(CUMULATIVE)
    assert corrected.suggested_level == FH
    assert "consider Family Help" in corrected.suggestion_reasons[-1]


def test_an_authorised_decision_cannot_be_edited(record, indicator, practitioner, fc_manager):
    decision = spectrum_decision_authorise(decision=record(), authorised_by=fc_manager)

    with pytest.raises(SpectrumDecisionError, match="authorised and cannot be changed"):
        spectrum_decision_update(
            decision=decision,
            changed_by=practitioner,
            indicator_ids=[indicator("ES-HEALTH-01").pk],
            decided_level=ES,
            rationale="",
        )
    decision.refresh_from_db()
    assert decision.decided_level == FH


def test_someone_else_cannot_correct_a_decision(record, indicator, fc_manager):
    decision = record()

    with pytest.raises(SpectrumDecisionError, match="Only the practitioner who recorded"):
        spectrum_decision_update(
            decision=decision,
            changed_by=fc_manager,
            indicator_ids=[indicator("ES-HEALTH-01").pk],
            decided_level=ES,
            rationale="",
        )


def test_a_re_evaluation_is_a_new_decision_that_keeps_the_history(record, fc_manager):
    child = ChildFactory()
    first = spectrum_decision_authorise(decision=record(person=child), authorised_by=fc_manager)

    second = record(
        person=child,
        codes=["IP-ABUSE_NEGLECT-01"],
        decided_level=IP,
        rationale="Needs changed: disclosure at school.",
        supersedes=first,
    )

    assert second.supersedes == first
    assert list(SpectrumDecision.objects.filter(person=child).order_by("decided_at")) == [
        first,
        second,
    ]
    first.refresh_from_db()
    assert first.decided_level == FH and first.is_authorised


def test_a_second_decision_must_say_which_decision_it_replaces(record):
    child = ChildFactory()
    record(person=child)

    with pytest.raises(SpectrumDecisionError, match="Someone else recorded a decision"):
        record(person=child)


def test_a_decision_already_replaced_cannot_be_replaced_again(record):
    child = ChildFactory()
    first = record(person=child)
    record(person=child, supersedes=first)

    with pytest.raises(SpectrumDecisionError, match="Someone else recorded a decision"):
        record(person=child, supersedes=first)


def test_the_database_lets_a_decision_be_replaced_only_once(framework, practitioner):
    first = SpectrumDecisionFactory(framework=framework, decided_by=practitioner)
    SpectrumDecisionFactory(framework=framework, person=first.person, supersedes=first)

    with pytest.raises(IntegrityError), transaction.atomic():
        SpectrumDecisionFactory(framework=framework, person=first.person, supersedes=first)


def test_a_replaced_decision_can_no_longer_be_authorised_or_corrected(
    record, indicator, practitioner, fc_manager
):
    child = ChildFactory()
    first = record(person=child)
    record(person=child, supersedes=first)

    with pytest.raises(SpectrumDecisionError, match="later decision has replaced"):
        spectrum_decision_authorise(decision=first, authorised_by=fc_manager)
    with pytest.raises(SpectrumDecisionError, match="later decision has replaced"):
        spectrum_decision_update(
            decision=first,
            changed_by=practitioner,
            indicator_ids=[indicator("ES-HEALTH-01").pk],
            decided_level=ES,
            rationale="",
        )
