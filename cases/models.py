"""Cases: the work a team does with a child after the front door (docs/cases.md).

A case is one episode of work with one child in one team. It is opened by an authorised
referral (``cases.services.case_open``) or by a transfer from another team's case, and moves
through the states below only through the services in ``cases/services.py``, each of which checks
the case's current state first.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.models import AppendOnlyModel


class CaseStatus(models.TextChoices):
    INCOMING = "INCOMING", "New: waiting to be accepted"
    UNALLOCATED = "UNALLOCATED", "Accepted: not allocated"
    ALLOCATED = "ALLOCATED", "Allocated"
    SENT_BACK = "SENT_BACK", "Sent back to Family Connect"
    TRANSFERRED = "TRANSFERRED", "Transferred"
    CLOSED = "CLOSED", "Closed"


OPEN_STATUSES = [CaseStatus.INCOMING, CaseStatus.UNALLOCATED, CaseStatus.ALLOCATED]
ENDED_STATUSES = [CaseStatus.SENT_BACK, CaseStatus.TRANSFERRED, CaseStatus.CLOSED]


class CaseLevel(models.TextChoices):
    """The Spectrum of Support level the team is working at (spectrum.models.LevelCode)."""

    EARLY_SUPPORT = "EARLY_SUPPORT", "Early Support"
    FAMILY_HELP = "FAMILY_HELP", "Family Help"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION", "Child protection"


class TransferReason(models.TextChoices):
    LOCALITY_MOVE = "LOCALITY_MOVE", "The family moved to another locality"
    STEP_UP_FAMILY_HELP = "STEP_UP_FAMILY_HELP", "Step up to Family Help"
    STEP_DOWN_EARLY_SUPPORT = "STEP_DOWN_EARLY_SUPPORT", "Step down to Early Support"
    STEP_UP_MACPT = "STEP_UP_MACPT", "Step up to the MACPT (child protection)"


# The level the receiving team works at after each kind of transfer (None: the level stays).
TRANSFER_LEVEL = {
    TransferReason.LOCALITY_MOVE: None,
    TransferReason.STEP_UP_FAMILY_HELP: CaseLevel.FAMILY_HELP,
    TransferReason.STEP_DOWN_EARLY_SUPPORT: CaseLevel.EARLY_SUPPORT,
    TransferReason.STEP_UP_MACPT: CaseLevel.IMMEDIATE_PROTECTION,
}


class ClosureReason(models.TextChoices):
    """The CIN census ReasonForClosure codes (docs/cases.md cites the census guide)."""

    RC1 = "RC1", "RC1: Adopted"
    RC2 = "RC2", "RC2: Died"
    RC3 = "RC3", "RC3: Child arrangements order"
    RC4 = "RC4", "RC4: Special guardianship order"
    RC5 = "RC5", "RC5: Transferred to services of another local authority"
    RC6 = "RC6", "RC6: Transferred to adult social care services"
    RC7 = "RC7", "RC7: Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "RC8: Case closed after assessment, no further action"
    RC9 = "RC9", "RC9: Case closed after assessment, referred to early help"


class PrimaryNeed(models.TextChoices):
    """The CIN census PrimaryNeedCode: the highest that applies, in this order (docs/returns.md)."""

    N1 = "N1", "N1: Abuse or neglect"
    N2 = "N2", "N2: Child's disability"
    N3 = "N3", "N3: Parental disability or illness"
    N4 = "N4", "N4: Family in acute stress"
    N5 = "N5", "N5: Family dysfunction"
    N6 = "N6", "N6: Socially unacceptable behaviour"
    N7 = "N7", "N7: Low income"
    N8 = "N8", "N8: Absent parenting"
    N9 = "N9", "N9: Cases other than children in need"
    N0 = "N0", "N0: Not stated"


class Case(models.Model):
    """An episode of work with a child in one team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("locality.Team", on_delete=models.PROTECT, related_name="cases")
    # The referral that opened this case; a case opened by a transfer has none of its own.
    opened_by = models.OneToOneField(
        "referrals.ConsultationChild",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
    )
    # The referral that began this line of work, carried through transfers: "the opening
    # consultation" on every case in the chain.
    first_referral = models.ForeignKey(
        "referrals.ConsultationChild",
        null=True,
        on_delete=models.PROTECT,
        related_name="cases_begun",
    )
    previous_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_cases"
    )
    transfer_reason = models.CharField(max_length=24, choices=TransferReason.choices, blank=True)
    transfer_note = models.TextField(blank=True)
    level = models.CharField(max_length=24, choices=CaseLevel.choices)
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.INCOMING
    )
    urgent = models.BooleanField(default=False)
    referral_date = models.DateField()
    assessment_due_date = models.DateField()
    opened_at = models.DateTimeField()
    # A referral within 12 months of an earlier one for the child (CIN census re-referral).
    re_referral_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="re_referrals"
    )
    arrival_notified_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    sent_back_reason = models.TextField(blank=True)
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    # CIN census CINdetails (docs/returns.md): the child's primary need, set when the team
    # accepts the case or closes it, and whether the referral ended with no further action.
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    referral_nfa = models.BooleanField(
        "referral: no further action",
        default=False,
        help_text="The referral ended with no further action (CIN census ReferralNFA)",
    )
    # When the case ended, whether closed, sent back or transferred; and who ended it.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Family Connect's answer to a sent-back case: routed on, or closed at the front door.
    front_door_resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-urgent", "assessment_due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "team"],
                condition=Q(status__in=["INCOMING", "UNALLOCATED", "ALLOCATED"]),
                name="case_one_open_per_child_per_team",
            ),
            models.CheckConstraint(
                name="case_ended_has_closed_at",
                condition=Q(status__in=["INCOMING", "UNALLOCATED", "ALLOCATED"])
                | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="case_allocated_has_worker",
                condition=~Q(status="ALLOCATED") | Q(allocated_to__isnull=False),
            ),
            models.CheckConstraint(
                name="case_closed_has_reason",
                condition=~Q(status="CLOSED") | ~Q(closure_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["team", "status"], name="case_team_status")]

    def __str__(self):
        return f"{self.team} case for {self.child}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Allocation(models.Model):
    """Who held the case and when: the allocation history, with who decided."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_at__isnull=True),
                name="allocation_one_current_per_case",
            ),
        ]

    def __str__(self):
        return f"{self.worker} from {self.started_at:%Y-%m-%d}"


class CaseEventKind(models.TextChoices):
    OPENED = "OPENED", "Case opened"
    REFERRAL_JOINED = "REFERRAL_JOINED", "New referral joined the case"
    INFORMATION_PASSED = "INFORMATION_PASSED", "Information passed to the worker"
    ACCEPTED = "ACCEPTED", "Accepted by the team"
    SENT_BACK = "SENT_BACK", "Sent back to Family Connect"
    ALLOCATED = "ALLOCATED", "Allocated"
    TRANSFERRED_OUT = "TRANSFERRED_OUT", "Transferred to another team"
    TRANSFERRED_IN = "TRANSFERRED_IN", "Transferred from another team"
    CONTACT = "CONTACT", "Contact or note recorded"
    TASK_SET = "TASK_SET", "Task set"
    TASK_DONE = "TASK_DONE", "Task done"
    CLOSED = "CLOSED", "Closed"
    REROUTED = "REROUTED", "Routed on by Family Connect"


class CaseEvent(AppendOnlyModel):
    """The case chronology: what happened on the case, written by the services, never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class ContactKind(models.TextChoices):
    HOME_VISIT = "HOME_VISIT", "Home visit"
    OTHER_VISIT = "OTHER_VISIT", "Visit elsewhere (school, nursery, office)"
    PHONE = "PHONE", "Phone call"
    MEETING = "MEETING", "Meeting"
    MESSAGE = "MESSAGE", "Email or letter"
    NOTE = "NOTE", "Case note"


VISIT_KINDS = {ContactKind.HOME_VISIT, ContactKind.OTHER_VISIT}


class CaseNote(AppendOnlyModel):
    """A case note or a contact with the family. Kept as written: a correction is a new note."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=12, choices=ContactKind.choices)
    occurred_at = models.DateTimeField()
    who_was_seen = models.TextField(blank=True)
    child_seen = models.BooleanField(default=False)
    child_seen_alone = models.BooleanField(default=False)
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="case_note_seen_alone_means_seen",
                condition=Q(child_seen_alone=False) | Q(child_seen=True),
            ),
        ]


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["done_at", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="case_task_done_has_who",
                condition=Q(done_at__isnull=True) | Q(done_by__isnull=False),
            ),
        ]

    def __str__(self):
        return self.title
