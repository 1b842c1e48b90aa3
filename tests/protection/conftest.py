"""An immediate-protection referral made and authorised at the front door, as the MACPT gets it."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import case_accept, case_allocate
from people.models import Person
from protection.models import StrategyDiscussion
from referrals.models import Outcome
from tests.cases.conftest import refer  # noqa: F401 - fixture
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture


def last_working_day_before(day, days_back=0):
    """A recent weekday (the discussion was held then), so dates in the past are valid."""
    from familyfirst.clocks import is_working_day

    day -= timedelta(days=days_back)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


@pytest.fixture
def macpt_case(refer, rugby_family):  # noqa: F811
    """Mia Dawson's immediate-protection case in MACPT North's incoming queue."""
    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION)
    # Referred six weeks ago, so the tests can hold meetings on past working days.
    Case.objects.filter(opened_by=link).update(
        referral_date=timezone.localdate() - timedelta(weeks=6)
    )
    return Case.objects.get(opened_by=link)


@pytest.fixture
def allocated_case(macpt_case, macpt_manager, lcpp):
    case_accept(case=macpt_case, manager=macpt_manager)
    return case_allocate(case=macpt_case, worker=lcpp, manager=macpt_manager)


@pytest.fixture
def discussion(allocated_case):
    return StrategyDiscussion.objects.get(case=allocated_case)


def held_at(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


@pytest.fixture
def second_child(rugby_family):  # noqa: F811
    return Person.objects.create(
        given_name="Alfie",
        family_name="Dawson",
        date_of_birth=rugby_family["child"].date_of_birth,
    )


@pytest.fixture
def found_here(postcodes):  # noqa: F811
    """Kai, found in Warwickshire, who lives in Coventry (CV1 2AA, E08000026)."""
    from people.models import PersonAddress

    child = Person.objects.create(
        given_name="Kai", family_name="Brook", date_of_birth=date(2016, 5, 4)
    )
    PersonAddress.objects.create(
        person=child, postcode="CV1 2AA", postcode_outward="CV1", start_date=timezone.localdate()
    )
    return child
