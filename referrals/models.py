"""Consultations: the front-door conversation.

A consultation is one call or message from a caller about one or more children. Each child in it
gets an outcome; outcomes that open a referral, and "no further action" on a referral, wait for a
Family Connect manager's authorisation, and an authorised referral opens a case in the receiving
team's incoming queue (cases.services.case_open). A call about a child already open to a team
can instead pass the information to the allocated worker (docs/cases.md).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Channel(models.TextChoices):
    TELEPHONE = "TELEPHONE", "Telephone"
    EMAIL = "EMAIL", "Email"
    IN_PERSON = "IN_PERSON", "In person"
    ONLINE = "ONLINE", "Online"


class AgencyType(models.TextChoices):
    """Who is calling, mapped below to the CIN census referral source codes."""

    FAMILY_MEMBER = "FAMILY_MEMBER", "Family member, relative or carer"
    ACQUAINTANCE = "ACQUAINTANCE", "Acquaintance, neighbour or childminder"
    SELF = "SELF", "The child or young person themselves"
    MEMBER_OF_PUBLIC = "MEMBER_OF_PUBLIC", "Other member of the public"
    SCHOOL = "SCHOOL", "School"
    EDUCATION_SERVICES = "EDUCATION_SERVICES", "Education services"
    GP = "GP", "GP"
    HEALTH_VISITOR = "HEALTH_VISITOR", "Health visitor"
    SCHOOL_NURSE = "SCHOOL_NURSE", "School nurse"
    OTHER_PRIMARY_HEALTH = "OTHER_PRIMARY_HEALTH", "Other primary health services"
    EMERGENCY_DEPARTMENT = "EMERGENCY_DEPARTMENT", "A&E"
    OTHER_HEALTH = "OTHER_HEALTH", "Other health services"
    HOUSING = "HOUSING", "Housing (council or housing association)"
    LA_SOCIAL_CARE = "LA_SOCIAL_CARE", "Council social care (e.g. adult social care)"
    LA_OTHER_INTERNAL = "LA_OTHER_INTERNAL", "Other council service (e.g. youth justice)"
    LA_EXTERNAL = "LA_EXTERNAL", "Another council's services"
    EARLY_HELP = "EARLY_HELP", "Early help"
    POLICE = "POLICE", "Police"
    LEGAL_AGENCY = "LEGAL_AGENCY", "Courts, probation, Cafcass, prison or immigration"
    OTHER = "OTHER", "Other (children's centre, voluntary or independent organisation)"
    ANONYMOUS = "ANONYMOUS", "Anonymous"
    UNKNOWN = "UNKNOWN", "Not known"


CIN_REFERRAL_SOURCE = {
    AgencyType.FAMILY_MEMBER: "1A",
    AgencyType.ACQUAINTANCE: "1B",
    AgencyType.SELF: "1C",
    AgencyType.MEMBER_OF_PUBLIC: "1D",
    AgencyType.SCHOOL: "2A",
    AgencyType.EDUCATION_SERVICES: "2B",
    AgencyType.GP: "3A",
    AgencyType.HEALTH_VISITOR: "3B",
    AgencyType.SCHOOL_NURSE: "3C",
    AgencyType.OTHER_PRIMARY_HEALTH: "3D",
    AgencyType.EMERGENCY_DEPARTMENT: "3E",
    AgencyType.OTHER_HEALTH: "3F",
    AgencyType.HOUSING: "4",
    AgencyType.LA_SOCIAL_CARE: "5A",
    AgencyType.LA_OTHER_INTERNAL: "5B",
    AgencyType.LA_EXTERNAL: "5C",
    AgencyType.EARLY_HELP: "5D",
    AgencyType.POLICE: "6",
    AgencyType.LEGAL_AGENCY: "7",
    AgencyType.OTHER: "8",
    AgencyType.ANONYMOUS: "9",
    AgencyType.UNKNOWN: "10",
}
MEMBERS_OF_THE_PUBLIC = {
    AgencyType.FAMILY_MEMBER,
    AgencyType.ACQUAINTANCE,
    AgencyType.SELF,
    AgencyType.MEMBER_OF_PUBLIC,
}


class CallPurpose(models.TextChoices):
    ADVICE = "ADVICE", "Asking for advice"
    REFERRAL = "REFERRAL", "Making a referral"


class SafeNow(models.TextChoices):
    YES = "YES", "Yes"
    NO = "NO", "No"
    NOT_KNOWN = "NOT_KNOWN", "Not known"


class ConsultationStatus(models.TextChoices):
    DRAFT = "DRAFT", "In progress"
    AWAITING_AUTHORISATION = "AWAITING_AUTHORISATION", "Waiting for a manager"
    COMPLETE = "COMPLETE", "Complete"


class Consultation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=24, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.TELEPHONE)
    received_at = models.DateTimeField()
    decision_due_at = models.DateTimeField(db_index=True)
    purpose = models.CharField(max_length=10, choices=CallPurpose.choices, blank=True)
    purpose_detail = models.TextField(blank=True)

    caller_name = models.CharField(max_length=200, blank=True)
    caller_role = models.CharField(max_length=200, blank=True)
    caller_agency_type = models.CharField(max_length=24, choices=AgencyType.choices, blank=True)
    caller_organisation = models.CharField(max_length=200, blank=True)
    caller_phone = models.CharField(max_length=40, blank=True)
    caller_email = models.EmailField(blank=True)
    caller_relationship = models.CharField(
        max_length=200, blank=True, help_text="Relationship to the family"
    )
    caller_anonymous = models.BooleanField(default=False)

    concerns = models.TextField(blank=True)
    child_location_now = models.TextField(blank=True)
    safe_now = models.CharField(max_length=10, choices=SafeNow.choices, blank=True)
    family_knows = models.TextField(blank=True, help_text="What the family has been told")
    child_views = models.TextField(blank=True)
    strengths = models.TextField(blank=True, help_text="Strengths and protective factors")
    action_plan = models.TextField(blank=True)

    # What was typed in a field that does not make a value yet (the time received's parts, half
    # typed), kept as typed so that nothing is lost; cleared once the field is saved.
    typed_not_saved = models.JSONField(default=dict, blank=True)

    # Optimistic locking for autosave: every save must quote the version it started from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the manager was warned"
    )
    breached_at = models.DateTimeField(
        null=True, blank=True, help_text="When the decision became overdue"
    )

    class Meta:
        ordering = ["decision_due_at"]
        indexes = [models.Index(fields=["status", "decision_due_at"], name="consultation_queue")]
        constraints = [
            models.CheckConstraint(
                name="consultation_complete_has_completed_at",
                condition=~Q(status=ConsultationStatus.COMPLETE) | Q(completed_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def cin_referral_source(self) -> str:
        return CIN_REFERRAL_SOURCE.get(self.caller_agency_type, "10")


class ConsultationReferenceCounter(models.Model):
    """The last consultation number given in a year (references are FC-<year>-<number>).

    Starting a consultation locks its year's row until the consultation is saved, so two
    starts at once wait for each other instead of both taking the newest number plus one
    (13 of 30 simultaneous starts failed that way: bench/results/load.json)."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"FC-{self.year}: {self.last_number}"


class Outcome(models.TextChoices):
    ADVICE = "ADVICE", "Advice, information and guidance"
    SINGLE_AGENCY = "SINGLE_AGENCY", "Single agency support"
    EARLY_SUPPORT_ASSESSMENT = (
        "EARLY_SUPPORT_ASSESSMENT",
        "Early Support Assessment led by the caller's agency",
    )
    EARLY_SUPPORT_REFERRAL = "EARLY_SUPPORT_REFERRAL", "Referral for Early Support"
    FAMILY_HELP_ASSESSMENT = "FAMILY_HELP_ASSESSMENT", "Family Help Assessment"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION", "Immediate protection through the MACPT"
    PASS_TO_WORKER = "PASS_TO_WORKER", "Pass to the allocated worker (the child is already open)"


OPENS_REFERRAL = {
    Outcome.EARLY_SUPPORT_REFERRAL,
    Outcome.FAMILY_HELP_ASSESSMENT,
    Outcome.IMMEDIATE_PROTECTION,
}
ROUTING_LEVEL = {
    Outcome.EARLY_SUPPORT_REFERRAL: "EARLY_SUPPORT",
    Outcome.FAMILY_HELP_ASSESSMENT: "FAMILY_HELP",
    Outcome.IMMEDIATE_PROTECTION: "IMMEDIATE_PROTECTION",
}


class AuthorisationStatus(models.TextChoices):
    NOT_NEEDED = "NOT_NEEDED", "Not needed"
    AWAITING = "AWAITING", "Waiting for a manager"
    AUTHORISED = "AUTHORISED", "Authorised"
    RETURNED = "RETURNED", "Returned to the practitioner"


class ConsultationChild(models.Model):
    """One child in a consultation, and what was agreed for them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="children"
    )
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consultation_links"
    )
    spectrum_decision = models.ForeignKey(
        "spectrum.SpectrumDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(max_length=28, choices=Outcome.choices, blank=True)
    services_signposted = models.TextField(blank=True)
    outcome_rationale = models.TextField(blank=True)
    main_concern = models.CharField(max_length=20, blank=True, help_text="For routing")
    severe_disability = models.BooleanField(default=False)
    routing_postcode = models.CharField(max_length=10, blank=True)
    suggested_team = models.ForeignKey(
        "locality.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_reasons = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(
        "locality.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_override = models.ForeignKey(
        "locality.RoutingOverride",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgent = models.BooleanField(default=False)
    authorisation = models.CharField(
        max_length=12, choices=AuthorisationStatus.choices, default=AuthorisationStatus.NOT_NEEDED
    )
    # A copy of the consultation's decision due time, so the authorisation queue's order
    # (authorisation, urgent, due) is one index (docs/load-test.md). Set when the link is made
    # and kept in step by referrals.services whenever the consultation's clock moves.
    decision_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    manager_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The open case this call's information went to: passed to the allocated worker, or a
    # referral to a team the child is already open to (no second case).
    joined_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joined_referrals",
    )

    class Meta:
        ordering = ["consultation", "child__family_name", "child__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "child"], name="consultation_child_once"
            ),
            models.CheckConstraint(
                name="consultation_child_not_self_authorised",
                condition=Q(authorised_by__isnull=True) | ~Q(authorised_by=F("decided_by")),
            ),
            models.CheckConstraint(
                name="consultation_child_referral_has_team",
                condition=~Q(outcome__in=sorted(str(outcome) for outcome in OPENS_REFERRAL))
                | Q(team__isnull=False),
            ),
        ]
        indexes = [
            # The authorisation queue: waiting outcomes, urgent first, soonest due, in one scan.
            models.Index(
                fields=["authorisation", "-urgent", "decision_due_at", "id"],
                name="consultation_child_queue",
            ),
        ]

    def __str__(self):
        return f"{self.consultation.reference}: {self.child_id}"

    def save(self, *args, **kwargs):
        if self.decision_due_at is None and self.consultation_id:
            self.decision_due_at = self.consultation.decision_due_at
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "decision_due_at"}
        super().save(*args, **kwargs)
