"""Consent to a service, exceptions to it, and the log of what was shared with whom.

Three meanings of "consent" must not be confused (reference/STATUTORY.md §5.1): agreement to a
voluntary service (the records here), the data-protection lawful basis for sharing (the
information-sharing log holds the basis, which is never consent), and medical consent (not held).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from audit.models import HashChainedModel


class Purpose(models.TextChoices):
    REFERRAL = "REFERRAL", "Agreement to an Early Support or Family Help referral"
    INFORMATION_SHARING = "INFORMATION_SHARING", "Sharing information with named agencies"
    FAMILY_NETWORK_MEETING = "FAMILY_NETWORK_MEETING", "A Family Network Meeting"
    # Statutory: never needs consent, but why it was not sought is recorded as an exception.
    IMMEDIATE_PROTECTION = (
        "IMMEDIATE_PROTECTION",
        "Immediate protection (child protection response)",
    )


class ConsentStatus(models.TextChoices):
    NOT_SOUGHT = "NOT_SOUGHT", "Not yet sought"
    GIVEN = "GIVEN", "Given"
    REFUSED = "REFUSED", "Refused"
    WITHDRAWN = "WITHDRAWN", "Withdrawn"


class Capacity(models.TextChoices):
    PARENTAL_RESPONSIBILITY = "PARENTAL_RESPONSIBILITY", "A person with parental responsibility"
    YOUNG_PERSON = "YOUNG_PERSON", "The young person, aged 16 or 17"
    GILLICK_COMPETENT_CHILD = (
        "GILLICK_COMPETENT_CHILD",
        "The child, under 16 and judged Gillick competent",
    )


class Method(models.TextChoices):
    VERBAL = "VERBAL", "Verbally"
    WRITTEN = "WRITTEN", "In writing"


class ConsentRecord(models.Model):
    """One answer from one person about one child and one purpose. A later record supersedes an
    earlier one from the same person; withdrawal is recorded on the record it withdraws."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consent_records"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    scope = models.TextField(
        blank=True, help_text="What the consent covers, e.g. the agencies named"
    )
    status = models.CharField(max_length=12, choices=ConsentStatus.choices)
    given_by = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_given",
    )
    capacity = models.CharField(max_length=32, choices=Capacity.choices, blank=True)
    competence_judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    competence_note = models.TextField(blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            models.Index(fields=["child", "purpose", "-recorded_at"], name="consent_child_purpose")
        ]
        constraints = [
            models.CheckConstraint(
                name="consent_answer_names_who_how_and_when",
                condition=Q(status=ConsentStatus.NOT_SOUGHT)
                | (
                    Q(given_by__isnull=False)
                    & ~Q(capacity="")
                    & ~Q(method="")
                    & Q(answered_at__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="consent_gillick_competence_is_judged",
                condition=~Q(capacity=Capacity.GILLICK_COMPETENT_CHILD)
                | (Q(competence_judged_by__isnull=False) & ~Q(competence_note="")),
            ),
            models.CheckConstraint(
                name="consent_withdrawal_has_when_who_and_why",
                condition=~Q(status=ConsentStatus.WITHDRAWN)
                | (
                    Q(withdrawn_at__isnull=False)
                    & Q(withdrawal_recorded_by__isnull=False)
                    & ~Q(withdrawal_reason="")
                ),
            ),
            models.CheckConstraint(
                name="consent_child_or_young_person_gives_own",
                condition=Q(capacity=Capacity.PARENTAL_RESPONSIBILITY)
                | Q(capacity="")
                | Q(given_by=F("child")),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}: {self.get_status_display()}"


class ExceptionReason(models.TextChoices):
    CHILD_PROTECTION = "CHILD_PROTECTION", "Child protection: risk of significant harm"
    INCREASES_RISK = (
        "INCREASES_RISK",
        "Seeking consent would increase the risk of harm to the child",
    )
    PREJUDICES_INVESTIGATION = (
        "PREJUDICES_INVESTIGATION",
        "Seeking consent would prejudice a criminal investigation",
    )
    POLICE_DAP = "POLICE_DAP", "Police Domestic Abuse Pathway criteria are met"
    CANNOT_OBTAIN = "CANNOT_OBTAIN", "Consent cannot reasonably be obtained"


class FamilyTold(models.TextChoices):
    YES = "YES", "Yes"
    NOT_YET = "NOT_YET", "Not yet"
    NO = "NO", "No, and they will not be told"


class ConsentException(models.Model):
    """A decision to go ahead without consent: why, who decided, and (except for child
    protection) which manager approved it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consent_exceptions"
    )
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    reason = models.CharField(max_length=32, choices=ExceptionReason.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    family_told = models.CharField(max_length=10, choices=FamilyTold.choices)
    family_told_date = models.DateField(null=True, blank=True)
    not_told_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                name="consent_exception_has_rationale", condition=~Q(rationale="")
            ),
            models.CheckConstraint(
                name="consent_exception_not_self_approved",
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("decided_by")),
            ),
            models.CheckConstraint(
                name="consent_exception_approval_has_time",
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
            ),
            models.CheckConstraint(
                name="consent_exception_family_told_when_or_why_not",
                condition=(Q(family_told=FamilyTold.YES) & Q(family_told_date__isnull=False))
                | (Q(family_told=FamilyTold.NO) & ~Q(not_told_reason=""))
                | Q(family_told=FamilyTold.NOT_YET),
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} without consent: {self.get_reason_display()}"

    @property
    def needs_approval(self) -> bool:
        return self.reason != ExceptionReason.CHILD_PROTECTION

    @property
    def is_in_force(self) -> bool:
        return not self.needs_approval or self.approved_by_id is not None


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "ART_6_1_E", "UK GDPR Article 6(1)(e): public task"
    LEGAL_OBLIGATION = "ART_6_1_C", "UK GDPR Article 6(1)(c): legal obligation"


class SpecialCategoryCondition(models.TextChoices):
    NONE = "NONE", "No special category data"
    SAFEGUARDING = (
        "ART_9_DPA_SCH1_P18",
        "Article 9 with DPA 2018 Schedule 1 paragraph 18 (safeguarding)",
    )


class SharingDecision(models.TextChoices):
    SHARED = "SHARED", "Shared"
    WITHHELD = "WITHHELD", "Withheld"


class SharingRecord(HashChainedModel):
    """What was shared (or deliberately withheld), with whom, why and on which lawful basis.
    Every letter or export that leaves the system writes one; nothing changes it afterwards."""

    HASHED_FIELDS = (
        "id",
        "decided_at",
        "person_id",
        "what",
        "agency",
        "recipient",
        "purpose",
        "lawful_basis",
        "special_category_condition",
        "decision",
        "reason",
        "decided_by",
        "source_type",
        "source_id",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The child's id as a value, not a foreign key, like the access log: merging two records
    # must never rewrite what was shared about whom.
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    what = models.TextField(help_text="What was shared or withheld")
    agency = models.CharField(max_length=200)
    recipient = models.CharField(
        max_length=200, blank=True, help_text="The named person, where there is one"
    )
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=12, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        max_length=24,
        choices=SpecialCategoryCondition.choices,
        default=SpecialCategoryCondition.NONE,
    )
    decision = models.CharField(max_length=10, choices=SharingDecision.choices)
    reason = models.TextField(help_text="Why it was shared or withheld")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    source_type = models.CharField(max_length=40, blank=True, help_text="e.g. letter, export")
    source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "information-sharing record"
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(name="sharing_record_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} with {self.agency}"
