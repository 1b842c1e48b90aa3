"""The work done with a person, listed on their chronology and their household's page.

The people app sits below the apps that do the work (consultations in ``referrals``, levels of
need in ``spectrum``, cases in ``cases``), so it does not import them: each registers a provider
here when Django starts (its AppConfig.ready), as with ``people.scope``. A provider is called as
``provider(user=..., person_ids=[...])`` and returns ``WorkItem`` rows for those people, in a fixed
number of queries whatever their count, with a link only where the user may open the record.
See docs/front-door.md, "The child's record shows the work".
"""

from dataclasses import dataclass
from datetime import datetime

_PROVIDERS = []


@dataclass(frozen=True)
class WorkItem:
    person_id: object
    occurred_at: datetime
    kind: str  # "Consultation", "Level of need", "Case"
    title: str
    url: str = ""


def person_work_register(provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def work_for(*, user, person_ids) -> list[WorkItem]:
    """Every registered app's rows for these people, newest first. The caller has already
    opened (and access-logged) the people named; restricted people must not be in person_ids."""
    person_ids = list(person_ids)
    if not person_ids:
        return []
    items = []
    for provider in _PROVIDERS:
        items.extend(provider(user=user, person_ids=person_ids))
    return sorted(items, key=lambda item: item.occurred_at, reverse=True)
