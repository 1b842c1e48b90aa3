from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from accounts.personas import Persona
from locality.models import Team, TeamMembership


@transaction.atomic
def persona_user_ensure(*, persona: Persona, password: str, start_date: date) -> User:
    """Create (or reset) the account for a demo or test persona, with its team membership."""
    user, _ = User.objects.update_or_create(
        username=persona.username,
        defaults={
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "email": f"{persona.username}@example.org",
            "role": persona.role,
            "job_title": persona.job_title,
            "is_staff": persona.is_staff,
            "is_superuser": persona.is_superuser,
            "is_active": True,
            "social_work_england_number": persona.social_work_england_number,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    if persona.team_slug:
        TeamMembership.objects.get_or_create(
            user=user,
            team=Team.objects.get(slug=persona.team_slug),
            defaults={"role_in_team": persona.role_in_team, "start_date": start_date},
        )
    return user


class AccountChangeRefused(Exception):
    """A role or team change that cannot be asked for or made; the message says why."""


def _require_administrator(user, action: str) -> None:
    from accounts import rules

    if not rules.can_administer(user):
        raise AccountChangeRefused(f"Only an administrator can {action}")


@transaction.atomic
def account_change_request(
    *,
    user: User,
    kind: str,
    requested_by: User,
    reason: str,
    role: str = "",
    team: Team | None = None,
    role_in_team: str = "",
):
    """Ask for a change to someone else's role or teams; a second administrator approves it."""
    from accounts.models import AccountChange, AccountChangeKind

    _require_administrator(requested_by, "ask for a role or team change")
    if user.pk == requested_by.pk:
        raise AccountChangeRefused(
            "Nobody changes their own role or teams: ask another administrator"
        )
    if kind == AccountChangeKind.ROLE and not role:
        raise AccountChangeRefused("Choose the new role")
    if kind in (AccountChangeKind.JOIN_TEAM, AccountChangeKind.LEAVE_TEAM) and team is None:
        raise AccountChangeRefused("Choose the team")
    if not reason.strip():
        raise AccountChangeRefused("Say why the change is needed")
    return AccountChange.objects.create(
        user=user,
        kind=kind,
        role=role if kind == AccountChangeKind.ROLE else "",
        team=team if kind != AccountChangeKind.ROLE else None,
        role_in_team=(role_in_team or "MEMBER") if kind == AccountChangeKind.JOIN_TEAM else "",
        reason=reason.strip(),
        requested_by=requested_by,
        requested_at=timezone.now(),
    )


def _pending_for_decision(change, decided_by):
    from accounts.models import AccountChange, AccountChangeStatus

    _require_administrator(decided_by, "approve a role or team change")
    change = AccountChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if change.status != AccountChangeStatus.PENDING:
        raise AccountChangeRefused(f"This change was already {change.get_status_display().lower()}")
    if decided_by.pk == change.requested_by_id:
        raise AccountChangeRefused("A second administrator must decide on a change you asked for")
    if decided_by.pk == change.user_id:
        raise AccountChangeRefused("Nobody decides on a change to their own role or teams")
    return change


def _decided(change, status: str, decided_by):
    change.status, change.decided_by, change.decided_at = status, decided_by, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    return change


@transaction.atomic
def account_change_approve(*, change, approved_by: User):
    """Make the change, recording who approved it and when."""
    from accounts.models import AccountChangeKind, AccountChangeStatus

    change = _pending_for_decision(change, approved_by)
    today = timezone.localdate()
    user = User.objects.select_for_update().get(pk=change.user_id)
    if change.kind == AccountChangeKind.ROLE:
        user.role = change.role
        user.save(update_fields=["role"])
    elif change.kind == AccountChangeKind.JOIN_TEAM:
        if user.memberships.current(on=today).filter(team=change.team).exists():
            raise AccountChangeRefused(f"{user} is already in {change.team}")
        TeamMembership.objects.create(
            user=user, team=change.team, role_in_team=change.role_in_team, start_date=today
        )
    else:
        # Ended yesterday, so no longer current today (a membership begun today ends today).
        yesterday = today - timedelta(days=1)
        ended = (
            user.memberships.current(on=today)
            .filter(team=change.team)
            .update(end_date=Greatest(F("start_date"), Value(yesterday)))
        )
        if not ended:
            raise AccountChangeRefused(f"{user} is not in {change.team}")
    return _decided(change, AccountChangeStatus.APPROVED, approved_by)


@transaction.atomic
def account_change_reject(*, change, rejected_by: User):
    from accounts.models import AccountChangeStatus

    change = _pending_for_decision(change, rejected_by)
    return _decided(change, AccountChangeStatus.REJECTED, rejected_by)
