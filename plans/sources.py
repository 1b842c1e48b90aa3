"""The front-door consultations a Family Network Meeting referral can come from.

``plans`` sits below the front door (``referrals``) and never imports it (import-linter's first
contract), yet Family Connect may refer a family to a Family Network Meeting straight from a
consultation (docs/plans.md, "Family Network Meetings"). So the front door registers an opener
here when Django starts (``ReferralsConfig.ready``), as it registers its work with
``people.work``. The opener is called as ``opener(request=..., consultation_id=...)``: it opens
the consultation through the front door's one door (a 404 for anyone who may not see it, one
access-log row per child named) and returns a ``ConsultationSource``.
"""

from dataclasses import dataclass

from django.http import Http404

_OPENERS = []


@dataclass(frozen=True)
class ConsultationSource:
    pk: object
    reference: str
    children: tuple  # people.Person, as the consultation names them
    url: str  # the consultation's page, to go back to


def consultation_opener_register(opener) -> None:
    if opener not in _OPENERS:
        _OPENERS.append(opener)


def consultation_open(*, request, consultation_id) -> ConsultationSource:
    """The consultation, opened through the front door's access function; 404 when no opener is
    registered (the front door not installed) or the user may not see it."""
    if not _OPENERS:
        raise Http404("No consultation found")
    return _OPENERS[0](request=request, consultation_id=consultation_id)
