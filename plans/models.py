"""Plans: the Early Support or Family Help plan on a case, its reviews, the sending of it to the
family and the agencies, Family Network Meeting referrals, and the details a practitioner adds to
a child's flags (docs/plans.md).

Every change goes through ``plans/services.py``, which locks the row and checks its state first.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class AgencyKind(models.TextChoices):
    SCHOOL = "SCHOOL", "School or college"
    EARLY_YEARS = "EARLY_YEARS", "Nursery or early years"
    HEALTH = "HEALTH", "Health (GP, health visitor, school nurse, hospital)"
    MENTAL_HEALTH = "MENTAL_HEALTH", "Mental health"
    POLICE = "POLICE", "Police"
    HOUSING = "HOUSING", "Housing"
    VOLUNTARY = "VOLUNTARY", "Voluntary or community group"
    ADULT_SERVICES = "ADULT_SERVICES", "Adult services (substance use, domestic abuse)"
    OTHER = "OTHER", "Other"


class PartnerAgency(models.Model):
    """An agency that takes actions on plans: a record, never free text, so that what it is sent
    goes to its secure address."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    secure_email = models.EmailField(help_text="A secure address for sending plans")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "partner agencies"

    def __str__(self):
        return self.name


class PlanLevel(models.TextChoices):
    """One plan object at two levels: an Early Support Plan or a Family Help plan."""

    EARLY_SUPPORT = "EARLY_SUPPORT", "Early Support Plan"
    FAMILY_HELP = "FAMILY_HELP", "Family Help plan"


class PlanStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "In place"
    ENDED = "ENDED", "Ended"


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="plans")
    # The case the plan is worked on now; a step up or down moves the plan to the new case.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans")
    level = models.CharField(max_length=16, choices=PlanLevel.choices)
    status = models.CharField(max_length=8, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    # Where the outcomes came from: the signed-off assessment's Plan, when there was one.
    source_assessment_id = models.UUIDField(null=True, blank=True)
    started_on = models.DateField()
    next_review_date = models.DateField()
    # The review date the team manager has been warned is overdue (warned once per date).
    overdue_warned_for = models.DateField(null=True, blank=True)
    family_agreed_on = models.DateField(null=True, blank=True)
    family_agreed_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    family_agreement_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["next_review_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status="ACTIVE"),
                name="plan_one_active_per_child",
            ),
            models.CheckConstraint(
                name="plan_ended_has_ended_at",
                condition=Q(status="ACTIVE") | Q(ended_at__isnull=False),
            ),
            models.CheckConstraint(
                name="plan_agreement_has_who",
                condition=Q(family_agreed_on__isnull=True) | Q(family_agreed_by__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_date"], name="plan_status_review")]

    def __str__(self):
        return f"{self.get_level_display()} for {self.child}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE


class Outcome(models.Model):
    """What the family and the workers want to be different, in the family's own words too."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    family_words = models.TextField(blank=True)
    # The assessment Plan item it was copied from (pathway), when it was.
    source_plan_item_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="outcome_position_unique")
        ]

    def __str__(self):
        return self.title


class ActionOwner(models.TextChoices):
    WORKER = "WORKER", "A worker in the team"
    AGENCY = "AGENCY", "Someone at a partner agency"
    FAMILY = "FAMILY", "A family member"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "NOT_STARTED", "Not started"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    DONE = "DONE", "Done"
    STOPPED = "STOPPED", "Stopped"


class Action(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField()
    owner = models.CharField(max_length=8, choices=ActionOwner.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    agency_contact = models.CharField(max_length=200, blank=True)
    family_member = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    stopped_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["outcome", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_owner_named",
                condition=(Q(owner="WORKER") & Q(worker__isnull=False))
                | (Q(owner="AGENCY") & Q(agency__isnull=False) & ~Q(agency_contact=""))
                | (Q(owner="FAMILY") & Q(family_member__isnull=False)),
            ),
            models.CheckConstraint(
                name="action_stopped_has_reason",
                condition=~Q(status="STOPPED") | ~Q(stopped_reason=""),
            ),
        ]

    def __str__(self):
        return self.what

    @property
    def who(self) -> str:
        if self.owner == ActionOwner.WORKER:
            return str(self.worker)
        if self.owner == ActionOwner.AGENCY:
            return f"{self.agency_contact}, {self.agency}"
        return str(self.family_member)


class ReviewDecision(models.TextChoices):
    CONTINUE = "CONTINUE", "Continue the plan"
    STEP_UP_FAMILY_HELP = "STEP_UP_FAMILY_HELP", "Step up to Family Help"
    STEP_UP_MACPT = "STEP_UP_MACPT", "Step up to the MACPT (child protection)"
    STEP_DOWN_EARLY_SUPPORT = "STEP_DOWN_EARLY_SUPPORT", "Step down to Early Support"
    STEP_DOWN_UNIVERSAL = "STEP_DOWN_UNIVERSAL", "Step down to universal services"
    CLOSE = "CLOSE", "Close"


class Review(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    due_on = models.DateField()
    attendees = models.TextField()
    changes = models.TextField(blank=True)
    decision = models.CharField(max_length=24, choices=ReviewDecision.choices)
    decision_note = models.TextField(blank=True)
    signposting = models.TextField(blank=True)
    # The case the decision opened (a step up or down), when it opened one.
    resulting_case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="review_universal_has_signposting",
                condition=~Q(decision="STEP_DOWN_UNIVERSAL") | ~Q(signposting=""),
            ),
        ]

    def __str__(self):
        return f"Review on {self.held_on:%-d %b %Y}"


SCORE = [MinValueValidator(0), MaxValueValidator(10)]


class ReviewScore(models.Model):
    """Progress on one outcome at one review, 0 (no progress) to 10 (done), from each side."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="scores")
    family_score = models.PositiveSmallIntegerField(validators=SCORE)
    worker_score = models.PositiveSmallIntegerField(validators=SCORE)

    class Meta:
        ordering = ["review", "outcome__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="reviewscore_one_each"),
            models.CheckConstraint(
                name="reviewscore_zero_to_ten",
                condition=Q(family_score__lte=10) & Q(worker_score__lte=10),
            ),
        ]

    def __str__(self):
        return f"{self.outcome}: family {self.family_score}, worker {self.worker_score}"


class Audience(models.TextChoices):
    FAMILY = "FAMILY", "The family"
    AGENCY = "AGENCY", "A partner agency"


class SendingStatus(models.TextChoices):
    QUEUED = "QUEUED", "Waiting to send"
    SENDING = "SENDING", "Sending"
    SUBMITTED = "SUBMITTED", "Handed to the mail server"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Could not be sent"


class PlanSending(models.Model):
    """One copy of the plan sent to one recipient: the family, or an agency with actions (which
    gets only its own part, docs/plans.md "What each agency sees")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sendings")
    audience = models.CharField(max_length=8, choices=Audience.choices)
    agency = models.ForeignKey(
        PartnerAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_name = models.CharField(max_length=200)
    to_email = models.EmailField()
    status = models.CharField(
        max_length=10, choices=SendingStatus.choices, default=SendingStatus.QUEUED
    )
    failures = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    smtp_reply = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    # When a worker last claimed it (QUEUED -> SENDING): the sweeper requeues stalled claims.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "audience", "to_name"]
        constraints = [
            models.CheckConstraint(
                name="plansending_agency_named",
                condition=~Q(audience="AGENCY") | Q(agency__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Plan to {self.to_name}"


class NetworkReferralStatus(models.TextChoices):
    WAITING = "WAITING", "Waiting for a co-ordinator"
    ARRANGING = "ARRANGING", "Being arranged"
    MEETING_HELD = "MEETING_HELD", "Meeting held"


class FamilyNetworkReferral(models.Model):
    """A referral to the Family Network Service for a Family Network Meeting (docs/plans.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="family_network_referrals"
    )
    # Where the referral came from: a case (its team referred), or a front-door consultation
    # (Family Connect referred while the family was with them; no case yet). One or the other.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_network_referrals",
    )
    consultation = models.ForeignKey(
        "referrals.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_network_referrals",
    )
    reason = models.TextField()
    family_hopes = models.TextField(blank=True)
    # The family and the people around them, as the referrer knows them (prefilled from the
    # records, changed as the family says): who the co-ordinator may talk to first.
    family_network = models.TextField(blank=True)
    consent_reason = models.TextField(help_text="The consent gate's answer when it was made")
    status = models.CharField(
        max_length=14, choices=NetworkReferralStatus.choices, default=NetworkReferralStatus.WAITING
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField()
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting_date = models.DateField(null=True, blank=True)
    invited = models.TextField(blank=True)
    attended = models.TextField(blank=True)
    child_contribution = models.TextField(blank=True)
    family_plan = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    meeting_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["referred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["WAITING", "ARRANGING"]),
                name="fnm_one_waiting_per_child",
            ),
            models.CheckConstraint(
                name="fnm_from_a_case_or_a_consultation",
                condition=Q(case__isnull=False) | Q(consultation__isnull=False),
            ),
            models.CheckConstraint(
                name="fnm_held_has_meeting",
                condition=~Q(status="MEETING_HELD")
                | (
                    Q(meeting_date__isnull=False)
                    & Q(review_date__isnull=False)
                    & Q(meeting_recorded_at__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return f"Family Network Meeting referral for {self.child}"


class KinshipArrangement(models.TextChoices):
    INFORMAL = "INFORMAL", "Informal arrangement with family or friends"
    SGO = "SGO", "Special guardianship order"
    CAO = "CAO", "Child arrangements order"


class FlagDetail(models.Model):
    """What the practitioner adds to a child's flag (people.PersonFlag): the kind of kinship
    care, the young carer's assessment referral, the private fostering notification and the
    visit it triggers within 7 working days."""

    flag = models.OneToOneField(
        "people.PersonFlag", on_delete=models.CASCADE, related_name="detail"
    )
    kinship_arrangement = models.CharField(
        max_length=8, choices=KinshipArrangement.choices, blank=True
    )
    young_carer_assessment_referred_on = models.DateField(null=True, blank=True)
    notification_date = models.DateField(null=True, blank=True)
    visit_due_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="flagdetail_visit_after_notification",
                condition=Q(visit_due_date__isnull=True)
                | (
                    Q(notification_date__isnull=False)
                    & Q(visit_due_date__gte=models.F("notification_date"))
                ),
            ),
        ]

    def __str__(self):
        return f"Details of {self.flag}"
