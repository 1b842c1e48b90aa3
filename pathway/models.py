"""Pathway to Change assessments (docs/pathway.md).

An ``Assessment`` is one piece of assessment work on a case (an Early Support Assessment, a
Family Help Assessment or a later re-assessment) for one or more children of the household. Its
content lives in numbered ``AssessmentVersion`` rows: a draft (autosaved), submitted, then signed
off by a team manager who did not write it. A signed-off version never changes; revisiting the
assessment copies it into a new draft version. Each entry of the three parts of the tool
(``SituationEntry``, ``UnderstandingEntry``, ``PlanItem``) belongs to one version and carries a
``key`` that the copy keeps, so any two versions can be compared entry by entry
(docs/adr/0007-assessment-versions.md).

The significant-events chronology (``ChronologyEntry``) belongs to the case and is edited by the
worker; the system events stay in ``people.ChronologyEvent`` and are shown alongside.

Names other apps rely on (issue 14, Family Help plans): ``PlanItem`` (``need``, ``outcome``,
``for_person``, ``version``) and ``pathway.selectors.assessment_plan_items``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from spectrum.models import LevelCode


class AssessmentKind(models.TextChoices):
    EARLY_SUPPORT = "ESA", "Early Support Assessment"
    FAMILY_HELP = "FHA", "Family Help Assessment"
    REASSESSMENT = "REASSESSMENT", "Re-assessment"


class VersionStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted for sign-off"
    SIGNED_OFF = "SIGNED_OFF", "Signed off"


class FamilyAgreement(models.TextChoices):
    AGREE = "AGREE", "The family agree with the assessment"
    PARTLY = "PARTLY", "The family agree with some of it"
    DISAGREE = "DISAGREE", "The family do not agree with the assessment"
    NOT_YET = "NOT_YET", "Not yet talked through with the family"


class AssessmentFactor(models.TextChoices):
    """CIN census factors identified at assessment (docs/pathway.md cites the census guide)."""

    F1A = "1A", "Alcohol misuse: the child"
    F1B = "1B", "Alcohol misuse: a parent or carer"
    F1C = "1C", "Alcohol misuse: another person in the household"
    F2A = "2A", "Drug misuse: the child"
    F2B = "2B", "Drug misuse: a parent or carer"
    F2C = "2C", "Drug misuse: another person in the household"
    F3A = "3A", "Domestic abuse: the child is subject"
    F3B = "3B", "Domestic abuse: a parent or carer is subject"
    F3C = "3C", "Domestic abuse: another person in the household is subject"
    F4A = "4A", "Mental health: the child"
    F4B = "4B", "Mental health: a parent or carer"
    F4C = "4C", "Mental health: another person in the family or household"
    F5A = "5A", "Learning disability: the child"
    F5B = "5B", "Learning disability: a parent or carer"
    F5C = "5C", "Learning disability: another person"
    F6A = "6A", "Physical disability or illness: the child"
    F6B = "6B", "Physical disability or illness: a parent or carer"
    F6C = "6C", "Physical disability or illness: another person"
    F7A = "7A", "Young carer"
    F8B = "8B", "Privately fostered: from overseas, intending to return"
    F8C = "8C", "Privately fostered: from overseas, intending to stay"
    F8D = "8D", "Privately fostered: UK child in an educational placement"
    F8E = "8E", "Privately fostered: UK child, alternative family arrangement"
    F8F = "8F", "Privately fostered: other"
    F9A = "9A", "Unaccompanied asylum-seeking child"
    F10A = "10A", "Going or being missing"
    F11A = "11A", "Child sexual exploitation"
    F12A = "12A", "Trafficking"
    F13A = "13A", "Gangs"
    F14A = "14A", "Socially unacceptable behaviour"
    F15A = "15A", "Self-harm"
    F16A = "16A", "Abuse or neglect: neglect"
    F17A = "17A", "Abuse or neglect: emotional abuse"
    F18B = "18B", "Physical abuse: child on child"
    F18C = "18C", "Physical abuse: adult on child"
    F19B = "19B", "Sexual abuse: child on child"
    F19C = "19C", "Sexual abuse: adult on child"
    F20 = "20", "Other"
    F21 = "21", "No factors identified"
    F22A = "22A", "Female genital mutilation"
    F23A = "23A", "Abuse linked to faith or belief"
    F24A = "24A", "Child criminal exploitation"


class Assessment(models.Model):
    """One assessment on a case; its words are in its versions."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=12, choices=AssessmentKind.choices)
    children = models.ManyToManyField("people.Person", related_name="assessments")
    # CIN census AssessmentActualStartDate and AssessmentAuthorisationDate (the first sign-off).
    start_date = models.DateField()
    due_date = models.DateField()
    authorised_date = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    # The manager was warned that the due date is near (set only once the mail server took it).
    due_warning_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["due_date"], name="assessment_due")]

    def __str__(self):
        return f"{self.get_kind_display()} started {self.start_date:%d %B %Y}"


class AssessmentVersion(models.Model):
    """One version of an assessment. Editable only while a draft; signed off, it is final."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # Optimistic locking for autosave: every save quotes the revision it started from.
    revision = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revisit_reason = models.TextField(blank=True)

    # Situation: the parts of the tool that are one answer per version.
    child_views_how = models.TextField(blank=True)
    context_housing = models.TextField(blank=True)
    context_income = models.TextField(blank=True)
    context_other = models.TextField(blank=True)

    # Agreement with the family, in their words.
    family_agreement = models.CharField(max_length=10, choices=FamilyAgreement.choices, blank=True)
    family_words = models.TextField(blank=True)

    # The CIN census factors and the Spectrum level the worker re-evaluates for sign-off (the
    # levels are spectrum's own, ``spectrum.models.LevelCode``).
    factors = models.JSONField(default=list, blank=True)
    spectrum_level = models.CharField(max_length=24, choices=LevelCode.choices, blank=True)
    spectrum_reason = models.TextField(blank=True)
    # The children's Spectrum decisions (spectrum.SpectrumDecision, with their indicators) that the
    # case worker recorded while drafting this version; linked when it is signed off, and the
    # level above copied from the highest of them.
    spectrum_decisions = models.ManyToManyField(
        "spectrum.SpectrumDecision", blank=True, related_name="assessment_versions"
    )

    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sign_off_note = models.TextField(blank=True)
    returned_note = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="assessment_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment"],
                condition=~Q(status="SIGNED_OFF"),
                name="assessment_one_open_version",
            ),
            models.CheckConstraint(
                name="assessment_signed_off_has_who",
                condition=~Q(status="SIGNED_OFF")
                | (Q(signed_off_at__isnull=False) & Q(signed_off_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="assessment_signed_off_not_by_author",
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=models.F("author")),
            ),
        ]

    def __str__(self):
        return f"Version {self.number} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class Voice(models.TextChoices):
    FAMILY = "FAMILY", "The family's own words"
    CHILD = "CHILD", "The child's own words"
    WORKER = "WORKER", "The worker's words"


class Nature(models.TextChoices):
    FACT = "FACT", "Fact"
    OPINION = "OPINION", "Opinion or view"


class SituationTopic(models.TextChoices):
    PAST = "PAST", "What happened in the past"
    NOW = "NOW", "What is happening now"
    TRIGGER = "TRIGGER", "What triggers this now"
    STRENGTH = "STRENGTH", "Positives and strengths"
    AFFECTED = "AFFECTED", "Who is affected and how"


class SituationEntry(models.Model):
    """One statement in the Situation part, kept with whose words and whether fact or opinion."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="situation_entries"
    )
    # The same entry across versions (a revisit copies the key): what the comparison matches.
    key = models.UUIDField(default=uuid.uuid4)
    topic = models.CharField(max_length=10, choices=SituationTopic.choices)
    voice = models.CharField(max_length=8, choices=Voice.choices, default=Voice.WORKER)
    nature = models.CharField(max_length=8, choices=Nature.choices, default=Nature.FACT)
    # Who is affected (AFFECTED), whose words (a child's view), or whom it is about.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "topic", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="situation_entry_key_unique")
        ]

    def __str__(self):
        return self.text[:60]


class UnderstandingKind(models.TextChoices):
    KEEPS_GOING = "KEEPS_GOING", "What keeps the situation going or stops change"
    RISK = "RISK", "What harm could happen if nothing changes"


class UnderstandingEntry(models.Model):
    """One piece of the worker's analysis, resting on Situation entries of the same version."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="understanding_entries"
    )
    key = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(max_length=12, choices=UnderstandingKind.choices)
    text = models.TextField()
    rests_on = models.ManyToManyField(SituationEntry, blank=True, related_name="understood_by")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "kind", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="understanding_entry_key_unique"
            )
        ]

    def __str__(self):
        return self.text[:60]


class PlanItem(models.Model):
    """The Plan part: what needs to happen and what it should achieve (the Family Help plan's
    outcomes are drawn from these: ``pathway.selectors.assessment_plan_items``)."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.CASCADE, related_name="plan_items"
    )
    key = models.UUIDField(default=uuid.uuid4)
    need = models.TextField(help_text="What needs to happen")
    outcome = models.TextField(help_text="What it should achieve")
    for_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_item_key_unique")
        ]

    def __str__(self):
        return self.need[:60]


class ChronologyEntry(models.Model):
    """A significant event the worker records on the case's chronology (editable: it is the
    worker's working summary; the system events stay in people.ChronologyEvent)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="significant_events"
    )
    occurred_on = models.DateField()
    what = models.TextField()
    source = models.CharField(max_length=200, help_text="Who told us, or where it is recorded")
    impact = models.TextField(help_text="The impact on the child")
    about_person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-recorded_at"]
        indexes = [models.Index(fields=["case", "-occurred_on"], name="significant_event_case")]

    def __str__(self):
        return f"{self.occurred_on:%Y-%m-%d} {self.what[:40]}"


class AgencyInvolved(models.Model):
    """An agency working with the family, for the ecomap."""

    class Tie(models.TextChoices):
        STRONG = "STRONG", "Strong, helpful"
        ORDINARY = "ORDINARY", "Ordinary"
        STRAINED = "STRAINED", "Strained or difficult"

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    tie = models.CharField(max_length=10, choices=Tie.choices, default=Tie.ORDINARY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class FamilyCopyStatus(models.TextChoices):
    QUEUED = "QUEUED", "Being prepared"
    READY = "READY", "Ready to print"
    SENT = "SENT", "Emailed"
    FAILED = "FAILED", "Could not be sent"


class FamilyCopyMethod(models.TextChoices):
    EMAIL = "EMAIL", "Email it to the family"
    PRINT = "PRINT", "Print it to give to the family"


class FamilyCopy(models.Model):
    """A PDF of a signed-off version sent to the family (each one is in the sharing log)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        AssessmentVersion, on_delete=models.PROTECT, related_name="family_copies"
    )
    recipient_name = models.CharField(max_length=200)
    recipient_email = models.EmailField(blank=True)
    method = models.CharField(
        max_length=5, choices=FamilyCopyMethod.choices, default=FamilyCopyMethod.PRINT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=FamilyCopyStatus.choices, default=FamilyCopyStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Copy for {self.recipient_name}"
