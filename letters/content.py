"""What a feedback letter says, built from the recorded decision.

Need-to-know: a professional caller (school, GP, police...) is working with the family and gets
the full record of the conversation. A member of the public (referrals.models.MEMBERS_OF_THE_PUBLIC:
a relative, neighbour, the young person, any other member of the public) gets a version without
third-party detail. For them we OMIT, because it may be about other people or have come from
other agencies:
  - the concerns narrative as typed (it can name other adults and carry what others told us);
  - the strengths, what the family knows and the child's views;
  - the Spectrum rationale and the suggestion's reasons (they weigh other people's behaviour);
  - who gave or refused consent (a named parent is a third party): only whether it is in place;
  - the manager's note and the outcome rationale.
They KEEP: the children they called about (name and date of birth, which they gave us), the
Spectrum level, the agreed outcome, who will contact the family and by when, the team's contact
details, services signposted, and how to come back to us or challenge the decision.
An anonymous caller gets no letter at all: there is nobody to send it to.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone

from consent.models import Purpose
from consent.selectors import consent_check
from familyfirst.clocks import add_working_days_to_date
from locality.models import Team
from referrals.models import (
    MEMBERS_OF_THE_PUBLIC,
    OPENS_REFERRAL,
    AgencyType,
    Consultation,
    Outcome,
)

FAMILY_CONNECT_TEAM = "family-connect"

# Service standards for first contact with the family after each outcome, in working days from
# the decision. Immediate protection is the same working day.
FIRST_CONTACT_WORKING_DAYS = {
    Outcome.IMMEDIATE_PROTECTION: 0,
    Outcome.FAMILY_HELP_ASSESSMENT: 3,
    Outcome.EARLY_SUPPORT_REFERRAL: 5,
}

NEXT_STEPS = {
    Outcome.ADVICE: (
        "We gave advice, information and guidance. Nobody from children's services will contact "
        "the family as a result of this conversation. The services we suggested are listed below."
    ),
    Outcome.SINGLE_AGENCY: (
        "The needs can be met by your agency's own support. Nobody from children's services will "
        "contact the family; please carry on supporting them and talk to us again if things change."
    ),
    Outcome.EARLY_SUPPORT_ASSESSMENT: (
        "Your agency will lead an Early Support Assessment with the family. Please contact the "
        "family to agree it with them. The Early Support team can advise you while you do it."
    ),
    Outcome.EARLY_SUPPORT_REFERRAL: (
        "We have referred the family for Early Support. The team below will contact the family."
    ),
    Outcome.FAMILY_HELP_ASSESSMENT: (
        "We have referred the family for a Family Help Assessment. The team below will contact "
        "the family and complete the assessment within 45 working days."
    ),
    Outcome.IMMEDIATE_PROTECTION: (
        "We have passed the concerns to the Multi-Agency Child Protection Team (MACPT), who are "
        "acting on them today. They may contact you for more information."
    ),
    Outcome.PASS_TO_WORKER: (
        "The child is already known to one of our teams. We have passed what you told us to the "
        "worker who supports the family, who may contact you."
    ),
}


def is_public_caller(consultation: Consultation) -> bool:
    return consultation.caller_agency_type in MEMBERS_OF_THE_PUBLIC


def is_anonymous_caller(consultation: Consultation) -> bool:
    return consultation.caller_anonymous or consultation.caller_agency_type == AgencyType.ANONYMOUS


@dataclass
class ChildSection:
    name: str
    date_of_birth: date | None
    expected_date_of_birth: date | None
    outcome: str
    next_steps: str
    level: str = ""
    level_reasons: list[str] = field(default_factory=list)
    consent: str = ""
    rationale: str = ""
    services_signposted: str = ""
    who_contacts: str = ""
    contact_by: date | None = None
    team: Team | None = None


# The framework's internal threshold numbers are for practitioners, not letters: a reason that
# quotes them ("this framework's rule of at least 4 across at least 3 domains") is left out.
INTERNAL_RULE_TEXT = re.compile(r"framework's rule|at least \d+ across|do(es)? not reach")


def _letter_reasons(decision) -> list[str]:
    return [
        *([decision.rationale] if decision.rationale.strip() else []),
        *[
            str(reason)
            for reason in decision.suggestion_reasons or []
            if not INTERNAL_RULE_TEXT.search(str(reason))
        ],
    ]


@dataclass
class NextSteps:
    """What happens next, said once for every child it applies to."""

    children: list[str]
    next_steps: str
    who_contacts: str
    contact_by: date | None
    services_signposted: str
    team: Team | None


def next_steps_once(sections) -> list[NextSteps]:
    """Children whose next steps, contact and team are the same share one section."""
    groups: dict[tuple, NextSteps] = {}
    for section in sections:
        key = (
            section.next_steps,
            section.who_contacts,
            section.contact_by,
            section.services_signposted,
            section.team.pk if section.team else None,
        )
        if key in groups:
            groups[key].children.append(section.name)
        else:
            groups[key] = NextSteps(
                children=[section.name],
                next_steps=section.next_steps,
                who_contacts=section.who_contacts,
                contact_by=section.contact_by,
                services_signposted=section.services_signposted,
                team=section.team,
            )
    return list(groups.values())


def _consent_position(link, *, public: bool) -> str:
    # The family's agreement to help through children's services (the referral purpose); an
    # immediate protection response is recorded as going ahead without consent.
    purpose = (
        Purpose.IMMEDIATE_PROTECTION
        if link.outcome == Outcome.IMMEDIATE_PROTECTION
        else Purpose.REFERRAL
    )
    gate = consent_check(child=link.child, purpose=purpose)
    if not public:
        return gate.reason
    if purpose == Purpose.IMMEDIATE_PROTECTION:
        return "Protecting a child from immediate harm does not wait for consent."
    if gate.allowed:
        return "The family's agreement is in place for what happens next."
    return "The family's agreement has not been recorded. We will talk to them about it."


def _child_section(link, *, public: bool, decided_on: date, family_connect: Team) -> ChildSection:
    decision = link.spectrum_decision
    section = ChildSection(
        name=str(link.child),
        date_of_birth=link.child.date_of_birth,
        expected_date_of_birth=link.child.expected_date_of_birth,
        outcome=link.get_outcome_display(),
        next_steps=NEXT_STEPS.get(link.outcome, ""),
        consent=_consent_position(link, public=public),
        services_signposted=link.services_signposted if link.outcome == Outcome.ADVICE else "",
    )
    if decision is not None:
        section.level = decision.get_decided_level_display()
        if not public:
            section.level_reasons = _letter_reasons(decision)
    if not public:
        section.rationale = link.outcome_rationale
    if link.outcome in OPENS_REFERRAL and link.team is not None:
        section.team = link.team
        section.who_contacts = f"{link.team.name}"
        section.contact_by = add_working_days_to_date(
            decided_on, FIRST_CONTACT_WORKING_DAYS[link.outcome]
        )
    elif link.outcome == Outcome.EARLY_SUPPORT_ASSESSMENT:
        section.team = family_connect
        section.who_contacts = "You (your agency leads the assessment)"
    else:
        section.team = family_connect
        section.who_contacts = "Nobody from children's services"
    return section


def letter_context(*, letter) -> dict:
    """Everything the letter template shows, already filtered for the audience."""
    consultation = letter.consultation
    public = letter.audience == "PUBLIC"
    decided_at = consultation.completed_at or consultation.decided_at or letter.queued_at
    decided_on = timezone.localdate(decided_at)
    family_connect = Team.objects.filter(slug=FAMILY_CONNECT_TEAM).first()
    links = consultation.children.select_related("child", "team", "spectrum_decision").order_by(
        "child__family_name", "child__given_name"
    )
    children = [
        _child_section(link, public=public, decided_on=decided_on, family_connect=family_connect)
        for link in links
    ]
    return {
        "letter": letter,
        "consultation": consultation,
        "public": public,
        "title": f"Consultation feedback letter {consultation.reference}",
        "letter_date": timezone.localdate(letter.queued_at),
        "decided_on": decided_on,
        "recipient_name": letter.recipient_name,
        "recipient_organisation": "" if public else letter.recipient_organisation,
        "received_on": timezone.localdate(consultation.received_at),
        "channel": consultation.get_channel_display().lower(),
        "concerns": "" if public else consultation.concerns,
        "action_plan": "" if public else consultation.action_plan,
        "children": children,
        "next_steps": next_steps_once(children),
        "family_connect": family_connect,
        "practitioner": consultation.practitioner,
        "service_name": settings.SERVICE_NAME,
    }
