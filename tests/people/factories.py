import datetime as dt

import factory
from faker import Faker

from accounts.models import Role, User
from people.services import PersonDetails, person_create

fake = Faker("en_GB")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"people.staff.{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    role = Role.FC_PRACTITIONER


class PersonFactory(factory.Factory):
    """A person recorded through ``people.services.person_create``, so search can find them."""

    class Meta:
        model = PersonDetails

    given_name = factory.LazyFunction(fake.first_name)
    family_name = factory.LazyFunction(fake.last_name)
    date_of_birth = factory.LazyFunction(
        lambda: fake.date_between(start_date=dt.date(2008, 1, 1), end_date=dt.date(2024, 12, 31))
    )

    @classmethod
    def _create(cls, model_class, *args, created_by=None, **kwargs):
        return person_create(details=model_class(*args, **kwargs), created_by=created_by)


def valid_nhs_number(seed: int) -> str:
    """A synthetic NHS number (999 test range) with a valid modulus 11 check digit."""
    from nhs_number import calculate_checksum

    body = 999_000_000 + seed
    while calculate_checksum(str(body)) == 10:
        body += 1
    return f"{body}{calculate_checksum(str(body))}"


def valid_upn(serial: int = 1, la: str = "937") -> str:
    from people.identifiers import upn_check_letter

    body = f"{la}2001{15:02d}{serial:03d}"
    return upn_check_letter(body) + body
