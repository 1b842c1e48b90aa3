import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

# Social Work England registration numbers are "SW" followed by digits (docs/cases.md).
SWE_NUMBER = RegexValidator(r"^SW\d{1,7}$", "Enter a Social Work England number like SW123456")


class Role(models.TextChoices):
    FC_PRACTITIONER = "FC_PRACTITIONER", "Family Connect practitioner"
    FC_MANAGER = "FC_MANAGER", "Family Connect manager"
    FHLP = "FHLP", "Family Help Lead Practitioner"
    TEAM_MANAGER = "TEAM_MANAGER", "Team manager"
    LCPP = "LCPP", "Lead Child Protection Practitioner"
    SOCIAL_WORKER = "SOCIAL_WORKER", "Social worker"
    EARLY_SUPPORT_OFFICER = "EARLY_SUPPORT_OFFICER", "Early Support Officer"
    FNM_COORDINATOR = "FNM_COORDINATOR", "Family Network co-ordinator"
    AUDITOR = "AUDITOR", "Auditor"
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"


class User(AbstractUser):
    """A member of staff. Each account has one role; team membership sets its scope."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    social_work_england_number = models.CharField(
        "Social Work England number",
        max_length=9,
        blank=True,
        validators=[SWE_NUMBER],
        help_text="Blank if you are not a registered social worker",
    )
    # When the user's latest break-glass access ends (people.services.break_glass_start keeps
    # it), so that a request costs no query to learn the user holds none.
    break_glass_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_social_work_qualified(self) -> bool:
        return bool(self.social_work_england_number)

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else "No role"


class AccountChangeKind(models.TextChoices):
    ROLE = "ROLE", "Change role"
    JOIN_TEAM = "JOIN_TEAM", "Add to a team"
    LEAVE_TEAM = "LEAVE_TEAM", "Remove from a team"


class AccountChangeStatus(models.TextChoices):
    PENDING = "PENDING", "Waiting for a second administrator"
    APPROVED = "APPROVED", "Approved and made"
    REJECTED = "REJECTED", "Rejected"


class AccountChange(models.Model):
    """A change to someone's role or teams: asked for by one administrator, made only when a
    second approves. Nobody asks for or approves a change to their own account. The rows are
    the log of every role and team change (accounts.services is the one path that makes them).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_changes")
    kind = models.CharField(max_length=12, choices=AccountChangeKind.choices)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        "locality.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    role_in_team = models.CharField(
        max_length=20, choices=[("MEMBER", "Member"), ("MANAGER", "Manager")], blank=True
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=AccountChangeStatus.choices, default=AccountChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requested_by=models.F("user")),
                name="accountchange_not_for_yourself",
            ),
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="accountchange_second_administrator_decides",
            ),
            models.CheckConstraint(
                condition=models.Q(status="PENDING")
                | (models.Q(decided_by__isnull=False) & models.Q(decided_at__isnull=False)),
                name="accountchange_decided_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user} ({self.get_status_display().lower()})"
