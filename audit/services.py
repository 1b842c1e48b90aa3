from audit.models import AccessAction, AccessLog
from locality.selectors import memberships_current


def _rows(*, request, action: str, record_type: str, record_id, person_ids, reason: str):
    """Access-log rows for the signed-in user's request, one per person (or one with none)."""
    user = request.user
    # Read once per request, and shared with the case rules (locality.selectors).
    team_slugs = ",".join(m.team_slug for m in memberships_current(user=user))
    match = getattr(request, "resolver_match", None)
    # A read during break-glass access carries its reason (people.middleware sets these).
    break_glass = getattr(request, "break_glass_reasons", None) or {}
    return [
        AccessLog(
            user=user,
            role=user.role,
            team_slugs=team_slugs,
            action=action,
            record_type=record_type,
            record_id=str(record_id or ""),
            person_id=person_id,
            view_name=(match.view_name if match else request.path)[:120],
            request_id=getattr(request, "request_id", ""),
            reason="; ".join(filter(None, [break_glass.get(person_id), reason])),
        )
        for person_id in dict.fromkeys(person_ids)
    ]


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
    (row,) = _rows(
        request=request,
        action=action,
        record_type=record_type,
        record_id=record_id,
        person_ids=[person_id],
        reason=reason,
    )
    row.save()
    return row


def access_log_record_list(
    *,
    request,
    record_type: str,
    person_ids,
    record_id="",
    action: str = AccessAction.VIEW,
    reason: str = "",
) -> int:
    """One row per person shown on a list page (a queue naming children), or in a record naming
    several children (a consultation), written in one insert."""
    rows = _rows(
        request=request,
        action=action,
        record_type=record_type,
        record_id=record_id,
        person_ids=person_ids,
        reason=reason,
    )
    AccessLog.objects.bulk_create(rows)
    return len(rows)


__all__ = ["AccessAction", "access_log_record", "access_log_record_list"]
