import factory

from locality.models import RoutingRule, Team, TeamChosenBy, TeamType


class RoutingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingRule

    position = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"Test rule {n}")
    levels = factory.LazyFunction(list)
    main_concern_kinds = factory.LazyFunction(list)
    team_type = TeamType.FAMILY_HELP
    team_chosen_by = TeamChosenBy.DISTRICT
    reason = "A reason in plain words."


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    slug = factory.Sequence(lambda n: f"test-team-{n}")
    name = factory.Sequence(lambda n: f"Test team {n}")
    team_type = TeamType.FAST
    serves = "Children in a test"
    phone = "01926 410000"
