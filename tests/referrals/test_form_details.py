"""GOV.UK form details on the consultation journey (issue 19, point 9): long answers state their
limit and count characters; too long is an error next to the field, with the red border, one
error summary, and nothing typed lost."""

import pytest
from django.urls import reverse

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
