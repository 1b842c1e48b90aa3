"""The cases shown on a child's chronology and household page (registered with ``people.work``
in CasesConfig.ready; docs/front-door.md)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from cases.models import Case
from cases.selectors import cases_visible_to
from people.work import WorkItem


def case_work(*, user, person_ids) -> list[WorkItem]:
    """Every case with these children: team and status, linked to the case page only for a user
    who may open it. One query."""
    cases = (
        Case.objects.filter(child_id__in=person_ids)
        .select_related("team")
        .annotate(may_open=Exists(cases_visible_to(user=user).filter(pk=OuterRef("pk"))))
        .order_by("-opened_at")
    )
    return [
        WorkItem(
            person_id=case.child_id,
            occurred_at=case.opened_at,
            kind="Case",
            title=f"{case.team} case: {case.get_status_display()}",
            url=reverse("cases:case", args=[case.pk]) if case.may_open else "",
        )
        for case in cases
    ]
