"""The named people used by the demo and by the tests: one per role, each in a real team."""

from dataclasses import dataclass

from accounts.models import Role
from locality.models import MembershipRole


@dataclass(frozen=True)
class Persona:
    key: str
    username: str
    first_name: str
    last_name: str
    role: str
    job_title: str
    team_slug: str | None
    role_in_team: str = MembershipRole.MEMBER
    is_staff: bool = False
    is_superuser: bool = False
    social_work_england_number: str = ""


PERSONAS = [
    Persona(
        "practitioner",
        "priya.practitioner",
        "Priya",
        "Shah",
        Role.FC_PRACTITIONER,
        "Family Connect practitioner",
        "family-connect",
    ),
    Persona(
        "fc_manager",
        "martin.manager",
        "Martin",
        "Okafor",
        Role.FC_MANAGER,
        "Family Connect manager",
        "family-connect",
        MembershipRole.MANAGER,
    ),
    Persona(
        "rugby_fhlp",
        "rhiannon.rugby",
        "Rhiannon",
        "Evans",
        Role.FHLP,
        "Family Help Lead Practitioner",
        "family-help-rugby",
    ),
    Persona(
        "warwick_fhlp",
        "william.warwick",
        "William",
        "Clarke",
        Role.FHLP,
        "Family Help Lead Practitioner",
        "family-help-warwick",
    ),
    Persona(
        "team_manager",
        "tanya.teammanager",
        "Tanya",
        "Hughes",
        Role.TEAM_MANAGER,
        "Team manager, Rugby Family Help",
        "family-help-rugby",
        MembershipRole.MANAGER,
        social_work_england_number="SW071960",
    ),
    Persona(
        "lcpp",
        "leon.lcpp",
        "Leon",
        "Barker",
        Role.LCPP,
        "Lead Child Protection Practitioner",
        "macpt-north",
        social_work_england_number="SW104233",
    ),
    Persona(
        "macpt_manager",
        "megan.macpt",
        "Megan",
        "Doyle",
        Role.TEAM_MANAGER,
        "Team manager, MACPT North",
        "macpt-north",
        MembershipRole.MANAGER,
        social_work_england_number="SW088412",
    ),
    Persona(
        "fnm_coordinator",
        "fiona.network",
        "Fiona",
        "Marsh",
        Role.FNM_COORDINATOR,
        "Family Network co-ordinator",
        "family-network-service",
    ),
    Persona(
        "auditor",
        "aisha.auditor",
        "Aisha",
        "Rahman",
        Role.AUDITOR,
        "Information governance officer",
        None,
    ),
    Persona(
        "administrator",
        "adam.admin",
        "Adam",
        "Price",
        Role.ADMINISTRATOR,
        "System administrator",
        None,
        is_staff=True,
        is_superuser=True,
    ),
]

PERSONAS_BY_KEY = {persona.key: persona for persona in PERSONAS}
