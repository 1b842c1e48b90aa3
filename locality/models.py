from django.conf import settings
from django.db import models
from django.db.models import Q


class Area(models.Model):
    """County-wide services (FAST, Children with Disabilities, MACPT) work by area."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class District(models.Model):
    """A district or borough; each is one Family Help locality."""

    ons_code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=60, unique=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="districts")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TeamType(models.TextChoices):
    FAMILY_CONNECT = "FAMILY_CONNECT", "Family Connect (front door and MASH)"
    FAMILY_HELP = "FAMILY_HELP", "Locality Family Help team"
    FAST = "FAST", "Family and Adolescent Support Team"
    CWD = "CWD", "Children with Disabilities"
    MACPT = "MACPT", "Multi-Agency Child Protection Team"
    FAMILY_NETWORK = "FAMILY_NETWORK", "Family Network Service"


class Team(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    team_type = models.CharField(max_length=20, choices=TeamType.choices)
    serves = models.TextField(help_text="Who the team works with, in plain words")
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    areas = models.ManyToManyField(Area, blank=True, related_name="teams")
    phone = models.CharField(max_length=40)
    email = models.EmailField(blank=True)
    inbox_email = models.EmailField(
        blank=True, help_text="Where urgent work for the team is emailed"
    )
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "MEMBER", "Member"
    MANAGER = "MANAGER", "Manager"


class TeamMembershipQuerySet(models.QuerySet):
    def current(self, *, on):
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gte=on))


class TeamMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    role_in_team = models.CharField(
        max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.team} ({self.get_role_in_team_display()})"
