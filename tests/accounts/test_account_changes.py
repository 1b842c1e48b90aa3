"""User administration is kept apart from case roles: nobody edits their own role or teams, and
a role or team change needs a second administrator."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountChange, AccountChangeKind, AccountChangeStatus, Role, User
from accounts.services import AccountChangeRefused, account_change_approve, account_change_request
from conftest import verified_client
from locality.models import Team

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def second_administrator(reference_data):
    return User.objects.create(
        username="bea.secondadmin",
        first_name="Bea",
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )


def _user_form(user, **changes) -> dict:
    joined = timezone.localtime(user.date_joined)
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "role": user.role,
        "job_title": user.job_title,
        "phone": user.phone,
        **changes,
    }


def test_an_administrator_cannot_make_himself_a_manager_in_the_admin(administrator):
    client = verified_client(administrator)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])

    response = client.post(url, _user_form(administrator, role=Role.FC_MANAGER))

    assert response.status_code == 302  # saved, without the role
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR


def test_nor_can_he_change_anyone_elses_role_there_directly(administrator, practitioner):
    client = verified_client(administrator)
    url = reverse("admin:accounts_user_change", args=[practitioner.pk])

    response = client.post(url, _user_form(practitioner, role=Role.FC_MANAGER))

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.role == Role.FC_PRACTITIONER


def test_team_memberships_are_shown_but_not_editable_on_the_team_page(administrator, practitioner):
    team = Team.objects.get(slug="family-connect")
    client = verified_client(administrator)

    response = client.get(reverse("admin:locality_team_change", args=[team.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Priya Shah" in body  # shown
    assert 'name="memberships-0-role_in_team"' not in body  # not editable
    assert 'name="memberships-0-DELETE"' not in body


def test_asking_for_a_change_to_your_own_role_is_refused_by_the_field(administrator):
    client = verified_client(administrator)

    response = client.post(
        reverse("admin:accounts_accountchange_add"),
        {
            "user": administrator.pk,
            "kind": AccountChangeKind.ROLE,
            "role": Role.FC_MANAGER,
            "reason": "Covering for Martin",
        },
    )

    assert response.status_code == 200
    assert "Nobody changes their own role or teams" in response.content.decode()
    assert AccountChange.objects.count() == 0


def test_a_role_change_is_made_only_when_a_second_administrator_approves_it(
    administrator, second_administrator, practitioner
):
    client = verified_client(administrator)
    client.post(
        reverse("admin:accounts_accountchange_add"),
        {
            "user": practitioner.pk,
            "kind": AccountChangeKind.ROLE,
            "role": Role.FC_MANAGER,
            "reason": "Promoted to Family Connect manager from 1 December",
        },
    )
    change = AccountChange.objects.get()
    practitioner.refresh_from_db()
    assert practitioner.role == Role.FC_PRACTITIONER  # not yet

    own = client.post(
        reverse("admin:accounts_accountchange_changelist"),
        {"action": "approve", "_selected_action": [change.pk]},
    )
    change.refresh_from_db()
    assert own.status_code == 302
    assert change.status == AccountChangeStatus.PENDING

    verified_client(second_administrator).post(
        reverse("admin:accounts_accountchange_changelist"),
        {"action": "approve", "_selected_action": [change.pk]},
    )

    change.refresh_from_db()
    practitioner.refresh_from_db()
    assert practitioner.role == Role.FC_MANAGER
    assert (change.status, change.requested_by, change.decided_by) == (
        AccountChangeStatus.APPROVED,
        administrator,
        second_administrator,
    )
    assert change.decided_at is not None


def test_a_team_change_joins_the_team_once_approved(
    administrator, second_administrator, rugby_fhlp
):
    warwick = Team.objects.get(slug="family-help-warwick")
    change = account_change_request(
        user=rugby_fhlp,
        kind=AccountChangeKind.JOIN_TEAM,
        team=warwick,
        requested_by=administrator,
        reason="Covering Warwick for a month",
    )

    account_change_approve(change=change, approved_by=second_administrator)

    assert rugby_fhlp.memberships.current(on=timezone.localdate()).filter(team=warwick).exists()


def test_an_approved_change_cannot_be_approved_again(
    administrator, second_administrator, practitioner
):
    change = account_change_request(
        user=practitioner,
        kind=AccountChangeKind.ROLE,
        role=Role.AUDITOR,
        requested_by=administrator,
        reason="Moving to information governance",
    )
    account_change_approve(change=change, approved_by=second_administrator)

    with pytest.raises(AccountChangeRefused, match="already approved"):
        account_change_approve(change=change, approved_by=second_administrator)


def test_only_administrators_ask_for_changes(fc_manager, practitioner):
    with pytest.raises(AccountChangeRefused, match="Only an administrator"):
        account_change_request(
            user=practitioner,
            kind=AccountChangeKind.ROLE,
            role=Role.FC_MANAGER,
            requested_by=fc_manager,
            reason="Please",
        )


# --- Deployment check and passwords -----------------------------------------------------------


def _check_deploy(require_mfa: str) -> str:
    env = {**os.environ, "REQUIRE_MFA": require_mfa}
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_warns_when_two_factor_sign_in_is_off():
    assert "accounts.W001" in _check_deploy("false")
    assert "accounts.W001" not in _check_deploy("true")


@pytest.mark.parametrize(
    "password",
    ["Password123456!", "qwertyuiop123", "iloveyou12345", "Liverpool2024!"],
)
def test_a_breached_or_guessable_password_is_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)

    codes = {error.code for error in refused.value.error_list}
    assert codes & {"password_breached", "password_too_guessable"}


def test_a_hard_to_guess_passphrase_is_accepted():
    validate_password("tangerine vestibule orbit quarry")


def test_the_admins_password_form_shows_why_a_breached_password_is_refused(
    administrator, practitioner
):
    client = verified_client(administrator)

    response = client.post(
        reverse("admin:auth_user_password_change", args=[practitioner.pk]),
        {"password1": "Password123456!", "password2": "Password123456!", "usable_password": "true"},
    )

    assert response.status_code == 200
    assert "stolen in data breaches" in response.content.decode()
