"""The consent rules as a table: age band × purpose × who answered × exceptions × withdrawal."""

from datetime import UTC, date, datetime

import pytest

from consent.gate import AgeBand, Answer, Exception_, age_band, consent_gate
from consent.models import Capacity, ConsentStatus, ExceptionReason, Purpose

EARLIER = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
LATER = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

PR_GIVES = Answer(
    ConsentStatus.GIVEN, Capacity.PARENTAL_RESPONSIBILITY, EARLIER, giver_holds_pr=True
)
PR_REFUSES = Answer(
    ConsentStatus.REFUSED, Capacity.PARENTAL_RESPONSIBILITY, EARLIER, giver_holds_pr=True
)
PR_WITHDREW = Answer(
    ConsentStatus.WITHDRAWN, Capacity.PARENTAL_RESPONSIBILITY, EARLIER, giver_holds_pr=True
)
NON_PR_GIVES = Answer(
    ConsentStatus.GIVEN, Capacity.PARENTAL_RESPONSIBILITY, EARLIER, giver_holds_pr=False
)
YOUNG_PERSON_GIVES = Answer(ConsentStatus.GIVEN, Capacity.YOUNG_PERSON, EARLIER)
YOUNG_PERSON_REFUSES = Answer(ConsentStatus.REFUSED, Capacity.YOUNG_PERSON, EARLIER)
COMPETENT_CHILD_GIVES = Answer(ConsentStatus.GIVEN, Capacity.GILLICK_COMPETENT_CHILD, EARLIER)
COMPETENT_CHILD_REFUSES = Answer(ConsentStatus.REFUSED, Capacity.GILLICK_COMPETENT_CHILD, LATER)


def _exception(reason, approved, at=LATER):
    return Exception_(reason=reason, approved=approved, at=at)


CP = _exception(ExceptionReason.CHILD_PROTECTION, approved=False)
RISK_APPROVED = _exception(ExceptionReason.INCREASES_RISK, approved=True)
RISK_UNAPPROVED = _exception(ExceptionReason.INCREASES_RISK, approved=False)
DAP_APPROVED = _exception(ExceptionReason.POLICE_DAP, approved=True)
INVESTIGATION_APPROVED = _exception(ExceptionReason.PREJUDICES_INVESTIGATION, approved=True)
CANNOT_OBTAIN_APPROVED = _exception(ExceptionReason.CANNOT_OBTAIN, approved=True)
OLD_APPROVED = _exception(
    ExceptionReason.INCREASES_RISK, approved=True, at=datetime(2026, 2, 1, tzinfo=UTC)
)

R, S, F, IP = (
    Purpose.REFERRAL,
    Purpose.INFORMATION_SHARING,
    Purpose.FAMILY_NETWORK_MEETING,
    Purpose.IMMEDIATE_PROTECTION,
)
UNBORN, UNDER_16, SIXTEEN = AgeBand.UNBORN, AgeBand.UNDER_16, AgeBand.AGED_16_17

CASES = [
    # purpose, band, answers, exceptions, allowed
    (R, UNBORN, [], [], False),
    (R, UNBORN, [PR_GIVES], [], True),
    (R, UNBORN, [NON_PR_GIVES], [], False),
    (R, UNDER_16, [PR_GIVES], [], True),
    (R, UNDER_16, [PR_REFUSES], [], False),
    (R, UNDER_16, [PR_WITHDREW], [], False),
    (R, UNDER_16, [COMPETENT_CHILD_GIVES], [], False),  # a referral needs a PR holder under 16
    (
        R,
        UNDER_16,
        [PR_GIVES, COMPETENT_CHILD_REFUSES],
        [],
        False,
    ),  # a competent child's "no" counts
    (R, SIXTEEN, [PR_GIVES], [], False),  # at 16 the young person decides
    (R, SIXTEEN, [YOUNG_PERSON_GIVES], [], True),
    (R, SIXTEEN, [YOUNG_PERSON_REFUSES], [], False),
    (R, UNDER_16, [], [CP], True),
    (R, UNDER_16, [], [RISK_UNAPPROVED], False),
    (R, UNDER_16, [], [RISK_APPROVED], True),
    (R, UNDER_16, [], [INVESTIGATION_APPROVED], True),
    (R, UNDER_16, [], [DAP_APPROVED], True),
    (R, UNDER_16, [], [CANNOT_OBTAIN_APPROVED], True),
    (
        R,
        UNDER_16,
        [PR_WITHDREW],
        [OLD_APPROVED],
        False,
    ),  # an older exception never overrides a "no"
    (R, UNDER_16, [PR_WITHDREW], [RISK_APPROVED], True),  # a decision taken after it can
    (S, UNBORN, [PR_GIVES], [], True),
    (S, UNDER_16, [COMPETENT_CHILD_GIVES], [], True),  # a competent child may agree to sharing
    (S, UNDER_16, [PR_GIVES], [], True),
    (S, UNDER_16, [], [], False),
    (S, SIXTEEN, [YOUNG_PERSON_GIVES], [], True),
    (S, SIXTEEN, [PR_GIVES], [], False),
    (S, SIXTEEN, [], [RISK_APPROVED], True),
    (F, UNDER_16, [PR_GIVES], [], True),
    (F, SIXTEEN, [PR_GIVES], [], True),  # a Family Network Meeting needs a PR holder at any age
    (F, SIXTEEN, [YOUNG_PERSON_GIVES], [], False),
    (F, UNDER_16, [], [RISK_APPROVED], False),  # no exception stands in for it
    (F, UNDER_16, [NON_PR_GIVES], [], False),
    (IP, UNDER_16, [], [], False),  # statutory, but the reason must be recorded
    (IP, UNDER_16, [], [CP], True),
    (IP, UNBORN, [PR_REFUSES], [CP], True),
]


@pytest.mark.parametrize(
    ("purpose", "band", "answers", "exceptions", "allowed"),
    CASES,
    ids=[f"{c[0].lower()}-{c[1].lower()}-{i}" for i, c in enumerate(CASES)],
)
def test_the_gate_allows_only_what_the_consent_rules_allow(
    purpose, band, answers, exceptions, allowed
):
    result = consent_gate(purpose=purpose, band=band, answers=answers, exceptions=exceptions)

    assert result.allowed is allowed, result.reason
    assert result.reason


@pytest.mark.parametrize(
    ("answers", "exceptions", "says"),
    [
        ([], [], "Consent is needed from a person with parental responsibility."),
        ([PR_WITHDREW], [], "withdrew consent on 1 March 2026"),
        ([NON_PR_GIVES], [], "not recorded as holding parental responsibility"),
        ([], [RISK_UNAPPROVED], "needs a manager's approval"),
        ([PR_GIVES], [], "Consent was given by a person with parental responsibility."),
    ],
)
def test_the_gate_explains_itself_in_plain_words(answers, exceptions, says):
    result = consent_gate(purpose=R, band=UNDER_16, answers=answers, exceptions=exceptions)

    assert says in result.reason


@pytest.mark.parametrize(
    ("born", "expected", "band"),
    [
        (None, date(2026, 9, 1), AgeBand.UNBORN),
        (date(2010, 6, 2), None, AgeBand.UNDER_16),  # 16 tomorrow
        (date(2010, 6, 1), None, AgeBand.AGED_16_17),  # 16 today
        (date(2008, 6, 2), None, AgeBand.AGED_16_17),
        (date(2008, 6, 1), None, AgeBand.ADULT),
        (None, None, AgeBand.UNDER_16),
    ],
)
def test_age_bands_turn_on_the_birthday(born, expected, band):
    assert (
        age_band(date_of_birth=born, expected_date_of_birth=expected, on=date(2026, 6, 1)) == band
    )
