import logging

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.parametrize("persona", ["anonymous", "practitioner"])
def test_every_page_carries_the_security_headers_and_is_never_cached(client_for, persona):
    response = client_for(persona).get(
        reverse("accounts:sign-in") if persona == "anonymous" else reverse("home")
    )

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store, max-age=0"


def test_https_responses_carry_strict_transport_security(settings, db):
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = Client().get(reverse("accounts:sign-in"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_pages_have_no_inline_scripts_or_styles(client_for):
    content = client_for("practitioner").get(reverse("home")).content.decode()

    assert "<script>" not in content
    assert " style=" not in content


def test_the_header_shows_the_council_and_service_but_no_crown(client_for):
    content = client_for("practitioner").get(reverse("home")).content.decode()

    assert "Warwickshire County Council" in content
    assert "Family Connect" in content
    assert "govuk-logo" not in content and "crown" not in content.lower()


@pytest.mark.parametrize(
    ("persona", "expected", "absent"),
    [
        ("practitioner", [], ["Access log", "Administration"]),
        ("auditor", ["Access log"], ["Administration"]),
        ("administrator", ["Access log", "Administration"], []),
    ],
)
def test_navigation_follows_the_role(client_for, persona, expected, absent):
    content = client_for(persona).get(reverse("home")).content.decode()

    assert all(f">{label}</a>" in content for label in expected)
    assert not any(f">{label}</a>" in content for label in absent)


def test_a_missing_record_gets_a_plain_404_page(client_for):
    response = client_for("practitioner").get("/people/00000000-0000-0000-0000-000000000000/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_forbidden_page_says_so_without_detail(client_for):
    response = client_for("practitioner").get(reverse("audit:access-log"))

    assert response.status_code == 403
    assert "You cannot see this page" in response.content.decode()


def test_an_unexpected_failure_shows_a_plain_page_with_a_reference_and_is_logged(
    client_for, settings, caplog
):
    settings.ROOT_URLCONF = "tests.familyfirst.failing_urls"
    client = client_for("practitioner")
    client.raise_request_exception = False
    logging.getLogger("django.request").addHandler(caplog.handler)

    try:
        response = client.get("/explode/")
    finally:
        logging.getLogger("django.request").removeHandler(caplog.handler)

    content = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in content
    assert response["X-Request-ID"] in content
    assert "secret detail" not in content and "Traceback" not in content
    assert any(
        "secret detail" in str(record.exc_info[1]) for record in caplog.records if record.exc_info
    )


def test_the_health_check_answers_ok(db):
    response = Client().get(reverse("healthz"))

    assert response.json() == {"status": "ok"}
