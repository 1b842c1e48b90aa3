"""Synthetic families for the demo (Faker en_GB, real Warwickshire postcodes): enough to search
for, add to a consultation and route. Never run against real data: demo_setup refuses unless
DEBUG is on, and this adds nothing once any person exists."""

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from faker import Faker

from locality.models import Postcode
from people.codes import Sex
from people.models import Person, RelationshipKind
from people.services import PersonDetails, lives_with_record, person_create, relationship_record

DISTRICTS = ["E07000218", "E07000219", "E07000220", "E07000221", "E07000222"]


def _born(today: dt.date, rng: random.Random, low: int, high: int) -> dt.date:
    return today - relativedelta(years=rng.randint(low, high), days=rng.randint(0, 364))


@transaction.atomic
def demo_families_ensure(*, created_by, families: int = 12, seed: int = 2026) -> int:
    """Create ``families`` households (a parent with parental responsibility, sometimes a second,
    two or three children, now and then an expected baby), unless people already exist."""
    if Person.objects.exists():
        return 0
    fake, rng, today = Faker("en_GB"), random.Random(seed), timezone.localdate()
    fake.seed_instance(seed)
    postcodes = {
        district: list(
            Postcode.objects.filter(la_code=district).values_list("postcode", flat=True)[:200]
        )
        for district in DISTRICTS
    }
    made = 0
    for number in range(families):
        district = DISTRICTS[number % len(DISTRICTS)]
        postcode = rng.choice(postcodes[district]) if postcodes[district] else ""
        family_name = fake.last_name()
        street = fake.street_address()

        def person(
            given,
            born=None,
            expected=None,
            sex=Sex.UNKNOWN,
            *,
            family_name=family_name,
            street=street,
            postcode=postcode,
        ):
            return person_create(
                details=PersonDetails(
                    given_name=given,
                    family_name=family_name,
                    date_of_birth=born,
                    expected_date_of_birth=expected,
                    sex=sex,
                    address_line_1=street,
                    postcode=postcode,
                ),
                created_by=created_by,
            )

        mother = person(fake.first_name_female(), _born(today, rng, 24, 45), sex=Sex.FEMALE)
        adults = [mother]
        if rng.random() < 0.5:
            adults.append(person(fake.first_name_male(), _born(today, rng, 25, 50), sex=Sex.MALE))
        children = []
        for _ in range(rng.randint(2, 3)):
            sex = rng.choice([Sex.FEMALE, Sex.MALE])
            given = fake.first_name_female() if sex == Sex.FEMALE else fake.first_name_male()
            children.append(person(given, _born(today, rng, 0, 17), sex=sex))
        if rng.random() < 0.2:
            children.append(
                person("Baby", expected=today + dt.timedelta(days=rng.randint(20, 150)))
            )
        for child in children:
            for adult in adults:
                relationship_record(
                    from_person=adult,
                    to_person=child,
                    kind=RelationshipKind.PARENT,
                    parental_responsibility=True,
                    created_by=created_by,
                )
        household = adults + children
        for other in household[1:]:
            lives_with_record(person_a=mother, person_b=other, created_by=created_by)
        made += 1
    return made
