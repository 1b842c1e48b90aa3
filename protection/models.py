"""Child protection in the MACPT: from the front door's phone call to the plan (docs/protection.md).

An immediate-protection referral opens an urgent case in a MACPT team; the chain of work on it is
a strategy discussion, a Section 47 enquiry, an initial child protection conference and a child
protection plan with its core group and review conferences. Every record moves through the states
below only through ``protection/services.py``, each of which locks the row and checks its state.
Field names follow the CIN census where there is one (docs/protection.md, "Census fields").
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class MacptCall(models.Model):
    """The front-door practitioner phoned the MACPT about a family: one per consultation and
    team, however many children the call names."""

    consultation = models.ForeignKey(
        "referrals.Consultation", on_delete=models.PROTECT, related_name="macpt_calls"
    )
    team = models.ForeignKey("locality.Team", on_delete=models.PROTECT, related_name="+")
    spoke_to = models.CharField(max_length=200)
    phoned_at = models.DateTimeField()
    phoned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-phoned_at"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "team"], name="macpt_call_once"),
        ]

    def __str__(self):
        return f"Phoned {self.team} at {self.phoned_at:%H:%M}"


class HomeAuthorityNotice(models.Model):
    """A child found in Warwickshire who lives elsewhere: their home authority, and when it was
    told (by email, once, through Celery)."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="home_authority_notice"
    )
    postcode = models.CharField(max_length=10)
    la_code = models.CharField("local authority (ONS code)", max_length=9)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.la_code} for {self.postcode}"


class StrategyStatus(models.TextChoices):
    DUE = "DUE", "To be held"
    HELD = "HELD", "Held"


class StrategyDecision(models.TextChoices):
    S47_SINGLE = "S47_SINGLE", "Section 47 enquiry by social care"
    S47_JOINT = "S47_JOINT", "Section 47 joint enquiry with the police"
    NO_S47 = "NO_S47", "No Section 47 enquiry"


S47_DECISIONS = {StrategyDecision.S47_SINGLE, StrategyDecision.S47_JOINT}


class Agency(models.TextChoices):
    POLICE = "POLICE", "Police"
    HEALTH = "HEALTH", "Health"
    EDUCATION = "EDUCATION", "Education"
    SOCIAL_CARE = "SOCIAL_CARE", "Social care"
    OTHER = "OTHER", "Other agency"


class StrategyDiscussion(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    status = models.CharField(max_length=8, choices=StrategyStatus.choices, default="DUE")
    due_at = models.DateTimeField(db_index=True)
    held_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=12, choices=StrategyDecision.choices, blank=True)
    no_s47_reason = models.TextField(blank=True)
    next_step = models.TextField(blank=True)
    safety_actions = models.TextField("immediate safety actions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                name="strategy_held_has_decision",
                condition=~Q(status="HELD") | (Q(held_at__isnull=False) & ~Q(decision="")),
            ),
            models.CheckConstraint(
                name="strategy_no_s47_has_reason",
                condition=~Q(decision="NO_S47") | ~Q(no_s47_reason=""),
            ),
        ]

    def __str__(self):
        return f"Strategy discussion for {self.case}"


class StrategyAttendee(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees"
    )
    agency = models.CharField(max_length=12, choices=Agency.choices)
    name = models.CharField(max_length=200)
    took_part = models.BooleanField()

    class Meta:
        ordering = ["discussion", "agency", "id"]

    def __str__(self):
        return f"{self.get_agency_display()}: {self.name}"


class SharedInformation(models.Model):
    """What an agency shared at the strategy discussion. Each entry has its sharing-log row
    (consent.SharingRecord), written in the same transaction."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="information"
    )
    source = models.CharField(max_length=12, choices=Agency.choices)
    summary = models.TextField()
    sharing_record_id = models.UUIDField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["discussion", "source", "id"]

    def __str__(self):
        return f"From {self.get_source_display()}"


class EnquiryStatus(models.TextChoices):
    OPEN = "OPEN", "Under way"
    COMPLETED = "COMPLETED", "Completed"


class EnquiryOutcome(models.TextChoices):
    SUBSTANTIATED_ICPC = "SUBSTANTIATED_ICPC", "Concerns substantiated: ICPC needed"
    SUBSTANTIATED_NO_ICPC = "SUBSTANTIATED_NO_ICPC", "Concerns substantiated: no ICPC needed"
    NOT_SUBSTANTIATED = "NOT_SUBSTANTIATED", "Concerns not substantiated"


class Section47Enquiry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="enquiries")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry"
    )
    joint_with_police = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=EnquiryStatus.choices, default="OPEN")
    # CIN census Section47: S47ActualStartDate and InitialCPCtarget.
    start_date = models.DateField()
    icpc_target_date = models.DateField(db_index=True)
    lcpp = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enquiries_led"
    )
    fhlp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enquiries_supported",
    )
    child_seen = models.BooleanField(default=False)
    child_seen_alone = models.BooleanField(default=False)
    child_seen_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=EnquiryOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    completed_date = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["icpc_target_date"]
        verbose_name = "Section 47 enquiry"
        verbose_name_plural = "Section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                name="s47_seen_alone_means_seen",
                condition=Q(child_seen_alone=False) | Q(child_seen=True),
            ),
            models.CheckConstraint(
                name="s47_completed_has_outcome",
                condition=~Q(status="COMPLETED")
                | (~Q(outcome="") & Q(completed_date__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"Section 47 enquiry for {self.case}"

    @property
    def icpc_not_required(self) -> bool | None:
        """CIN census ICPCnotRequired: known once the enquiry ends."""
        if self.status != EnquiryStatus.COMPLETED:
            return None
        return self.outcome != EnquiryOutcome.SUBSTANTIATED_ICPC


class ConferenceKind(models.TextChoices):
    INITIAL = "INITIAL", "Initial child protection conference"
    REVIEW = "REVIEW", "Review child protection conference"


class ConferenceStatus(models.TextChoices):
    DUE = "DUE", "To be held"
    HELD = "HELD", "Held"


class ConferenceDecision(models.TextChoices):
    PLAN = "PLAN", "Child protection plan"
    NO_PLAN = "NO_PLAN", "No child protection plan"
    CONTINUE = "CONTINUE", "The plan continues"
    END = "END", "The plan ends"


INITIAL_DECISIONS = {ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN}
REVIEW_DECISIONS = {ConferenceDecision.CONTINUE, ConferenceDecision.END}


class Conference(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=8, choices=ConferenceKind.choices)
    enquiry = models.OneToOneField(
        Section47Enquiry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initial_conference",
    )
    plan = models.ForeignKey(
        "ProtectionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    status = models.CharField(max_length=8, choices=ConferenceStatus.choices, default="DUE")
    due_date = models.DateField(db_index=True)
    held_on = models.DateField(null=True, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    attendees = models.TextField(blank=True)
    family_views = models.TextField("the family's views", blank=True)
    child_views = models.TextField("the child's views", blank=True)
    decision = models.CharField(max_length=8, choices=ConferenceDecision.choices, blank=True)
    decision_note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(
                name="conference_held_has_decision",
                condition=~Q(status="HELD") | (Q(held_on__isnull=False) & ~Q(decision="")),
            ),
            models.CheckConstraint(
                name="conference_initial_has_enquiry",
                condition=~Q(kind="INITIAL") | Q(enquiry__isnull=False),
            ),
            models.CheckConstraint(
                name="conference_review_has_plan",
                condition=~Q(kind="REVIEW") | Q(plan__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.case}"


class CategoryOfAbuse(models.TextChoices):
    """CIN census category of abuse (InitialCategoryOfAbuse, LatestCategoryOfAbuse)."""

    NEG = "NEG", "Neglect"
    PHY = "PHY", "Physical abuse"
    SAB = "SAB", "Sexual abuse"
    EMO = "EMO", "Emotional abuse"
    MUL = "MUL", "Multiple"


class PlanStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    ENDED = "ENDED", "Ended"


class PlanEndReason(models.TextChoices):
    NO_LONGER_AT_RISK = "NO_LONGER_AT_RISK", "A review conference decided it is no longer needed"
    MOVED_AWAY = "MOVED_AWAY", "The child moved to another local authority"
    LOOKED_AFTER = "LOOKED_AFTER", "The child became looked after"
    ADULT = "ADULT", "The child reached 18"
    DIED = "DIED", "The child died"
    OTHER = "OTHER", "Another reason"


class ProtectionPlan(models.Model):
    """A child protection plan (CIN census ChildProtectionPlans)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="protection_plans"
    )
    initial_conference = models.OneToOneField(
        Conference, on_delete=models.PROTECT, related_name="plan_started"
    )
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default="ACTIVE")
    start_date = models.DateField()  # CPPstartDate: the day of the ICPC
    initial_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    latest_category = models.CharField(max_length=3, choices=CategoryOfAbuse.choices)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans_led"
    )
    core_group_due_date = models.DateField()
    core_group_held_on = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)  # CPPendDate
    end_reason = models.CharField(max_length=20, choices=PlanEndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    # CIN census NumberOfPreviousCPP: earlier plans anywhere, asked at the ICPC (docs/returns.md).
    previous_plans = models.PositiveSmallIntegerField(
        "number of previous child protection plans", default=0
    )

    class Meta:
        ordering = ["start_date"]
        verbose_name = "child protection plan"
        constraints = [
            models.CheckConstraint(
                name="plan_ended_has_reason",
                condition=~Q(status="ENDED") | (Q(end_date__isnull=False) & ~Q(end_reason="")),
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="ACTIVE"), name="plan_one_active_per_case"
            ),
        ]

    def __str__(self):
        return f"Child protection plan for {self.case}"
