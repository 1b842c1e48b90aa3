import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PERSONA_PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _password_step(client: Client, username: str, password: str = PERSONA_PASSWORD):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_a_correct_password_alone_leads_to_the_security_code_step(practitioner):
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()

    response = _password_step(client, practitioner.username)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert client.get(reverse("home")).status_code == 302


def test_the_right_security_code_completes_sign_in(practitioner):
    device = TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()
    _password_step(client, practitioner.username)

    response = client.post(reverse("accounts:verify"), {"token": _code(device), "next": "/"})

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_security_code_is_refused_with_a_message_beside_the_field(practitioner):
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()
    _password_step(client, practitioner.username)

    response = client.post(reverse("accounts:verify"), {"token": "123456"})

    assert response.status_code == 200
    assert "The security code is not right" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_user_without_an_authenticator_is_sent_to_pair_one(practitioner):
    client = Client()
    _password_step(client, practitioner.username)

    response = client.get(reverse("accounts:verify"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:set-up-authenticator"))


def test_a_password_alone_cannot_pair_a_second_authenticator(practitioner):
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()
    _password_step(client, practitioner.username)

    response = client.get(reverse("accounts:set-up-authenticator"))

    assert response["Location"].startswith(reverse("accounts:verify"))
    assert TOTPDevice.objects.filter(user=practitioner).count() == 1


def test_the_api_refuses_a_session_that_has_not_passed_two_factor(practitioner):
    TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()
    _password_step(client, practitioner.username)

    response = client.get(reverse("api-schema"))

    assert response.status_code == 403


def test_with_mfa_switched_off_the_password_is_enough_and_a_banner_says_so(practitioner, settings):
    settings.REQUIRE_MFA = False
    client = Client()

    _password_step(client, practitioner.username)
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "two-factor sign-in is switched off" in response.content.decode()


def test_with_mfa_on_no_banner_is_shown(client_for):
    response = client_for("practitioner").get(reverse("home"))

    assert "two-factor sign-in is switched off" not in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_password(
    practitioner, settings
):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _password_step(client, practitioner.username, "wrong-password")

    response = _password_step(client, practitioner.username)

    assert response.status_code == 429
    assert "Your account is locked for now" in response.content.decode()


def test_a_few_wrong_passwords_then_the_right_one_signs_in(practitioner, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _password_step(client, practitioner.username, "wrong-password")

    response = _password_step(client, practitioner.username)

    assert response.status_code == 302


def test_sessions_expire_after_thirty_idle_minutes_and_each_request_renews_them(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_the_idle_timeout_and_warning_reach_the_page(client_for):
    response = client_for("practitioner").get(reverse("home"))

    content = response.content.decode()
    assert 'data-idle-timeout="1800"' in content
    assert 'data-idle-warning="120"' in content


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/"])
def test_sign_in_never_redirects_to_another_site(practitioner, next_url):
    device = TOTPDevice.objects.create(user=practitioner, name="Phone", confirmed=True)
    client = Client()
    _password_step(client, practitioner.username)

    response = client.post(reverse("accounts:verify"), {"token": _code(device), "next": next_url})

    assert response["Location"] == reverse("home")


def test_the_keep_alive_answers_a_signed_in_post(client_for):
    response = client_for("practitioner").post(reverse("accounts:keep-alive"))

    assert response.status_code == 204


def test_signing_out_needs_a_post_and_ends_the_session(client_for):
    client = client_for("practitioner")

    response = client.post(reverse("accounts:sign-out"))

    assert response["Location"] == reverse("accounts:signed-out")
    assert client.get(reverse("home")).status_code == 302
