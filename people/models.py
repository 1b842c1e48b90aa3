import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class RestrictionCategory(models.TextChoices):
    STAFF_OR_RELATIVE = "STAFF_OR_RELATIVE", "Member of staff or their relative"
    PUBLIC_PROFILE = "PUBLIC_PROFILE", "Public figure"
    SAFETY = "SAFETY", "Safety: address or identity must be protected"
    ADOPTION = "ADOPTION", "Adoption"
    OTHER = "OTHER", "Other"


class Person(models.Model):
    """Anyone in a child's world: children born and unborn, parents, carers, network members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    restricted = models.BooleanField(default=False)
    restriction_category = models.CharField(
        max_length=32, choices=RestrictionCategory.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
                name="person_born_or_expected_not_both",
            ),
            models.CheckConstraint(
                condition=Q(restricted=False) | ~Q(restriction_category=""),
                name="person_restriction_has_category",
            ),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None
