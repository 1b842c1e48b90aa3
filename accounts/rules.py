"""Who may do what, by role. Scope (which team's or which child's records) lives in the selectors.

Keep every rule on this one screen, one condition per line, so a reviewer can read the whole
policy at once.
"""

from accounts.models import Role

FRONT_DOOR = {Role.FC_PRACTITIONER, Role.FC_MANAGER}
CASE_WORKERS = {
    Role.FHLP,
    Role.TEAM_MANAGER,
    Role.LCPP,
    Role.SOCIAL_WORKER,
    Role.EARLY_SUPPORT_OFFICER,
}
# Who a team manager may allocate a case to (docs/cases.md); child protection needs a
# registered social worker as well.
ALLOCATABLE = {Role.FHLP, Role.SOCIAL_WORKER, Role.EARLY_SUPPORT_OFFICER, Role.LCPP}
MANAGERS = {Role.FC_MANAGER, Role.TEAM_MANAGER}


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user, roles) -> bool:
    return _active(user) and user.role in roles


def can_use_front_door(user) -> bool:
    return has_role(user, FRONT_DOOR)


def can_see_restricted_records(user) -> bool:
    # Every restricted record; others see one only as people.restriction allows.
    return has_role(user, {Role.FC_MANAGER})


def can_break_glass(user) -> bool:
    # Workers who may need a child's record in an emergency; never auditors or administrators.
    return has_role(user, FRONT_DOOR | CASE_WORKERS)


def can_review_break_glass(user) -> bool:
    # Family Connect managers, who may see every restricted record a worker broke glass for.
    return has_role(user, {Role.FC_MANAGER})


def can_manage_restriction(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_manage_people(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_read_access_log(user) -> bool:
    return has_role(user, {Role.AUDITOR, Role.ADMINISTRATOR})


def can_administer(user) -> bool:
    return has_role(user, {Role.ADMINISTRATOR}) and user.is_staff


def has_a_role(user) -> bool:
    return has_role(user, set(Role))


def can_record_spectrum_decision(user) -> bool:
    return has_role(user, FRONT_DOOR)


def can_authorise_spectrum_decision(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_view_spectrum_consistency(user) -> bool:
    return has_role(user, MANAGERS)


def can_record_consent(user) -> bool:
    return has_role(user, FRONT_DOOR | CASE_WORKERS)


def can_approve_consent_exceptions(user) -> bool:
    return has_role(user, MANAGERS)


def can_read_sharing_log(user) -> bool:
    return has_role(user, {Role.AUDITOR, Role.FC_MANAGER, Role.TEAM_MANAGER})


def can_use_locality_lookups(user) -> bool:
    # Places, teams, postcodes and routing suggestions hold no child's data: anyone with a role.
    return _active(user) and bool(user.role)


def can_take_consultations(user) -> bool:
    return has_role(user, FRONT_DOOR)


def can_authorise_consultations(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_work_cases(user) -> bool:
    # Which team's cases: cases.selectors.cases_visible_to.
    return has_role(user, CASE_WORKERS)


def can_manage_cases(user) -> bool:
    # Only for teams the user manages: cases.selectors.teams_managed_by.
    return has_role(user, {Role.TEAM_MANAGER})


def can_hold_cases(user) -> bool:
    return has_role(user, ALLOCATABLE)


def can_see_sent_back_cases(user) -> bool:
    return has_role(user, FRONT_DOOR)


def can_reroute_sent_back_cases(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_record_registration(user) -> bool:
    return has_role(user, CASE_WORKERS)


def can_run_returns(user) -> bool:
    # The CIN census and Annex A cover the whole county (docs/returns.md).
    return has_role(user, {Role.TEAM_MANAGER, Role.AUDITOR})


def can_view_caseload_dashboard(user) -> bool:
    # Only for teams the user manages: cases.selectors.teams_managed_by.
    return has_role(user, {Role.TEAM_MANAGER})


def can_view_front_door_dashboard(user) -> bool:
    return has_role(user, {Role.FC_MANAGER})


def can_dip_sample(user) -> bool:
    # Never their own decisions: dashboards.services.dip_sample_draw leaves those out.
    return has_role(user, {Role.FC_MANAGER})


def can_see_dashboards(user) -> bool:
    return can_view_caseload_dashboard(user) or can_view_front_door_dashboard(user)


def can_coordinate_family_network(user) -> bool:
    # The Family Network Service's queue and meeting records (plans/, docs/plans.md).
    return has_role(user, {Role.FNM_COORDINATOR})


def can_refer_to_family_network(user) -> bool:
    # From a case the user's team holds (scope: plans.selectors).
    return has_role(user, CASE_WORKERS)


def can_set_flags(user) -> bool:
    # Young carer, kinship care, private fostering: on a person the user may see.
    return has_role(user, FRONT_DOOR | CASE_WORKERS)
