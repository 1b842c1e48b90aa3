"""Dip sampling of front-door decisions (docs/dashboards.md, "Dip sampling").

A Family Connect manager draws a random sample of last month's decided consultations, stratified
by outcome and leaving out their own, and reviews each decision against the Spectrum of Support:
agree, or would have decided differently (at which level, and why). A review is written once,
through ``dashboards.services.dip_review_record``, which checks it is still waiting.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from spectrum.models import LevelCode


class DipSample(models.Model):
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="dip_samples"
    )
    drawn_at = models.DateTimeField()
    # The decisions sampled were made on these days (UK dates, both included).
    period_start = models.DateField()
    period_end = models.DateField()
    per_outcome = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-drawn_at", "-id"]

    def __str__(self):
        return f"Dip sample of {self.period_start:%B %Y} drawn {self.drawn_at:%d %b %Y}"


class Verdict(models.TextChoices):
    AGREE = "AGREE", "I agree with the decision"
    DIFFERENT = "DIFFERENT", "I would have decided differently"


class DipReview(models.Model):
    """One sampled decision (a child in a consultation) and the reviewer's view of it."""

    sample = models.ForeignKey(DipSample, on_delete=models.CASCADE, related_name="reviews")
    decision = models.ForeignKey(
        "referrals.ConsultationChild", on_delete=models.PROTECT, related_name="dip_reviews"
    )
    # Copied when drawn, so the results group by what was decided and by whom.
    outcome = models.CharField(max_length=28)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True)
    level = models.CharField(
        "level the reviewer would choose", max_length=24, choices=LevelCode.choices, blank=True
    )
    reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sample", "outcome", "decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "decision"], name="dip_review_once"),
            models.CheckConstraint(
                name="dip_review_complete",
                condition=Q(verdict="", reviewed_at__isnull=True)
                | (~Q(verdict="") & Q(reviewed_at__isnull=False) & Q(reviewed_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="dip_review_different_has_level_and_reason",
                condition=~Q(verdict="DIFFERENT") | (~Q(level="") & ~Q(reason="")),
            ),
        ]
        indexes = [models.Index(fields=["reviewed_at"], name="dip_review_reviewed_at")]

    def __str__(self):
        return f"Review of {self.decision_id}"


class ContactDay(models.Model):
    """The front door's contacts of one whole past UK day, counted by everything the contact
    figures divide them by (docs/adr/0011, "The summary"): written only by
    ``dashboards.summary.contact_days_refresh``, which re-computes a day in full."""

    day = models.DateField()
    code = models.CharField(max_length=3)  # CIN census referral source code
    purpose = models.CharField(max_length=10, blank=True)
    outcome = models.CharField(max_length=28, blank=True)
    team = models.ForeignKey(
        "locality.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    referral = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "team"], name="dashboards_contactday_day")]

    def __str__(self):
        return f"{self.day}: {self.n} contacts ({self.code}, {self.outcome or 'no outcome'})"


class ContactDayRefresh(models.Model):
    """A day whose ContactDay rows are complete (``fresh``). A change to one of the day's
    contacts marks it not fresh, and until it is refreshed again the day is counted live."""

    day = models.DateField(unique=True)
    fresh = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.day}: {'fresh' if self.fresh else 'to be refreshed'}"
