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
