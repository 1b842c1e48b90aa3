import pytest
from django.utils import timezone

from locality.models import Postcode
from people.models import PersonAddress
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


@pytest.fixture
def rugby_family(family, postcodes):  # noqa: F811
    """The shared family, living at a real Rugby postcode."""
    postcode = Postcode.objects.filter(la_code="E07000220").order_by("postcode").first().postcode
    for person in family.values():
        PersonAddress.objects.create(
            person=person,
            postcode=postcode,
            postcode_outward=postcode.split()[0],
            start_date=timezone.localdate(),
        )
    return {**family, "postcode": postcode}
