import pytest

from locality.postcodes import (
    ENTER_A_POSTCODE,
    ENTER_A_REAL_POSTCODE,
    PostcodeInvalid,
    postcode_parse,
)


@pytest.mark.parametrize(
    ("typed", "read_as", "is_full"),
    [
        ("CV21 2AB", "CV21 2AB", True),
        ("cv212ab", "CV21 2AB", True),
        ("  cv21   2ab ", "CV21 2AB", True),
        ("B46 1AA", "B46 1AA", True),
        ("b461aa", "B46 1AA", True),
        ("W1A 1AA", "W1A 1AA", True),
        ("SW1A 1AA", "SW1A 1AA", True),
        ("M1 1AE", "M1 1AE", True),
        ("GIR 0AA", "GIR 0AA", True),
        ("CV21", "CV21", False),
        ("cv21 2", "CV21 2", False),
        ("CV212", "CV21 2", False),
        ("CV21 2A", "CV21 2A", False),
        ("B94", "B94", False),
        ("B941", "B94 1", False),
        ("CV1", "CV1", False),
        ("CV2 1", "CV2 1", False),
    ],
)
def test_a_postcode_or_the_start_of_one_is_read_whatever_its_spacing_and_case(
    typed, read_as, is_full
):
    query = postcode_parse(typed)

    assert (query.text, query.is_full) == (read_as, is_full)


def test_an_outward_code_typed_without_a_space_is_read_as_the_longest_outward_code():
    query = postcode_parse("CV21")

    assert (query.outward_code, query.inward) == ("CV21", "")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", ENTER_A_POSTCODE),
        ("   ", ENTER_A_POSTCODE),
        ("CV", ENTER_A_REAL_POSTCODE),
        ("12345", ENTER_A_REAL_POSTCODE),
        ("CV21 2ABC", ENTER_A_REAL_POSTCODE),
        ("CV21-2AB", ENTER_A_REAL_POSTCODE),
        ("CV21 AB", ENTER_A_REAL_POSTCODE),
        ("CI1 1AA", ENTER_A_REAL_POSTCODE),  # second letter I is not allowed
        ("CV21 2 AB", ENTER_A_REAL_POSTCODE),
        ("ÇV21 2AB", ENTER_A_REAL_POSTCODE),
        ("<script>", ENTER_A_REAL_POSTCODE),
        ("CV21 2AB; DROP TABLE", ENTER_A_REAL_POSTCODE),
    ],
)
def test_malformed_input_gets_a_clear_message(typed, message):
    with pytest.raises(PostcodeInvalid) as raised:
        postcode_parse(typed)

    assert str(raised.value) == message


def test_a_space_typed_in_the_wrong_place_is_not_silently_moved():
    with pytest.raises(PostcodeInvalid):
        postcode_parse("CV21 AB")  # not CV2 1AB, which is in Coventry
