from django.utils import timezone

from audit.models import AccessAction, AccessLog


def access_log_record(
    *,
    request,
    action: str,
    record_type: str,
    record_id="",
    person_id=None,
    reason: str = "",
) -> AccessLog:
    """Write one access-log row for the signed-in user's request."""
    user = request.user
    today = timezone.localdate()
    team_slugs = ",".join(
        user.memberships.current(on=today)
        .order_by("team__slug")
        .values_list("team__slug", flat=True)
    )
    match = getattr(request, "resolver_match", None)
    return AccessLog.objects.create(
        user=user,
        role=user.role,
        team_slugs=team_slugs,
        action=action,
        record_type=record_type,
        record_id=str(record_id or ""),
        person_id=person_id,
        view_name=(match.view_name if match else request.path)[:120],
        request_id=getattr(request, "request_id", ""),
        reason=reason,
    )


def access_log_record_list(*, request, record_type: str, person_ids, record_id="") -> int:
    """One row per person shown on a list page (a queue naming children), or in a record naming
    several children (a consultation), written in one insert."""
    user = request.user
    today = timezone.localdate()
    team_slugs = ",".join(
        user.memberships.current(on=today)
        .order_by("team__slug")
        .values_list("team__slug", flat=True)
    )
    match = getattr(request, "resolver_match", None)
    rows = [
        AccessLog(
            user=user,
            role=user.role,
            team_slugs=team_slugs,
            action=AccessAction.VIEW,
            record_type=record_type,
            record_id=str(record_id or ""),
            person_id=person_id,
            view_name=(match.view_name if match else request.path)[:120],
            request_id=getattr(request, "request_id", ""),
        )
        for person_id in dict.fromkeys(person_ids)
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


__all__ = ["AccessAction", "access_log_record", "access_log_record_list"]
