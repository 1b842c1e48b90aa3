"""Every front-door figure from known data, checked exactly (docs/dashboards.md)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from cases.models import CaseStatus
from consent.models import ConsentException, ExceptionReason, FamilyTold, Purpose
from dashboards.selectors import (
    CONTACT_FIGURES,
    FRONT_DOOR_FIGURES,
    Filters,
    consent_exceptions,
    contacts_and_referrals_by_day,
    contacts_by_locality,
    contacts_by_outcome,
    contacts_by_source,
    conversion_to_referral,
    decisions_within_a_working_day,
    front_door_figures,
    letters_sent,
    re_referrals,
)
from letters.models import Letter, LetterStatus
from referrals.models import Outcome
from tests.dashboards.helpers import at, case, consultation, decision, team

pytestmark = pytest.mark.django_db

RANGE = Filters(start=date(2026, 11, 2), end=date(2026, 11, 15))  # Monday to Sunday, two weeks
NOW = at(date(2026, 12, 2), 12)


@pytest.fixture
def front_door(practitioner, fc_manager):
    rugby, warwick = team("family-help-rugby"), team("family-help-warwick")
    c1 = consultation(received_at=at(date(2026, 11, 2), 10), practitioner=practitioner)
    c1a = decision(
        c1, outcome=Outcome.FAMILY_HELP_ASSESSMENT, to_team=rugby, authorised_by=fc_manager
    )
    decision(c1, outcome=Outcome.ADVICE)
    # Decided two days later: past its one working day.
    c2 = consultation(
        received_at=at(date(2026, 11, 2), 15),
        practitioner=practitioner,
        agency="POLICE",
        decided_after=timedelta(days=2),
    )
    c2a = decision(
        c2, outcome=Outcome.EARLY_SUPPORT_REFERRAL, to_team=warwick, authorised_by=fc_manager
    )
    c3 = consultation(
        received_at=at(date(2026, 11, 10), 9),
        practitioner=practitioner,
        agency="GP",
        purpose="ADVICE",
    )
    decision(c3, outcome=Outcome.SINGLE_AGENCY)
    # Still undecided, its clock long gone.
    c4 = consultation(
        received_at=at(date(2026, 11, 11), 9),
        practitioner=practitioner,
        agency="FAMILY_MEMBER",
        decided_after=None,
    )
    decision(c4, outcome="")
    # A referral outcome not yet authorised is not a referral.
    c5 = consultation(received_at=at(date(2026, 11, 12), 9), practitioner=practitioner)
    decision(c5, outcome=Outcome.FAMILY_HELP_ASSESSMENT, to_team=rugby, authorised=False)
    # Outside the dates: late on the Sunday before, and just after midnight at the end (UK time).
    for received in (at(date(2026, 11, 1), 23, 30), at(date(2026, 11, 16), 0, 10)):
        decision(
            consultation(received_at=received, practitioner=practitioner), outcome=Outcome.ADVICE
        )
    return {"c1": c1, "c2": c2, "c3": c3, "c1a": c1a, "c2a": c2a, "rugby": rugby}


def test_contacts_and_referrals_by_day_count_children_and_authorised_referrals(front_door):
    figure = contacts_and_referrals_by_day(RANGE)

    assert len(figure.rows) == 14
    days = {row[0]: row[1:] for row in figure.rows}
    assert days[date(2026, 11, 2)] == [3, 2]
    assert days[date(2026, 11, 10)] == [1, 0]
    assert days[date(2026, 11, 11)] == [1, 0]
    assert days[date(2026, 11, 12)] == [1, 0]
    assert days[date(2026, 11, 3)] == [0, 0]
    assert figure.totals == {"contacts": 6, "referrals": 2}


def test_sources_use_the_cin_census_codes(front_door):
    figure = contacts_by_source(RANGE)

    assert figure.rows == [
        ["1A: Individual: family member, relative or carer", 1, 0],
        ["2A: Schools", 3, 1],
        ["3A: Health services: GP", 1, 0],
        ["6: Police", 1, 1],
    ]


def test_outcomes_count_each_child_decided(front_door):
    figure = contacts_by_outcome(RANGE)

    counts = {label: n for label, n in figure.rows}
    assert counts[Outcome.FAMILY_HELP_ASSESSMENT.label] == 2
    assert counts[Outcome.ADVICE.label] == 1
    assert counts[Outcome.EARLY_SUPPORT_REFERRAL.label] == 1
    assert counts[Outcome.SINGLE_AGENCY.label] == 1
    assert counts[Outcome.IMMEDIATE_PROTECTION.label] == 0
    assert figure.totals == {"decided": 5}


def test_localities_are_the_districts_of_the_teams_routed_to(front_door):
    figure = contacts_by_locality(RANGE)

    assert figure.rows == [["Rugby", 2, 1], ["Warwick", 1, 1], ["Not routed to a team", 3, 0]]


def test_decisions_within_one_working_day(front_door):
    figure = decisions_within_a_working_day(RANGE, now=NOW)

    assert figure.rows == [
        [date(2026, 11, 2), 1, 1, 0, 50.0],
        [date(2026, 11, 9), 2, 0, 1, 66.7],
    ]
    assert figure.totals == {"in_time": 3, "late": 1, "waiting": 1, "rate": 60.0}
    assert figure.summary == "60.0%"


def test_an_undecided_consultation_within_its_clock_is_not_counted_yet(front_door):
    # On 11 November at 10:00 the undecided call received at 09:00 that day is not late yet.
    figure = decisions_within_a_working_day(RANGE, now=at(date(2026, 11, 11), 10))

    assert figure.totals["waiting"] == 0


def test_conversion_from_consultation_to_referral_by_what_the_caller_asked(front_door):
    figure = conversion_to_referral(RANGE)

    assert figure.rows == [["Asking for advice", 1, 0, 0.0], ["Making a referral", 4, 2, 50.0]]
    assert figure.totals == {"decided": 5, "referrals": 2, "rate": 40.0}


def test_the_team_filter_keeps_the_children_routed_to_the_team(front_door):
    rugby = Filters(start=RANGE.start, end=RANGE.end, team_id=front_door["rugby"].pk)

    assert contacts_and_referrals_by_day(rugby).totals == {"contacts": 2, "referrals": 1}
    assert decisions_within_a_working_day(rugby, now=NOW).totals["rate"] == 100.0


def test_the_locality_filter_keeps_the_teams_in_the_district(front_door):
    warwick = Filters(
        start=RANGE.start, end=RANGE.end, district_id=team("family-help-warwick").district_id
    )

    assert contacts_and_referrals_by_day(warwick).totals == {"contacts": 1, "referrals": 1}


def test_re_referrals_follow_the_cin_census_12_months(front_door, practitioner):
    rugby = front_door["rugby"]
    earlier_call = consultation(received_at=at(date(2026, 3, 2)), practitioner=practitioner)
    earlier = case(
        in_team=rugby,
        status=CaseStatus.CLOSED,
        referral_date=date(2026, 3, 2),
        due=date(2026, 5, 5),
        closed_at=at(date(2026, 4, 1)),
        opened_by=decision(earlier_call, outcome=Outcome.FAMILY_HELP_ASSESSMENT, to_team=rugby),
    )
    case(
        in_team=rugby,
        referral_date=date(2026, 11, 2),
        due=date(2027, 1, 6),
        opened_by=front_door["c1a"],
        re_referral_of=earlier,
        status=CaseStatus.UNALLOCATED,
    )
    case(
        in_team=team("family-help-warwick"),
        referral_date=date(2026, 11, 2),
        due=date(2027, 1, 6),
        opened_by=front_door["c2a"],
        status=CaseStatus.UNALLOCATED,
    )
    # A case opened by a transfer is not a referral.
    case(
        in_team=rugby,
        referral_date=date(2026, 11, 3),
        due=date(2027, 1, 7),
        status=CaseStatus.UNALLOCATED,
    )

    figure = re_referrals(RANGE)

    assert figure.rows == [[date(2026, 11, 1), 2, 1, 50.0]]
    assert figure.totals == {"referrals": 2, "re_referrals": 1, "rate": 50.0}


def test_consent_exceptions_and_the_time_to_approve_them(front_door, practitioner, fc_manager):
    made = [
        ConsentException.objects.create(
            child=front_door["c1a"].child,
            purpose=Purpose.REFERRAL,
            reason=reason,
            rationale="Written reasons",
            decided_by=practitioner,
            family_told=FamilyTold.NOT_YET,
        )
        for reason in (
            ExceptionReason.CHILD_PROTECTION,
            ExceptionReason.CANNOT_OBTAIN,
            ExceptionReason.CANNOT_OBTAIN,
        )
    ]
    decided = at(date(2026, 11, 5), 10)
    ConsentException.objects.filter(pk__in=[e.pk for e in made]).update(decided_at=decided)
    ConsentException.objects.filter(pk=made[1].pk).update(
        approved_by=fc_manager, approved_at=decided + timedelta(hours=3)
    )
    outside = ConsentException.objects.create(
        child=front_door["c1a"].child,
        purpose=Purpose.REFERRAL,
        reason=ExceptionReason.CANNOT_OBTAIN,
        rationale="Earlier",
        decided_by=practitioner,
        family_told=FamilyTold.NOT_YET,
    )
    ConsentException.objects.filter(pk=outside.pk).update(decided_at=at(date(2026, 10, 1)))

    figure = consent_exceptions(RANGE)

    assert figure.rows == [
        [ExceptionReason.CHILD_PROTECTION.label, 1, 0, 0, None, None],
        [ExceptionReason.CANNOT_OBTAIN.label, 2, 1, 1, 3.0, 3.0],
    ]
    assert figure.totals == {"exceptions": 3, "waiting": 1}


def test_letters_sent_opened_and_failed_by_week(front_door, practitioner):
    def letter(on, version, status, **times):
        return Letter.objects.create(
            consultation=on,
            version=version,
            status=status,
            audience="PROFESSIONAL",
            requested_by=practitioner,
            reason="Decision made",
            queued_at=at(date(2026, 11, 3)) if on != front_door["c3"] else at(date(2026, 11, 10)),
            last_error="Mailbox full" if status == LetterStatus.FAILED else "",
            **times,
        )

    sent = at(date(2026, 11, 3), 11)
    letter(front_door["c1"], 1, LetterStatus.SENT, sent_at=sent)
    letter(
        front_door["c1"], 2, LetterStatus.OPENED, sent_at=sent, opened_at=sent + timedelta(hours=5)
    )
    letter(front_door["c2"], 1, LetterStatus.FAILED, failed_at=sent)
    letter(front_door["c3"], 1, LetterStatus.PRINT)

    figure = letters_sent(RANGE)

    assert figure.rows == [[date(2026, 11, 2), 2, 1, 1], [date(2026, 11, 9), 0, 0, 0]]
    assert figure.totals == {"sent": 2, "opened": 1, "failed": 1}


def test_no_data_gives_zeros_not_errors():
    empty = Filters(start=date(2020, 1, 1), end=date(2020, 1, 7))

    assert contacts_and_referrals_by_day(empty).totals == {"contacts": 0, "referrals": 0}
    assert decisions_within_a_working_day(empty).summary == ""
    assert conversion_to_referral(empty).totals["rate"] is None
    assert re_referrals(empty).rows == [[date(2020, 1, 1), 0, 0, None]]


def test_the_page_computes_the_same_figures_with_one_query_for_the_contacts(
    front_door, django_assert_num_queries
):
    one_by_one = {key: selector(RANGE) for key, selector in FRONT_DOOR_FIGURES.items()}

    # The five contact figures share one read of the contacts, after one look-up of which days
    # the daily summary holds (none here: every day is counted live; the summary's own tests are
    # in test_contact_summary.py).
    summary_lookup = 1 if connection.vendor == "postgresql" else 0  # none on SQLite
    with django_assert_num_queries(
        len(FRONT_DOOR_FIGURES) - len(CONTACT_FIGURES) + 1 + summary_lookup
    ):
        together = front_door_figures(RANGE)

    for key, figure in together.items():
        assert figure.rows == one_by_one[key].rows, key
