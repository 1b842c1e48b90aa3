"""Dip sampling: the draw (stratified by outcome, never the manager's own decisions), the
reviews (each once, by the manager who drew the sample) and the agreement rates."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from dashboards.models import DipReview
from dashboards.selectors import (
    agreement_by_outcome,
    agreement_by_practitioner,
    agreement_over_time,
)
from dashboards.services import DashboardError, dip_review_record, dip_sample_draw, last_month
from referrals.models import Outcome
from tests.dashboards.helpers import at, consultation, decision, team, worker

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture
def november(practitioner, fc_manager):
    other_manager = worker("olive", Role.FC_MANAGER)
    rugby = team("family-help-rugby")
    made = []
    for n, outcome in enumerate(
        [Outcome.ADVICE] * 3 + [Outcome.SINGLE_AGENCY] * 2 + [Outcome.FAMILY_HELP_ASSESSMENT]
    ):
        call = consultation(received_at=at(date(2026, 11, 3 + n)), practitioner=practitioner)
        made.append(decision(call, outcome=outcome, to_team=rugby, authorised_by=other_manager))
    # The manager's own call, a referral the manager authorised, October's, and an open draft.
    own = consultation(received_at=at(date(2026, 11, 10)), practitioner=fc_manager)
    excluded = [decision(own, outcome=Outcome.ADVICE)]
    theirs = consultation(received_at=at(date(2026, 11, 11)), practitioner=practitioner)
    excluded.append(
        decision(
            theirs, outcome=Outcome.FAMILY_HELP_ASSESSMENT, to_team=rugby, authorised_by=fc_manager
        )
    )
    october = consultation(received_at=at(date(2026, 10, 20)), practitioner=practitioner)
    excluded.append(decision(october, outcome=Outcome.ADVICE))
    draft = consultation(
        received_at=at(date(2026, 11, 12)), practitioner=practitioner, decided_after=None
    )
    excluded.append(decision(draft, outcome=Outcome.ADVICE))
    return {"made": made, "excluded": excluded, "other_manager": other_manager}


def test_last_month_is_the_calendar_month_before():
    assert last_month(TODAY) == (date(2026, 11, 1), date(2026, 11, 30))
    assert last_month(date(2027, 1, 15)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_the_draw_is_stratified_by_outcome_and_leaves_out_the_managers_own(november, fc_manager):
    drawn = dip_sample_draw(manager=fc_manager, per_outcome=2, today=TODAY)

    assert drawn.by_outcome == {"ADVICE": 2, "SINGLE_AGENCY": 2, "FAMILY_HELP_ASSESSMENT": 1}
    sampled = set(drawn.sample.reviews.values_list("decision_id", flat=True))
    assert sampled <= {link.pk for link in november["made"]}
    assert not sampled & {link.pk for link in november["excluded"]}
    assert (drawn.sample.period_start, drawn.sample.period_end) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )


def test_the_draw_is_random(november, fc_manager):
    draws = {
        frozenset(
            dip_sample_draw(manager=fc_manager, per_outcome=1, today=TODAY)
            .sample.reviews.filter(outcome="ADVICE")
            .values_list("decision_id", flat=True)
        )
        for _ in range(30)
    }
    assert len(draws) > 1  # three ADVICE decisions to choose one from, thirty times


def test_nothing_to_sample_is_refused_with_a_reason(fc_manager):
    with pytest.raises(DashboardError, match="no decisions from November 2026"):
        dip_sample_draw(manager=fc_manager, per_outcome=2, today=TODAY)


def test_only_a_family_connect_manager_draws(november, team_manager):
    with pytest.raises(DashboardError, match="Only a Family Connect manager"):
        dip_sample_draw(manager=team_manager, per_outcome=2, today=TODAY)


def _review(drawn, outcome):
    return drawn.sample.reviews.filter(outcome=outcome, reviewed_at__isnull=True).first()


def test_reviews_are_recorded_once_by_the_manager_who_drew(november, fc_manager):
    drawn = dip_sample_draw(manager=fc_manager, per_outcome=2, today=TODAY)
    review = _review(drawn, "ADVICE")

    with pytest.raises(DashboardError, match="level you would have decided"):
        dip_review_record(
            review=review, reviewer=fc_manager, verdict="DIFFERENT", level="", reason="x"
        )
    with pytest.raises(DashboardError, match="Only the manager who drew"):
        dip_review_record(
            review=review, reviewer=november["other_manager"], verdict="AGREE", level="", reason=""
        )
    dip_review_record(
        review=review, reviewer=fc_manager, verdict="AGREE", level="EARLY_SUPPORT", reason=""
    )
    with pytest.raises(DashboardError, match="already reviewed"):
        dip_review_record(
            review=review, reviewer=fc_manager, verdict="DIFFERENT", level="FAMILY_HELP", reason="x"
        )

    review.refresh_from_db()
    assert (review.verdict, review.level, review.reviewed_by) == ("AGREE", "", fc_manager)


def test_agreement_rates_by_outcome_practitioner_and_month(november, fc_manager, practitioner):
    drawn = dip_sample_draw(manager=fc_manager, per_outcome=2, today=TODAY)
    dip_review_record(
        review=_review(drawn, "ADVICE"), reviewer=fc_manager, verdict="AGREE", level="", reason=""
    )
    dip_review_record(
        review=_review(drawn, "ADVICE"),
        reviewer=fc_manager,
        verdict="DIFFERENT",
        level="EARLY_SUPPORT",
        reason="Three Early Support indicators across two domains",
    )
    dip_review_record(
        review=_review(drawn, "SINGLE_AGENCY"),
        reviewer=fc_manager,
        verdict="AGREE",
        level="",
        reason="",
    )
    today = timezone.localdate()
    start = today.replace(day=1)

    by_outcome = agreement_by_outcome(start=start, end=today)
    assert by_outcome.rows == [
        [Outcome.ADVICE.label, 1, 1, 50.0],
        [Outcome.SINGLE_AGENCY.label, 1, 0, 100.0],
    ]
    assert agreement_by_practitioner(start=start, end=today).rows == [
        [str(practitioner), 2, 1, 66.7]
    ]
    assert agreement_over_time(start=start, end=today).rows == [[start, 66.7, 3]]
    # Reviews outside the dates are not counted.
    assert (
        agreement_by_outcome(
            start=start - timedelta(days=400), end=start - timedelta(days=300)
        ).rows
        == []
    )
    assert DipReview.objects.filter(reviewed_at__isnull=False).count() == 3
