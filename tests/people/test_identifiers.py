import pytest
from django.core.exceptions import ValidationError

from people.codes import Disability, Ethnicity, Sex
from people.identifiers import (
    NHS_NUMBER_MESSAGE,
    la_child_id_normalise,
    nhs_number_normalise,
    phone_normalise,
    postcode_normalise,
    postcode_query_normalise,
    upn_check_letter,
    upn_normalise,
)
from tests.people.factories import valid_nhs_number, valid_upn


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("943 476 5870", "9434765870"), ("943-476-5870", "9434765870"), ("9434765919", "9434765919")],
)
def test_a_valid_nhs_number_is_stored_as_ten_digits(typed, stored):
    assert nhs_number_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["9434765871", "943476587", "94347658700", "ABC4765870", ""])
def test_an_nhs_number_failing_the_modulus_11_check_gets_the_gov_uk_message(typed):
    with pytest.raises(ValidationError) as error:
        nhs_number_normalise(typed)

    assert error.value.messages == [NHS_NUMBER_MESSAGE]


def test_generated_test_range_nhs_numbers_are_valid():
    numbers = [valid_nhs_number(seed) for seed in range(50)]

    assert all(nhs_number_normalise(number) == number for number in numbers)


@pytest.mark.parametrize(
    "upn", ["B801200005001", valid_upn(1), valid_upn(42), valid_upn(7, la="838")]
)
def test_a_upn_with_the_right_check_letter_is_valid(upn):
    assert upn_normalise(upn.lower()) == upn


def test_a_temporary_upn_ending_in_a_letter_is_valid():
    body = "93720011500A"
    upn = upn_check_letter(body) + body

    assert upn_normalise(upn) == upn


@pytest.mark.parametrize(
    "upn",
    [
        "A801200005001",  # wrong check letter
        "E000200005001",  # LA 000 does not exist
        "X80120000A001",  # letters in the middle
        "B80120000500",  # too short
        "B80120000500I",  # I is never used
    ],
)
def test_a_bad_upn_is_refused(upn):
    with pytest.raises(ValidationError, match="Enter a valid UPN"):
        upn_normalise(upn)


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("WCC123456", True), ("A" * 20, True), ("A" * 21, False), ("WCC-123", False), ("", False)],
)
def test_a_local_child_id_is_up_to_20_letters_and_numbers(typed, ok):
    if ok:
        assert la_child_id_normalise(typed) == typed
    else:
        with pytest.raises(ValidationError, match="up to 20 letters and numbers"):
            la_child_id_normalise(typed)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("cv34 4rl", "CV34 4RL"),
        ("CV344RL", "CV34 4RL"),
        (" b1  1aa ", "B1 1AA"),
        ("SW1A1AA", "SW1A 1AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_stored_in_capitals_with_one_space(typed, stored):
    assert postcode_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["CV34", "CV34 4R", "12345", "CVV34 4RL", "CI34 4RL"])
def test_a_postcode_that_is_not_real_is_refused(typed):
    with pytest.raises(ValidationError, match="Enter a real postcode"):
        postcode_normalise(typed)


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [("cv34", ("OUTWARD", "CV34")), ("CV34 4RL", ("FULL", "CV34 4RL")), ("b1", ("OUTWARD", "B1"))],
)
def test_a_search_postcode_can_be_full_or_the_outward_code(typed, parsed):
    assert postcode_query_normalise(typed) == parsed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "+447700900982"),
        ("+44 7700 900982", "+447700900982"),
        ("0044 (0)7700 900982", "+447700900982"),
        ("01632 960001", "+441632960001"),
        ("+33 1 23 45 67 89", "+33123456789"),
    ],
)
def test_phone_numbers_are_stored_in_international_form(typed, stored):
    assert phone_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "07700 9009", "phone me", "00 1"])
def test_a_phone_number_that_cannot_be_dialled_is_refused(typed):
    with pytest.raises(ValidationError, match="Enter a phone number, like"):
        phone_normalise(typed)


@pytest.mark.parametrize(("codes", "count"), [(Ethnicity, 20), (Disability, 13), (Sex, 3)])
def test_the_cin_code_lists_are_complete(codes, count):
    assert len(codes.values) == count
