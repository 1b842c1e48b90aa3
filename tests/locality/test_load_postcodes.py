from io import StringIO

import pytest
from django.core.management import call_command

from locality.models import Postcode, PostcodeImport, PostcodeSector
from locality.services import postcodes_load
from tests.locality.conftest import directory_rows

pytestmark = pytest.mark.usefixtures("postcodes")


def test_running_the_command_again_changes_nothing_and_says_so():
    imports = PostcodeImport.objects.count()
    out = StringIO()

    call_command("load_postcodes", stdout=out)

    assert "already loaded" in out.getvalue()
    assert PostcodeImport.objects.count() == imports


def test_forcing_a_reload_replaces_the_rows_without_duplicates():
    postcodes, sectors = Postcode.objects.count(), PostcodeSector.objects.count()

    summary = postcodes_load(force=True, directory_rows=directory_rows())

    assert not summary.skipped
    assert (Postcode.objects.count(), PostcodeSector.objects.count()) == (postcodes, sectors)
    assert (summary.postcodes, summary.sectors) == (postcodes, sectors)


def test_a_sector_spanning_authorities_keeps_each_units_authority():
    sector = PostcodeSector.objects.get(sector="CV21 2")

    assert len(sector.la_codes.split()) >= 2
    assert len(sector.la_index) * 2 == len(sector.units)
