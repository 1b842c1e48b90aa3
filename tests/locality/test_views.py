import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("postcodes")

URL = reverse("locality:postcode-check")


def test_the_empty_checker_shows_the_form_only(client_for):
    response = client_for("practitioner").get(URL)

    assert response.status_code == 200
    assert b'data-testid="postcode-result"' not in response.content
    assert b"Error:" not in response.content


@pytest.mark.parametrize(
    ("postcode", "shows"),
    [
        ("cv21 2ab", ["CV21 2AB: In Warwickshire", "Rugby (E07000220)", "Rugby Family Help team"]),
        ("B94", ["B94: In more than one place", "Stratford-on-Avon, South area", "E08000029"]),
        ("CV1 2AA", ["CV1 2AA: Outside Warwickshire", "E08000026"]),
    ],
)
def test_a_checked_postcode_shows_where_it_is(client_for, postcode, shows):
    response = client_for("rugby_fhlp").get(URL, {"postcode": postcode})

    content = response.content.decode()
    for text in shows:
        assert text in content


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter a postcode, like CV34 4RL"),
        ("CV21-2AB", "Enter a real postcode, like CV34 4RL"),
        ("CV36 9YY", "CV36 9YY is not in the ONS Postcode Directory"),
        ("X" * 30, "Postcode must be 8 characters or fewer"),
    ],
)
def test_a_bad_postcode_is_an_error_that_keeps_what_was_typed(client_for, postcode, message):
    response = client_for("practitioner").get(URL, {"postcode": postcode})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Check a postcode" in content
    assert message in content
    assert f'value="{postcode}"' in content or postcode == ""
