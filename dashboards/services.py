"""Drawing a dip sample and recording its reviews (docs/dashboards.md, "Dip sampling").

Each change checks the current state first: a review is recorded once, by the manager who drew
the sample, and refused with a plain message otherwise.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import Random, RowNumber
from django.utils import timezone

from accounts import rules
from dashboards.models import DipReview, DipSample, Verdict
from familyfirst.clocks import UK
from referrals.models import ConsultationChild, ConsultationStatus
from referrals.selectors import consultations_visible_to
from spectrum.models import LevelCode

MAX_PER_OUTCOME = 20


class DashboardError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def last_month(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _decided_in(*, user, start: date, end: date):
    """The decisions the manager may sample: children in completed consultations decided in the
    dates, that the manager may see, in which they had no part (neither took the call, decided
    the outcome, nor authorised it)."""
    since = datetime.combine(start, time.min, tzinfo=UK)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UK)
    return (
        ConsultationChild.objects.filter(
            consultation__in=consultations_visible_to(user=user),
            consultation__status=ConsultationStatus.COMPLETE,
            consultation__decided_at__gte=since,
            consultation__decided_at__lt=until,
        )
        .exclude(outcome="")
        .exclude(Q(consultation__practitioner=user) | Q(decided_by=user) | Q(authorised_by=user))
        .order_by()
    )


@dataclass(frozen=True)
class Drawn:
    sample: DipSample
    by_outcome: dict


@transaction.atomic
def dip_sample_draw(*, manager, per_outcome: int, today: date | None = None) -> Drawn:
    """Draw up to ``per_outcome`` decisions at random for each outcome, from last month's
    decided consultations: one query, the database numbering each outcome's decisions in a
    random order and keeping the first few."""
    if not rules.can_dip_sample(manager):
        raise DashboardError("Only a Family Connect manager can draw a dip sample")
    if not 1 <= per_outcome <= MAX_PER_OUTCOME:
        raise DashboardError(
            f"Choose between 1 and {MAX_PER_OUTCOME} decisions for each outcome",
            field="per_outcome",
        )
    start, end = last_month(today)
    ranked = (
        _decided_in(user=manager, start=start, end=end)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("outcome")], order_by=Random().asc()),
        )
        .filter(rank__lte=per_outcome)
        .values("pk", "outcome", "consultation__practitioner", "consultation__decided_at")
    )
    chosen = list(ranked)
    if not chosen:
        raise DashboardError(
            f"There are no decisions from {start:%B %Y} to sample that you had no part in",
            field="per_outcome",
        )
    sample = DipSample.objects.create(
        drawn_by=manager,
        drawn_at=timezone.now(),
        period_start=start,
        period_end=end,
        per_outcome=per_outcome,
    )
    DipReview.objects.bulk_create(
        DipReview(
            sample=sample,
            decision_id=row["pk"],
            outcome=row["outcome"],
            practitioner_id=row["consultation__practitioner"],
            decided_at=row["consultation__decided_at"],
        )
        for row in chosen
    )
    by_outcome: dict = {}
    for row in chosen:
        by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + 1
    return Drawn(sample=sample, by_outcome=by_outcome)


@transaction.atomic
def dip_review_record(*, review: DipReview, reviewer, verdict: str, level: str, reason: str):
    review = (
        DipReview.objects.select_for_update(of=("self",)).select_related("sample").get(pk=review.pk)
    )
    if review.sample.drawn_by_id != reviewer.pk:
        raise DashboardError("Only the manager who drew this sample can review its decisions")
    if review.reviewed_at is not None:
        raise DashboardError(
            f"This decision was already reviewed on {timezone.localtime(review.reviewed_at):%-d %B %Y at %H:%M}"
        )
    if verdict not in Verdict.values:
        raise DashboardError("Choose whether you agree with the decision", field="verdict")
    reason = reason.strip()
    if verdict == Verdict.DIFFERENT:
        if level not in LevelCode.values:
            raise DashboardError("Choose the level you would have decided", field="level")
        if not reason:
            raise DashboardError("Say why you would have decided differently", field="reason")
    else:
        level = ""
    review.verdict, review.level, review.reason = verdict, level, reason
    review.reviewed_by, review.reviewed_at = reviewer, timezone.now()
    review.save(update_fields=["verdict", "level", "reason", "reviewed_by", "reviewed_at"])
    return review
