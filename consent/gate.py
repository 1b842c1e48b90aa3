"""May this go ahead? The consent rules as one pure function, so a table of cases can test them.

Rules (threshold guidance, "Consent"; reference/STATUTORY.md §6):
- Early Support and Family Help referrals need consent: from a person with parental
  responsibility (PR) for an unborn child or a child under 16, and from the young person
  themselves at 16 or 17. A refusal by a child under 16 judged Gillick competent also stops it.
- Sharing information needs consent from a PR holder, or from the child themselves when under 16
  and Gillick competent, or from the young person at 16 or 17.
- A Family Network Meeting needs consent from a PR holder, at any age; no exception applies.
- Otherwise an exception may stand in for consent: child protection needs no approval; every
  other reason needs a manager's approval. An exception counts only if it was decided after the
  latest refusal or withdrawal, so a family's "no" is never overridden by an older decision.
- Immediate protection is statutory: it never needs consent, but it needs a recorded reason.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from consent.models import Capacity, ConsentStatus, ExceptionReason, Purpose


class AgeBand(StrEnum):
    UNBORN = "UNBORN"
    UNDER_16 = "UNDER_16"
    AGED_16_17 = "AGED_16_17"
    ADULT = "ADULT"


def age_band(
    *, date_of_birth: date | None, expected_date_of_birth: date | None, on: date
) -> AgeBand:
    if date_of_birth is None:
        # An unborn child, or a child whose date of birth is not known: treat as the youngest band,
        # which asks the most of consent (a PR holder must agree).
        return AgeBand.UNBORN if expected_date_of_birth else AgeBand.UNDER_16
    years = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    if years < 16:
        return AgeBand.UNDER_16
    if years < 18:
        return AgeBand.AGED_16_17
    return AgeBand.ADULT


@dataclass(frozen=True)
class Answer:
    status: str
    capacity: str
    at: datetime
    giver_holds_pr: bool = False
    giver_name: str = ""


@dataclass(frozen=True)
class Exception_:
    reason: str
    approved: bool
    at: datetime
    reason_label: str = ""


@dataclass(frozen=True)
class GateResult:
    allowed: bool
    reason: str


_WHO = {
    Capacity.PARENTAL_RESPONSIBILITY: "a person with parental responsibility",
    Capacity.YOUNG_PERSON: "the young person",
    Capacity.GILLICK_COMPETENT_CHILD: "the child (judged Gillick competent)",
}


def _acceptable_givers(purpose: str, band: AgeBand) -> list[str]:
    if purpose == Purpose.FAMILY_NETWORK_MEETING or band == AgeBand.UNBORN:
        return [Capacity.PARENTAL_RESPONSIBILITY]
    if band in (AgeBand.AGED_16_17, AgeBand.ADULT):
        return [Capacity.YOUNG_PERSON]
    if purpose == Purpose.INFORMATION_SHARING:
        return [Capacity.PARENTAL_RESPONSIBILITY, Capacity.GILLICK_COMPETENT_CHILD]
    return [Capacity.PARENTAL_RESPONSIBILITY]


def _valid(answer: Answer) -> bool:
    return answer.capacity != Capacity.PARENTAL_RESPONSIBILITY or answer.giver_holds_pr


def consent_gate(
    *, purpose: str, band: AgeBand, answers: list[Answer], exceptions: list[Exception_]
) -> GateResult:
    """``answers`` are the latest answer from each person; ``exceptions`` every recorded one."""
    if purpose == Purpose.IMMEDIATE_PROTECTION:
        if exceptions:
            return GateResult(
                True, "Immediate protection goes ahead without consent. The reason is recorded."
            )
        return GateResult(
            False,
            "Record why consent was not sought before starting a child protection response. No approval is needed.",
        )

    acceptable = _acceptable_givers(purpose, band)
    relevant = [answer for answer in answers if answer.capacity in acceptable and _valid(answer)]
    blockers = [
        answer
        for answer in relevant
        if answer.status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN)
    ]
    if purpose == Purpose.REFERRAL and band == AgeBand.UNDER_16:
        blockers += [
            answer
            for answer in answers
            if answer.capacity == Capacity.GILLICK_COMPETENT_CHILD
            and answer.status in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN)
        ]
    given = [answer for answer in relevant if answer.status == ConsentStatus.GIVEN]
    if given and not blockers:
        who = given[0].giver_name or _WHO[given[0].capacity]
        return GateResult(True, f"Consent was given by {who}.")

    if purpose != Purpose.FAMILY_NETWORK_MEETING:
        latest_no = max((answer.at for answer in blockers), default=None)
        standing = [e for e in exceptions if latest_no is None or e.at > latest_no]
        in_force = [
            e for e in standing if e.reason == ExceptionReason.CHILD_PROTECTION or e.approved
        ]
        if in_force:
            label = in_force[0].reason_label or in_force[0].reason
            return GateResult(True, f"Going ahead without consent: {label}.")
        if standing:
            return GateResult(
                False, "Going ahead without consent needs a manager's approval first."
            )

    if blockers:
        latest = max(blockers, key=lambda answer: answer.at)
        who = latest.giver_name or _WHO[latest.capacity]
        verb = "withdrew" if latest.status == ConsentStatus.WITHDRAWN else "refused"
        return GateResult(
            False, f"{who[0].upper()}{who[1:]} {verb} consent on {latest.at:%-d %B %Y}."
        )
    needed = " or ".join(_WHO[capacity] for capacity in acceptable)
    if any(
        answer.capacity == Capacity.PARENTAL_RESPONSIBILITY and not answer.giver_holds_pr
        for answer in answers
    ):
        return GateResult(
            False,
            f"Consent is needed from {needed}. The person who answered is not recorded as holding parental responsibility.",
        )
    return GateResult(False, f"Consent is needed from {needed}.")
