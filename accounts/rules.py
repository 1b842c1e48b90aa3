"""Who may do what, by role. Scope (which team's or which child's records) lives in the selectors.

Keep every rule on this one screen, one condition per line, so a reviewer can read the whole
policy at once.
"""

from accounts.models import Role

FRONT_DOOR = {Role.FC_PRACTITIONER, Role.FC_MANAGER}
CASE_WORKERS = {Role.FHLP, Role.TEAM_MANAGER, Role.LCPP}
MANAGERS = {Role.FC_MANAGER, Role.TEAM_MANAGER}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user, roles) -> bool:
    return _active(user) and user.role in roles


def can_use_front_door(user) -> bool:
    return has_role(user, FRONT_DOOR)


def can_see_restricted_records(user) -> bool:
    # Until break-glass access exists, only Family Connect managers see restricted people.
    return has_role(user, {Role.FC_MANAGER})


def can_manage_people(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_read_access_log(user) -> bool:
    return has_role(user, {Role.AUDITOR, Role.ADMINISTRATOR})


def can_administer(user) -> bool:
    return has_role(user, {Role.ADMINISTRATOR}) and user.is_staff
