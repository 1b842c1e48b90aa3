"""Warwickshire's Spectrum of Support as versioned data, and the decisions made under it.

A framework version holds its own levels' wording, domains, indicators and the words people use
for each level. Only one version is published at a time; a decision stays tied to the version it
was made under, so revising the framework never rewrites the reasons for an old decision.
"""

import operator
import uuid
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower, Trim
from django.db.models.lookups import GreaterThan


class LevelCode(models.TextChoices):
    """The four levels, in order from least to most need. The order is part of the meaning."""

    UNIVERSAL = "UNIVERSAL", "Universal"
    EARLY_SUPPORT = "EARLY_SUPPORT", "Early Support"
    FAMILY_HELP = "FAMILY_HELP", "Family Help"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION", "Family Help – immediate protection"


LEVEL_RANK = {code: rank for rank, code in enumerate(LevelCode.values, start=1)}


class FrameworkStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    PUBLISHED = "PUBLISHED", "Published"
    RETIRED = "RETIRED", "Retired"


def _raises_to_a_higher_level() -> Q:
    """Every (from, to) pair where ``to`` is above ``from``: the cumulative rule only raises."""
    pairs = [
        Q(
            cumulative_from_level=low,
            cumulative_raise_to__in=[code for code in LEVEL_RANK if LEVEL_RANK[code] > rank],
        )
        for low, rank in LEVEL_RANK.items()
        if rank < len(LEVEL_RANK)
    ]
    return reduce(operator.or_, pairs)


def _order_matches_code() -> Q:
    return reduce(operator.or_, [Q(code=code, order=rank) for code, rank in LEVEL_RANK.items()])


class Framework(models.Model):
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    status = models.CharField(
        max_length=12, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    source_document = models.TextField(help_text="The document this version is written from")
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "A combination of lower-level indicators can raise overall risk": at least
    # ``cumulative_min_indicators`` indicators at ``cumulative_from_level``, across at least
    # ``cumulative_min_domains`` domains, suggest considering ``cumulative_raise_to``.
    cumulative_min_indicators = models.PositiveSmallIntegerField(
        "cumulative rule: at least this many indicators", default=4
    )
    cumulative_min_domains = models.PositiveSmallIntegerField(
        "cumulative rule: across at least this many domains", default=3
    )
    cumulative_from_level = models.CharField(
        "cumulative rule: indicators at this level",
        max_length=24,
        choices=LevelCode.choices,
        default=LevelCode.EARLY_SUPPORT,
    )
    cumulative_raise_to = models.CharField(
        "cumulative rule: suggest considering this level",
        max_length=24,
        choices=LevelCode.choices,
        default=LevelCode.FAMILY_HELP,
    )

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_name_version"),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="PUBLISHED"),
                name="framework_one_published",
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | Q(published_at__isnull=False),
                name="framework_published_has_published_at",
            ),
            models.CheckConstraint(
                condition=Q(status="RETIRED", retired_at__isnull=False)
                | (~Q(status="RETIRED") & Q(retired_at__isnull=True)),
                name="framework_retired_has_retired_at",
            ),
            models.CheckConstraint(
                condition=Q(cumulative_min_indicators__gte=2)
                & Q(cumulative_min_domains__gte=1)
                & Q(cumulative_min_domains__lte=F("cumulative_min_indicators")),
                name="framework_cumulative_thresholds_sensible",
            ),
            models.CheckConstraint(
                condition=_raises_to_a_higher_level(), name="framework_cumulative_rule_raises"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.version} ({self.get_status_display().lower()})"


class Level(models.Model):
    """A level's wording in one framework version."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(max_length=24, choices=LevelCode.choices)
    order = models.PositiveSmallIntegerField(editable=False)
    name = models.CharField(max_length=100)
    summary = models.TextField()
    section = models.CharField(max_length=300, help_text="Where the source document describes it")

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="level_code_per_framework"),
            models.CheckConstraint(condition=_order_matches_code(), name="level_order_fixed"),
        ]

    def __str__(self):
        return self.name


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="domain_code_per_framework"),
            models.UniqueConstraint(
                fields=["framework", "order"], name="domain_order_per_framework"
            ),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """One indicator of possible need, in the project's own concise words."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    # RESTRICT, not PROTECT: deleting a whole draft framework removes its domains and
    # indicators together, but a domain still holding indicators cannot be removed on its own.
    domain = models.ForeignKey(Domain, on_delete=models.RESTRICT, related_name="indicators")
    level = models.CharField(max_length=24, choices=LevelCode.choices)
    code = models.CharField(max_length=40)
    text = models.TextField()
    section = models.CharField(max_length=300, help_text="The source heading it comes from")
    keywords = models.JSONField(default=list, blank=True)
    concern_kinds = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "domain__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="indicator_code_per_framework"
            ),
            models.CheckConstraint(
                condition=Q(level__in=LevelCode.values), name="indicator_level_known"
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text}"


class NeedTerm(models.Model):
    """A word people use for a level of need ("child in need", "targeted", "tier 3")."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="need_terms")
    term = models.CharField(max_length=100, help_text="Lower case, as people would type it")
    level = models.CharField(max_length=24, choices=LevelCode.choices)
    section = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "term"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "term"], name="need_term_per_framework"),
            models.CheckConstraint(condition=Q(term=Lower("term")), name="need_term_lower_case"),
        ]

    def __str__(self):
        return f"{self.term} → {self.get_level_display()}"


_HAS_RATIONALE = GreaterThan(Length(Trim("rationale")), 0)


class SpectrumDecision(models.Model):
    """A practitioner's judgement of a child's level of need, under one framework version.

    Never edited once authorised: a re-evaluation is a new decision that ``supersedes`` the
    last one, so the history of why each level was chosen is kept.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="spectrum_decisions"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="decisions")
    # The consultation the decision was made in, when it was made during one.
    consultation = models.ForeignKey(
        "referrals.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="spectrum_decisions",
    )
    indicators = models.ManyToManyField(
        Indicator, through="SpectrumDecisionIndicator", related_name="decisions"
    )
    suggested_level = models.CharField(max_length=24, choices=LevelCode.choices)
    suggestion_reasons = models.JSONField(default=list)
    decided_level = models.CharField(max_length=24, choices=LevelCode.choices)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(db_index=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["person", "-decided_at"], name="spectrumdecision_person_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(suggested_level__in=LevelCode.values)
                & Q(decided_level__in=LevelCode.values),
                name="spectrumdecision_levels_known",
            ),
            models.CheckConstraint(
                condition=Q(decided_level=F("suggested_level")) | _HAS_RATIONALE,
                name="spectrumdecision_rationale_when_differs",
            ),
            models.CheckConstraint(
                condition=~Q(decided_level="IMMEDIATE_PROTECTION") | _HAS_RATIONALE,
                name="spectrumdecision_rationale_for_protection",
            ),
            models.CheckConstraint(
                condition=Q(authorised_by__isnull=True, authorised_at__isnull=True)
                | Q(authorised_by__isnull=False, authorised_at__isnull=False),
                name="spectrumdecision_authorised_by_and_at",
            ),
            models.CheckConstraint(
                condition=Q(authorised_by__isnull=True) | ~Q(authorised_by=F("decided_by")),
                name="spectrumdecision_not_self_authorised",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=F("id")), name="spectrumdecision_not_self_superseding"
            ),
        ]

    def __str__(self):
        return f"{self.get_decided_level_display()} for {self.person_id} at {self.decided_at:%Y-%m-%d %H:%M}"

    @property
    def is_authorised(self) -> bool:
        return self.authorised_at is not None

    @property
    def differs_from_suggestion(self) -> bool:
        return self.decided_level != self.suggested_level


class SpectrumDecisionIndicator(models.Model):
    decision = models.ForeignKey(
        SpectrumDecision, on_delete=models.CASCADE, related_name="selections"
    )
    # An indicator a decision relied on can never be deleted from its framework.
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="selections")

    class Meta:
        ordering = ["decision", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "indicator"], name="spectrumdecisionindicator_once"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id}: {self.indicator_id}"
