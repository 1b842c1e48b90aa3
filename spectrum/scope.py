"""Who else may record a child's Spectrum decision, registered by the apps that give them a reason.

``accounts.rules.can_record_spectrum_decision`` is the front door's right, for any child. Other
apps sit above this one (a case worker re-evaluating the level in an assessment: ``pathway``), so
this app does not import them; each registers ``allows(*, user, person_id) -> bool`` here when
Django starts (its AppConfig.ready), the way ``people.scope`` widens who may see a person. See
docs/pathway.md, "The Spectrum level and the CIN census factors".
"""

from accounts import rules

_RECORDERS = []


def recorder_scope_register(allows) -> None:
    if allows not in _RECORDERS:
        _RECORDERS.append(allows)


def recorder_scope_allows(*, user, person_id) -> bool:
    return any(allows(user=user, person_id=person_id) for allows in _RECORDERS)


def may_record_for(*, user, person_id) -> bool:
    """The front door may record for any child; anyone else only where a registered scope
    allows it for this child."""
    if rules.can_record_spectrum_decision(user):
        return True
    return rules.has_a_role(user) and recorder_scope_allows(user=user, person_id=person_id)
