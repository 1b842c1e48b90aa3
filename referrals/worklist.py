"""The home page as a work list (docs/front-door.md, "Home"): what is the practitioner's to do
next, and for a manager what waits for authorisation, most urgent first. Each list is the first
page of a paginated list (with its count and a link to the whole list); the rows that name a
child are access-logged, one row per child shown."""

from django.core.paginator import Paginator

from accounts import rules
from audit.services import access_log_record_list
from cases.selectors import cases_sent_back
from referrals.models import AuthorisationStatus, ConsultationChild, ConsultationStatus
from referrals.selectors import (
    authorisation_queue_page,
    consultations_visible_to,
    front_door_queue,
    my_drafts,
)

HOME_ROWS = 5


def returned_to(*, user, page_number=None, per_page: int = HOME_ROWS):
    """Outcomes a manager returned to this practitioner, the oldest consultation due first."""
    returned = (
        ConsultationChild.objects.filter(
            authorisation=AuthorisationStatus.RETURNED,
            consultation__in=consultations_visible_to(user=user),
            consultation__status=ConsultationStatus.DRAFT,
        )
        .filter(decided_by=user)
        .select_related("consultation", "child")
        .order_by("consultation__decision_due_at", "pk")
    )
    return Paginator(returned, per_page).get_page(page_number)


def work_list_for(*, request) -> dict:
    """Everything the home page lists for the signed-in user (empty for roles without it)."""
    user = request.user
    lists = {}
    if rules.can_take_consultations(user):
        lists["drafts"] = my_drafts(user=user, per_page=HOME_ROWS)
        lists["due"] = front_door_queue(user=user, per_page=HOME_ROWS)
        lists["returned"] = returned_to(user=user)
        lists["sent_back"] = cases_sent_back(user=user, per_page=HOME_ROWS)
    if rules.can_authorise_consultations(user):
        lists["authorisations"] = authorisation_queue_page(user=user, per_page=HOME_ROWS)
    shown = [link.child_id for key in ("returned", "authorisations") for link in _rows(lists, key)]
    shown += [case.child_id for case in _rows(lists, "sent_back")]
    if shown:
        access_log_record_list(request=request, record_type="home-work-list", person_ids=shown)
    return lists


def _rows(lists, key) -> list:
    return list(lists[key].object_list) if key in lists else []
