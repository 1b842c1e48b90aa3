"""What the statutory returns need from the front door, as a registry (docs/returns.md).

``returns`` sits with the apps after the front door and never imports ``referrals``
(pyproject [tool.importlinter]). The CIN census needs each referral's source and Annex A's
list 1 needs the contacts; ``referrals`` registers a provider here in its ``AppConfig.ready``,
as it registers its clocks with ``dashboards.overdue``.

``referral_sources(referral_ids)``
    ``{referral id: CIN ReferralSource code}`` for the front-door referrals
    (``Case.opened_by`` / ``Case.first_referral``) given, in one query.
``contacts(start, end)``
    an iterable of ``(person id, contact date, CIN source code)``, one per child named in a
    front-door contact received between the two dates (inclusive), oldest first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FrontDoorProvider:
    referral_sources: Callable[[list], dict]
    contacts: Callable[[date, date], Iterable[tuple]]


_PROVIDER: list[FrontDoorProvider] = []


def front_door_provider_register(provider: FrontDoorProvider) -> None:
    _PROVIDER[:] = [provider]


def front_door_provider() -> FrontDoorProvider:
    """The registered provider, or one that knows nothing (source "10", unknown; no contacts)."""
    if _PROVIDER:
        return _PROVIDER[0]
    return FrontDoorProvider(referral_sources=lambda ids: {}, contacts=lambda start, end: iter(()))
