from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    FC_PRACTITIONER = "FC_PRACTITIONER", "Family Connect practitioner"
    FC_MANAGER = "FC_MANAGER", "Family Connect manager"
    FHLP = "FHLP", "Family Help Lead Practitioner"
    TEAM_MANAGER = "TEAM_MANAGER", "Team manager"
    LCPP = "LCPP", "Lead Child Protection Practitioner"
    AUDITOR = "AUDITOR", "Auditor"
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"


class User(AbstractUser):
    """A member of staff. Each account has one role; team membership sets its scope."""

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def role_label(self) -> str:
        return self.get_role_display() if self.role else "No role"
