import datetime

import factory
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from people.models import Person
from spectrum.models import SpectrumDecision, SpectrumDecisionIndicator

fake = Faker("en_GB")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.LazyFunction(fake.first_name)
    family_name = factory.LazyFunction(fake.last_name)
    date_of_birth = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=365 * 8)
    )


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff.{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    role = Role.FC_PRACTITIONER


class SpectrumDecisionFactory(factory.django.DjangoModelFactory):
    """A decision written straight to the table, for reports and access tests. Tests of the
    rules themselves go through the services."""

    class Meta:
        model = SpectrumDecision
        skip_postgeneration_save = True

    person = factory.SubFactory(ChildFactory)
    framework = None  # pass the framework
    suggested_level = "EARLY_SUPPORT"
    suggestion_reasons = factory.LazyFunction(
        lambda: ["The one selected indicator is at Early Support."]
    )
    decided_level = factory.LazyAttribute(lambda o: o.suggested_level)
    rationale = factory.LazyAttribute(
        lambda o: (
            ""
            if o.decided_level == o.suggested_level and o.decided_level != "IMMEDIATE_PROTECTION"
            else "Professional judgement after talking with the school."
        )
    )
    decided_by = factory.SubFactory(StaffFactory)
    decided_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def indicators(self, create, extracted, **kwargs):
        if create and extracted:
            SpectrumDecisionIndicator.objects.bulk_create(
                SpectrumDecisionIndicator(decision=self, indicator=indicator)
                for indicator in extracted
            )
