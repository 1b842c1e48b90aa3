"""The one door to a child's record.

Every page or API endpoint that shows a person, consultation or case loads it through
``record_get_for_user``: the queryset it is given must already be scoped to what the user may
see (each app's ``*_visible_to`` selector), so an outsider gets the same 404 as for a record that
does not exist, and every successful read writes an access-log row.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from audit.services import AccessAction, access_log_record_list


def record_get_for_user(
    *,
    request,
    visible,
    pk,
    record_type: str,
    person_id_of=lambda record: None,
    person_ids_of=None,
    reason: str = "",
    action: str = AccessAction.VIEW,
):
    """``person_id_of`` names the one person a record is about; a record naming several
    children (a consultation) gives ``person_ids_of`` instead, and gets one row per child (one
    row with no person while it names nobody)."""
    try:
        record = visible.filter(pk=pk).first()
    except (ValueError, ValidationError):
        record = None  # a malformed id finds nothing, like a missing one
    if record is None:
        raise Http404(f"No {record_type} found")
    person_ids = list(person_ids_of(record)) if person_ids_of else [person_id_of(record)]
    access_log_record_list(
        request=request,
        action=action,
        record_type=record_type,
        record_id=record.pk,
        person_ids=person_ids or [None],
        reason=reason,
    )
    return record
