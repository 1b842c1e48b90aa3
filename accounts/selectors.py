from django.utils import timezone

from locality.models import TeamMembership


def memberships_current_for_user(*, user, on=None):
    on = on or timezone.localdate()
    return (
        TeamMembership.objects.current(on=on)
        .filter(user=user)
        .select_related("team")
        .order_by("team__name")
    )


def staff_by_username(*, username: str):
    """An active member of staff with a role, by username, or None."""
    from accounts.models import User

    return (
        User.objects.filter(username__iexact=username.strip(), is_active=True)
        .exclude(role="")
        .first()
    )
