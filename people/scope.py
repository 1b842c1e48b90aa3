"""Extra scopes that widen who may see a person, registered by the apps that own them.

The people app sits below the apps that give staff a reason to see someone (a case in their
team: ``cases.selectors.people_on_cases_visible_to``), so it does not import them; each registers
a function ``scope(*, user) -> queryset of person ids`` (one column, for ``pk__in``) here when Django starts (its AppConfig.ready).
``people.selectors.people_visible_to`` unions them. See docs/cases.md, "Who sees what".
"""

_SCOPES = []


def person_scope_register(scope) -> None:
    if scope not in _SCOPES:
        _SCOPES.append(scope)


def person_scopes():
    return list(_SCOPES)
