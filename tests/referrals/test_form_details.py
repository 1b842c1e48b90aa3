"""GOV.UK form details on the consultation journey (issue 19, point 9): long answers state their
limit and count characters; too long is an error next to the field, with the red border, one
error summary, and nothing typed lost."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import verified_client
from referrals.forms import TEXT_LIMITS
from referrals.services import consultation_start

pytestmark = pytest.mark.django_db


def _concerns(consultation):
    return reverse("referrals:step-concerns", args=[consultation.pk])


def test_long_answers_state_their_limit_without_javascript(practitioner):
    consultation = consultation_start(practitioner=practitioner)
    html = verified_client(practitioner).get(_concerns(consultation)).content.decode()
    for name in ["concerns", "child_location_now", "family_knows", "child_views", "strengths"]:
        limit = TEXT_LIMITS[name]
        assert f'data-maxlength="{limit}"' in html
        assert f'id="id_{name}-info"' in html
        textarea = html.split(f'<textarea name="{name}"')[1].split(">", 1)[0]
        assert f"id_{name}-info" in textarea  # the limit is read out with the field
    assert "You can enter up to 5000 characters" in " ".join(html.split())


def test_too_long_is_an_error_next_to_the_field_keeping_what_was_typed(practitioner):
    consultation = consultation_start(practitioner=practitioner)
    typed = "Mia arrives hungry. " * 300  # 6,000 characters
    response = verified_client(practitioner).post(
        _concerns(consultation),
        {"concerns": typed, "strengths": "Nan helps", "version": consultation.version},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("govuk-error-summary__title") == 1
    assert "Enter 5,000 characters or fewer" in html
    assert "govuk-form-group--error" in html
    textarea = html.split('<textarea name="concerns"')[1].split(">", 1)[0]
    assert "govuk-textarea--error" in textarea and "govuk-input--error" not in textarea
    assert "Nan helps" in html and typed.strip() in html
    consultation.refresh_from_db()
    assert consultation.concerns == ""


def test_the_time_received_is_a_govuk_date_input_with_the_part_missing_named(practitioner):
    consultation = consultation_start(practitioner=practitioner)
    client = verified_client(practitioner)
    url = reverse("referrals:step-caller", args=[consultation.pk])
    html = client.get(url).content.decode()
    assert 'class="govuk-date-input"' in html
    for part in range(5):
        assert f'name="received_at_{part}"' in html
    for label in ("Day", "Month", "Year", "Hour", "Minute"):
        assert f">{label}</label>" in html

    response = client.post(
        url,
        {
            "received_at_0": "21",
            "received_at_1": "11",
            "received_at_2": "2026",
            "received_at_3": "",
            "received_at_4": "05",
            "caller_name": "Priya Shah",
            "version": consultation.version,
        },
    )
    html = response.content.decode()
    assert html.count("govuk-error-summary__title") == 1
    assert "When it was received must include an hour" in html
    assert "govuk-form-group--error" in html
    assert 'value="21"' in html and 'value="Priya Shah"' in html


def _typed(*parts) -> dict:
    return {f"received_at_{i}": part for i, part in enumerate(parts)}


def _parts(html: str) -> dict[int, str]:
    """Each part of the time received's date input: its class attribute, by position."""
    found = {}
    for tag in re.findall(r"<input[^>]*name=\"received_at_\d\"[^>]*>", html):
        index = int(re.search(r'name="received_at_(\d)"', tag).group(1))
        found[index] = re.search(r'class="([^"]*)"', tag).group(1)
    return found


def test_only_the_parts_missing_get_the_red_border(practitioner):
    consultation = consultation_start(practitioner=practitioner)
    client = verified_client(practitioner)
    url = reverse("referrals:step-caller", args=[consultation.pk])
    html = client.post(
        url,
        {
            **_typed("21", "", "2026", "", "05"),
            "version": consultation.version,
        },
    ).content.decode()
    assert "When it was received must include a month and an hour" in html
    assert html.count("govuk-error-summary__title") == 1
    assert 'href="#id_received_at_1"' in html  # the summary links to the first part missing
    classes = _parts(html)
    assert [i for i, css in sorted(classes.items()) if "govuk-input--error" in css] == [1, 3]
    assert 'class="govuk-fieldset"' in html and 'class="govuk-date-input"' in html


def test_a_day_that_does_not_exist_is_named(practitioner):
    consultation = consultation_start(practitioner=practitioner)
    client = verified_client(practitioner)
    url = reverse("referrals:step-caller", args=[consultation.pk])
    typed = _typed("31", "11", "2026", "9", "5")
    html = client.post(url, {**typed, "version": consultation.version}).content.decode()
    assert "When it was received must be a real date" in html
    assert [i for i, css in sorted(_parts(html).items()) if "govuk-input--error" in css] == [
        0,
        1,
        2,
    ]
    assert 'value="31"' in html


def test_a_half_typed_time_is_kept_in_the_draft_and_shown_again(practitioner):
    """Autosave posts the parts as typed: the draft keeps them (not a time yet), the page shows
    them again with the message, the submit waits for them, and a whole time clears them."""
    consultation = consultation_start(practitioner=practitioner)
    before = consultation.received_at
    client = verified_client(practitioner)
    url = reverse("referrals:step-caller", args=[consultation.pk])
    half = _typed("20", "11", "20", "", "")
    response = client.post(
        url,
        {**half, "caller_name": "Priya Shah", "version": consultation.version},
        headers={"X-Autosave": "1"},
    )
    body = response.json()
    assert body["errors"]["received_at"] == [
        "When it was received must include an hour and a minute"
    ]
    assert body["error_parts"] == {"received_at": [3, 4]}
    consultation.refresh_from_db()
    assert consultation.typed_not_saved == {"received_at": ["20", "11", "20", "", ""]}
    assert consultation.received_at == before and consultation.caller_name == "Priya Shah"

    html = client.get(url).content.decode()
    assert 'value="20"' in html and "must include an hour and a minute" in html
    assert html.count("govuk-error-summary__title") == 1
    check = client.get(reverse("referrals:consultation", args=[consultation.pk])).content.decode()
    assert "Finish when it was received" in check

    whole = _typed("20", "11", "2026", "16", "00")
    response = client.post(
        url, {**whole, "version": consultation.version}, headers={"X-Autosave": "1"}
    )
    assert response.json()["errors"] == {}
    consultation.refresh_from_db()
    assert consultation.typed_not_saved == {}
    assert timezone.localtime(consultation.received_at).strftime("%d/%m/%Y %H:%M") == (
        "20/11/2026 16:00"
    )
    assert "must include" not in client.get(url).content.decode()
