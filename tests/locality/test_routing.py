from datetime import date

import pytest

from locality.models import (
    ConcernKind,
    RoutingLevel,
    RoutingOverride,
    RoutingRule,
    RoutingRuleChange,
    RoutingRuleChangeAction,
    Team,
    TeamChosenBy,
    TeamType,
)
from locality.selectors import RoutingInputError, age_in_years, routing_resolve
from locality.services import (
    RoutingOverrideInvalid,
    routing_override_record,
    routing_rule_delete,
    routing_rule_save,
)
from tests.locality.factories import RoutingRuleFactory, TeamFactory

pytestmark = pytest.mark.usefixtures("postcodes")

DECISION_DATE = date(2026, 3, 2)
ELEVEN_TODAY = date(2015, 3, 2)
TEN_UNTIL_TOMORROW = date(2015, 3, 3)
FOUR_YEARS_OLD = date(2022, 1, 15)

RUGBY = "CV21 2AB"  # East area
NUNEATON = "CV10 0AA"  # North area
STRATFORD = "CV37 6AA"  # South area
WARWICK = "CV34 4RL"  # South area


def resolve(**overrides):
    inputs = {
        "postcode": RUGBY,
        "level": RoutingLevel.FAMILY_HELP,
        "concerns": [],
        "severe_disability": False,
        "date_of_birth": FOUR_YEARS_OLD,
        "on": DECISION_DATE,
    }
    inputs.update(overrides)
    return routing_resolve(**inputs)


def slug(result):
    return result.team.slug if result.team else None


@pytest.mark.parametrize(
    ("postcode", "team"),
    [
        (RUGBY, "macpt-north"),
        (NUNEATON, "macpt-north"),
        (STRATFORD, "macpt-south"),
        (WARWICK, "macpt-south"),
    ],
)
def test_immediate_protection_goes_to_the_macpt_for_the_childs_area(postcode, team):
    result = resolve(postcode=postcode, level=RoutingLevel.IMMEDIATE_PROTECTION)

    assert slug(result) == team


def test_immediate_protection_comes_before_every_other_rule():
    result = resolve(
        level=RoutingLevel.IMMEDIATE_PROTECTION,
        concerns=[ConcernKind.EXPLOITATION],
        date_of_birth=ELEVEN_TODAY,
        severe_disability=True,
    )

    assert slug(result) == "macpt-north"


@pytest.mark.parametrize(
    "concern",
    [ConcernKind.EXPLOITATION, ConcernKind.MISSING, ConcernKind.GANGS, ConcernKind.TRAFFICKING],
)
def test_family_help_for_harm_outside_the_home_at_eleven_goes_to_fast_for_the_area(concern):
    result = resolve(concerns=[concern], date_of_birth=ELEVEN_TODAY)

    assert slug(result) == "fast-east"
    assert "The child is 11 on 2 March 2026, the day of this decision." in result.reasons


def test_a_child_of_ten_the_day_before_their_eleventh_birthday_stays_with_the_locality():
    result = resolve(concerns=[ConcernKind.EXPLOITATION], date_of_birth=TEN_UNTIL_TOMORROW)

    assert (slug(result), result.age_years) == ("family-help-rugby", 10)


def test_the_age_is_worked_out_on_the_day_of_the_decision():
    on_the_birthday = resolve(
        concerns=[ConcernKind.MISSING], date_of_birth=TEN_UNTIL_TOMORROW, on=date(2026, 3, 3)
    )

    assert slug(on_the_birthday) == "fast-east"


def test_harm_outside_the_home_that_is_not_the_main_concern_does_not_route_to_fast():
    result = resolve(
        concerns=[ConcernKind.ABUSE_NEGLECT, ConcernKind.EXPLOITATION], date_of_birth=ELEVEN_TODAY
    )

    assert slug(result) == "family-help-rugby"


def test_early_support_for_harm_outside_the_home_stays_with_the_locality():
    result = resolve(
        level=RoutingLevel.EARLY_SUPPORT, concerns=[ConcernKind.GANGS], date_of_birth=ELEVEN_TODAY
    )

    assert slug(result) == "family-help-rugby"


@pytest.mark.parametrize(
    ("postcode", "level", "team"),
    [
        (RUGBY, RoutingLevel.FAMILY_HELP, "cwd-east"),
        (NUNEATON, RoutingLevel.EARLY_SUPPORT, "cwd-north"),
        (WARWICK, RoutingLevel.FAMILY_HELP, "cwd-south"),
    ],
)
def test_a_severe_or_profound_disability_goes_to_children_with_disabilities_for_the_area(
    postcode, level, team
):
    result = resolve(postcode=postcode, level=level, severe_disability=True)

    assert slug(result) == team


@pytest.mark.parametrize(
    ("postcode", "team"),
    [
        ("B46 1AA", "family-help-north-warwickshire"),
        (NUNEATON, "family-help-nuneaton-bedworth"),
        (RUGBY, "family-help-rugby"),
        (STRATFORD, "family-help-stratford"),
        (WARWICK, "family-help-warwick"),
    ],
)
@pytest.mark.parametrize("level", [RoutingLevel.EARLY_SUPPORT, RoutingLevel.FAMILY_HELP])
def test_early_support_and_family_help_go_to_the_locality_team_for_the_district(
    postcode, team, level
):
    result = resolve(postcode=postcode, level=level)

    assert slug(result) == team
    assert result.reasons[-1].startswith(Team.objects.get(slug=team).name)


def test_universal_needs_get_advice_and_no_team():
    result = resolve(level=RoutingLevel.UNIVERSAL, severe_disability=True)

    assert result.team is None
    assert result.rule.name == "Universal: advice, information and guidance"
    assert any("advice, information and guidance" in reason for reason in result.reasons)


def test_an_unborn_child_routes_by_the_expectant_parents_address_and_says_so():
    result = resolve(
        date_of_birth=None,
        expected_date_of_birth=date(2026, 6, 1),
        postcode=STRATFORD,
        level=RoutingLevel.IMMEDIATE_PROTECTION,
    )

    assert (slug(result), result.is_unborn, result.age_years) == ("macpt-south", True, None)
    assert result.reasons[0].startswith(
        "The child is not born yet, so the case goes by the expectant parent's address"
    )


def test_an_unborn_child_never_fits_a_rule_with_a_minimum_age():
    result = resolve(
        date_of_birth=None,
        expected_date_of_birth=date(2026, 6, 1),
        concerns=[ConcernKind.EXPLOITATION],
    )

    assert slug(result) == "family-help-rugby"


def test_a_child_outside_warwickshire_is_a_transfer_to_the_home_authority():
    result = resolve(postcode="CV1 2AA", level=RoutingLevel.IMMEDIATE_PROTECTION)

    assert (result.team, result.outside_county, result.la_code) == (None, True, "E08000026")
    assert "transfers to the child's home authority" in result.reasons[0]


def test_a_partial_postcode_across_areas_offers_a_team_per_district_and_no_single_team():
    result = resolve(postcode="CV21", level=RoutingLevel.IMMEDIATE_PROTECTION)

    assert result.team is None
    assert result.needs_district_choice
    assert {(c.district.name, c.team.slug) for c in result.candidates} == {
        ("Rugby", "macpt-north"),
        ("Warwick", "macpt-south"),
    }


def test_the_district_the_practitioner_chooses_for_a_partial_postcode_decides_the_team():
    result = resolve(postcode="CV21", district_code="E07000222")

    assert slug(result) == "family-help-warwick"
    assert result.reasons[0] == "The practitioner chose Warwick, in the South area, for CV21."


def test_a_partial_postcode_whose_districts_share_one_team_needs_no_choice():
    result = resolve(postcode="CV10 7", level=RoutingLevel.IMMEDIATE_PROTECTION)

    assert slug(result) == "macpt-north"


def test_choosing_a_district_the_postcode_cannot_be_in_is_refused():
    with pytest.raises(RoutingInputError) as raised:
        resolve(postcode="CV21", district_code="E07000218")

    assert raised.value.field == "district"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"postcode": "not a postcode"}, "postcode"),
        ({"postcode": "CV36 9YY"}, "postcode"),
        ({"date_of_birth": None}, "date_of_birth"),
        ({"expected_date_of_birth": date(2026, 6, 1)}, "expected_date_of_birth"),
        ({"date_of_birth": date(2026, 3, 3)}, "date_of_birth"),
        ({"level": "TIER_3"}, "level"),
        ({"concerns": ["WITCHCRAFT"]}, "concerns"),
    ],
)
def test_inputs_that_cannot_be_decided_on_are_refused_with_the_field_named(inputs, field):
    with pytest.raises(RoutingInputError) as raised:
        resolve(**inputs)

    assert raised.value.field == field
    assert str(raised.value)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2016, 2, 29), date(2027, 2, 28), 10),
        (date(2016, 2, 29), date(2027, 3, 1), 11),
        (date(2016, 2, 29), date(2028, 2, 29), 12),
        (date(2015, 3, 3), date(2026, 3, 2), 10),
        (date(2015, 3, 3), date(2026, 3, 3), 11),
    ],
)
def test_age_in_whole_years_counts_a_leap_day_birthday_from_the_first_of_march(born, on, age):
    assert age_in_years(date_of_birth=born, on=on) == age


def test_a_rule_changed_through_the_service_takes_effect_on_the_next_decision_and_is_logged(
    administrator,
):
    fast = RoutingRule.objects.get(team_type=TeamType.FAST)
    before = resolve(concerns=[ConcernKind.EXPLOITATION], date_of_birth=TEN_UNTIL_TOMORROW)

    fast.min_age_years = 10
    change = routing_rule_save(rule=fast, changed_by=administrator)
    after = resolve(concerns=[ConcernKind.EXPLOITATION], date_of_birth=TEN_UNTIL_TOMORROW)

    assert (slug(before), slug(after)) == ("family-help-rugby", "fast-east")
    assert (
        change.action,
        change.changed_by,
        change.before["min_age_years"],
        change.after["min_age_years"],
    ) == (
        RoutingRuleChangeAction.CHANGED,
        administrator,
        11,
        10,
    )


def test_saving_a_rule_unchanged_writes_no_log_row(administrator):
    rule = RoutingRule.objects.first()
    logged = RoutingRuleChange.objects.count()

    change = routing_rule_save(rule=rule, changed_by=administrator)

    assert change is None
    assert RoutingRuleChange.objects.count() == logged


def test_a_deactivated_rule_no_longer_decides(administrator):
    disability = RoutingRule.objects.get(team_type=TeamType.CWD)
    disability.is_active = False
    routing_rule_save(rule=disability, changed_by=administrator)

    result = resolve(severe_disability=True)

    assert slug(result) == "family-help-rugby"


def test_a_deleted_rule_keeps_its_history(administrator):
    rule = RoutingRule.objects.get(team_type=TeamType.CWD)

    change = routing_rule_delete(rule=rule, deleted_by=administrator)

    change.refresh_from_db()
    assert (change.rule, change.rule_name, change.after) == (None, rule.name, None)
    assert change.before["team_type"] == TeamType.CWD


def test_a_new_rule_placed_first_decides_before_the_others(administrator):
    routing_rule_save(
        rule=RoutingRuleFactory.build(
            position=1,
            levels=[RoutingLevel.FAMILY_HELP],
            main_concern_kinds=[ConcernKind.YOUNG_CARER],
            team_type=TeamType.FAMILY_NETWORK,
            team_chosen_by=TeamChosenBy.COUNTY,
        ),
        changed_by=administrator,
    )

    result = resolve(concerns=[ConcernKind.YOUNG_CARER])

    assert slug(result) == "family-network-service"
    assert result.reasons[-1] == "Family Network Service serves the whole county."


def test_when_no_rule_fits_a_manager_decides():
    RoutingRule.objects.all().delete()

    result = resolve()

    assert (result.team, result.rule) == (None, None)
    assert "a Family Connect manager decides" in result.reasons[-1]


def test_when_no_active_team_serves_the_area_the_reason_says_so():
    Team.objects.filter(slug="fast-east").update(is_active=False)

    result = resolve(concerns=[ConcernKind.EXPLOITATION], date_of_birth=ELEVEN_TODAY)

    assert result.team is None
    assert (
        "No active team of the type “Family and Adolescent Support Team” serves the East area"
        in result.reasons[-1]
    )


def test_when_two_active_teams_serve_the_area_a_manager_chooses():
    second = TeamFactory(team_type=TeamType.FAST, name="FAST East 2")
    second.areas.set(Team.objects.get(slug="fast-east").areas.all())

    result = resolve(concerns=[ConcernKind.EXPLOITATION], date_of_birth=ELEVEN_TODAY)

    assert result.team is None
    assert "FAST East, FAST East 2" in result.reasons[-1]


def test_an_override_with_a_reason_is_recorded(practitioner):
    suggestion = resolve()
    chosen = Team.objects.get(slug="family-help-warwick")

    override = routing_override_record(
        suggestion=suggestion,
        chosen_team=chosen,
        reason="The family moves to Leamington next week.",
        overridden_by=practitioner,
    )

    override.refresh_from_db()
    assert (override.suggested_team.slug, override.chosen_team, override.overridden_by) == (
        "family-help-rugby",
        chosen,
        practitioner,
    )
    assert override.suggested_reasons == suggestion.reasons
    assert RoutingOverride.objects.count() == 1


@pytest.mark.parametrize(
    ("team_slug", "reason", "message"),
    [
        ("family-help-warwick", "  ", "Enter why the case should go to a different team"),
        ("family-help-rugby", "Because", "Choose a different team from the one suggested"),
    ],
)
def test_an_override_needs_a_reason_and_a_different_team(practitioner, team_slug, reason, message):
    with pytest.raises(RoutingOverrideInvalid) as raised:
        routing_override_record(
            suggestion=resolve(),
            chosen_team=Team.objects.get(slug=team_slug),
            reason=reason,
            overridden_by=practitioner,
        )

    assert str(raised.value) == message
