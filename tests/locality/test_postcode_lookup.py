import pytest

from locality.models import Postcode, PostcodeImport, PostcodeSector
from locality.onspd import onspd_letters, onspd_read
from locality.reference import warwickshire_la_codes
from locality.selectors import PostcodeStatus, postcode_lookup

pytestmark = pytest.mark.usefixtures("postcodes")


@pytest.mark.parametrize(
    ("typed", "district", "area"),
    [
        ("B46 1AA", "North Warwickshire", "North"),  # Coleshill
        ("CV9 1AA", "North Warwickshire", "North"),  # Atherstone
        ("CV10 0AA", "Nuneaton and Bedworth", "North"),
        ("CV11 6QJ", "Rugby", "East"),  # CV11 is mostly Nuneaton; this street is in Rugby
        ("CV21 2AB", "Rugby", "East"),
        ("CV37 6AA", "Stratford-on-Avon", "South"),
        ("CV34 4RL", "Warwick", "South"),  # Shire Hall
        ("cv324aa", "Warwick", "South"),
    ],
)
def test_a_full_postcode_from_every_district_resolves_to_its_district_and_area(
    typed, district, area
):
    lookup = postcode_lookup(text=typed)

    assert (lookup.status, lookup.district.name, lookup.area.name, lookup.in_county) == (
        PostcodeStatus.IN_COUNTY,
        district,
        area,
        True,
    )


@pytest.mark.parametrize(
    ("outward_code", "districts"),
    [
        ("CV10", {"North Warwickshire", "Nuneaton and Bedworth"}),
        ("CV11", {"Nuneaton and Bedworth", "Rugby"}),
        ("CV12", {"North Warwickshire", "Nuneaton and Bedworth", "Rugby"}),
        ("CV21", {"Rugby", "Warwick"}),
        ("CV23", {"Rugby", "Stratford-on-Avon", "Warwick"}),
        ("B94", {"Stratford-on-Avon", "Warwick"}),
    ],
)
def test_an_outward_code_that_spans_districts_offers_the_candidates_to_choose_from(
    outward_code, districts
):
    lookup = postcode_lookup(text=outward_code)

    assert lookup.status == PostcodeStatus.CHOOSE_DISTRICT
    assert {district.name for district in lookup.candidates} == districts
    assert lookup.district is None
    assert lookup.in_county is None


def test_a_split_outward_code_also_names_the_authorities_outside_warwickshire_it_reaches():
    lookup = postcode_lookup(text="B94")

    assert lookup.outside_la_codes == ("E08000029",)  # Solihull
    assert "outside Warwickshire (E08000029)" in lookup.message


def test_a_full_postcode_in_a_split_outward_code_still_resolves_to_one_district():
    in_warwick = Postcode.objects.filter(outward_code="CV21", la_code="E07000222").first()

    lookup = postcode_lookup(text=in_warwick.postcode)

    assert lookup.district.name == "Warwick"


@pytest.mark.parametrize(
    ("typed", "status", "districts"),
    [
        ("CV36", PostcodeStatus.IN_COUNTY, {"Stratford-on-Avon"}),
        ("CV21 2", PostcodeStatus.CHOOSE_DISTRICT, {"Rugby", "Warwick"}),
        ("CV212", PostcodeStatus.CHOOSE_DISTRICT, {"Rugby", "Warwick"}),
        ("B46 1A", PostcodeStatus.IN_COUNTY, {"North Warwickshire"}),
    ],
)
def test_a_partial_postcode_gives_the_districts_it_can_be_in(typed, status, districts):
    lookup = postcode_lookup(text=typed)

    assert lookup.is_partial
    assert lookup.status == status
    assert {district.name for district in lookup.candidates} == districts


def test_a_partial_postcode_wholly_in_one_district_resolves_to_it():
    lookup = postcode_lookup(text="cv36")

    assert (lookup.district.name, lookup.in_county, lookup.la_code) == (
        "Stratford-on-Avon",
        True,
        "E07000221",
    )


@pytest.mark.parametrize(
    ("typed", "la_code"),
    [
        ("CV1 2AA", "E08000026"),  # Coventry
        ("B1 1AA", "E08000025"),  # Birmingham
        ("B93 0AA", "E08000029"),  # Solihull, though B93 also reaches Warwick district
        ("LE10 0AA", "E07000132"),  # Hinckley and Bosworth
        ("OX1 1AA", "E07000178"),  # Oxford
    ],
)
def test_a_postcode_outside_warwickshire_resolves_to_outside_with_its_local_authority(
    typed, la_code
):
    lookup = postcode_lookup(text=typed)

    assert (lookup.status, lookup.in_county, lookup.la_code) == (
        PostcodeStatus.OUTSIDE_COUNTY,
        False,
        la_code,
    )
    assert "transfers to the child's home authority" in lookup.message


def test_an_outward_code_wholly_outside_warwickshire_is_outside_with_its_authority():
    lookup = postcode_lookup(text="CV1")

    assert (lookup.status, lookup.la_code) == (PostcodeStatus.OUTSIDE_COUNTY, "E08000026")


@pytest.mark.parametrize("typed", ["CV99 9ZZ", "CV36 9YY", "B46 9ZZ"])
def test_a_well_formed_postcode_missing_from_the_directory_says_so(typed):
    lookup = postcode_lookup(text=typed)

    assert lookup.status == PostcodeStatus.NOT_FOUND
    assert "not in the ONS Postcode Directory" in lookup.message


@pytest.mark.parametrize("typed", ["", "CV", "not a postcode", "CV21 2ABC"])
def test_malformed_input_is_invalid_with_a_message(typed):
    lookup = postcode_lookup(text=typed)

    assert lookup.status == PostcodeStatus.INVALID
    assert lookup.message.startswith("Enter a")


def test_every_warwickshire_postcode_in_the_package_is_in_the_table():
    in_county = warwickshire_la_codes()
    expected = set()
    for letter in onspd_letters():
        pcds, la_codes = onspd_read(letter)
        expected |= {
            f"{pcd[:4].rstrip()} {pcd[4:]}"
            for pcd, la_code in zip(pcds, la_codes, strict=True)
            if la_code in in_county
        }

    stored = set(Postcode.objects.values_list("postcode", flat=True))

    assert stored == expected
    assert set(Postcode.objects.values_list("la_code", flat=True).distinct()) == in_county


def test_the_import_records_the_release_it_came_from():
    latest = PostcodeImport.objects.latest()

    assert latest.postcodes == Postcode.objects.count()
    assert latest.sectors == PostcodeSector.objects.count() > 10_000
