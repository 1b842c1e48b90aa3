import json
from pathlib import Path

import pytest
from django.conf import settings

from accounts.personas import PERSONAS
from locality.models import Area, District, RoutingLevel, RoutingRule, RoutingRuleChange, Team
from locality.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("ons_code", "name", "area"),
    [
        ("E07000218", "North Warwickshire", "North"),
        ("E07000219", "Nuneaton and Bedworth", "North"),
        ("E07000220", "Rugby", "East"),
        ("E07000221", "Stratford-on-Avon", "South"),
        ("E07000222", "Warwick", "South"),
    ],
)
def test_the_five_districts_have_their_ons_codes_and_areas(reference_data, ons_code, name, area):
    district = District.objects.get(ons_code=ons_code)

    assert (district.name, district.area.name) == (name, area)


@pytest.mark.parametrize(
    ("team_type", "count"),
    [
        ("FAMILY_CONNECT", 1),
        ("FAMILY_HELP", 5),
        ("FAST", 3),
        ("CWD", 3),
        ("MACPT", 2),
        ("FAMILY_NETWORK", 1),
    ],
)
def test_the_teams_of_each_type_are_loaded(reference_data, team_type, count):
    assert Team.objects.filter(team_type=team_type).count() == count


@pytest.mark.parametrize(
    ("slug", "areas"),
    [("macpt-north", {"north", "east"}), ("macpt-south", {"south"})],
)
def test_the_north_macpt_covers_north_and_east_and_the_south_macpt_the_south(
    reference_data, slug, areas
):
    assert set(Team.objects.get(slug=slug).areas.values_list("code", flat=True)) == areas


@pytest.mark.parametrize(
    ("slug", "phone", "email"),
    [
        ("family-connect", "01926 414144", "familyconnect@warwickshire.gov.uk"),
        ("family-network-service", "01926 414147", "fns@warwickshire.gov.uk"),
    ],
)
def test_letters_have_the_teams_contact_details(reference_data, slug, phone, email):
    team = Team.objects.get(slug=slug)

    assert (team.phone, team.email) == (phone, email)


def test_every_persona_team_still_exists(reference_data):
    slugs = {persona.team_slug for persona in PERSONAS if persona.team_slug}

    assert slugs <= set(Team.objects.values_list("slug", flat=True))


def test_the_routing_rules_are_seeded_once_and_logged_as_created_by_setup(reference_data):
    assert RoutingRule.objects.count() == 5
    assert set(RoutingRuleChange.objects.values_list("changed_by", flat=True)) == {None}


def test_loading_again_keeps_administrators_changes_to_rules_and_teams(reference_data):
    RoutingRule.objects.filter(position=50).update(name="Renamed by an administrator")
    RoutingRule.objects.exclude(position=50).delete()
    Team.objects.filter(slug="fast-east").update(phone="01926 000000")

    created = reference_data_load()

    assert created == {"areas": 0, "districts": 0, "teams": 0, "routing_rules": 0}
    assert list(RoutingRule.objects.values_list("name", flat=True)) == [
        "Renamed by an administrator"
    ]
    assert Team.objects.get(slug="fast-east").phone == "01926 000000"
    assert Area.objects.count() == 3


def test_the_routing_levels_are_the_spectrum_of_support_levels():
    framework = json.loads(
        (Path(settings.BASE_DIR) / "spectrum" / "data" / "framework_v1.json").read_text()
    )

    assert [level["code"] for level in framework["levels"]] == RoutingLevel.values
