"""The service navigation: each entry names the rule that decides who sees it."""

from dataclasses import dataclass

from django.urls import reverse

from accounts import rules


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    allowed: callable


NAVIGATION = [
    NavEntry("Home", "home", lambda user: True),
    NavEntry("Find a person", "people:search", rules.can_use_front_door),
    NavEntry("Check a postcode", "locality:postcode-check", rules.can_use_locality_lookups),
    NavEntry("Consultations", "referrals:consultation-new", rules.can_take_consultations),
    NavEntry("Front-door queue", "referrals:queue", rules.can_take_consultations),
    NavEntry("Authorisations", "referrals:authorisations", rules.can_authorise_consultations),
    NavEntry("Sent back", "cases:sent-back", rules.can_see_sent_back_cases),
    NavEntry("My cases", "cases:mine", rules.can_hold_cases),
    NavEntry("Team cases", "cases:teams", rules.can_work_cases),
    NavEntry("Child protection", "protection:home", rules.can_work_cases),
    NavEntry("Plans", "plans:caseload", rules.can_work_cases),
    NavEntry("Family Network", "plans:fnm-queue", rules.can_coordinate_family_network),
    NavEntry("Consent approvals", "consent:exception-queue", rules.can_approve_consent_exceptions),
    NavEntry("Sharing log", "consent:sharing-log", rules.can_read_sharing_log),
    NavEntry("Access log", "audit:access-log", rules.can_read_access_log),
    NavEntry("Dashboards", "dashboards:index", rules.can_see_dashboards),
    NavEntry("Statutory returns", "returns:index", rules.can_run_returns),
    NavEntry("Spectrum consistency", "spectrum:consistency", rules.can_view_spectrum_consistency),
    NavEntry("Administration", "admin:index", rules.can_administer),
]


def navigation_for(*, user, path: str) -> list[dict]:
    if not (user.is_authenticated and user.is_active):
        return []
    items = []
    for entry in NAVIGATION:
        if not entry.allowed(user):
            continue
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
