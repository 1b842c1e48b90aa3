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
