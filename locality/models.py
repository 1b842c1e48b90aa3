import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


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


# --- Postcodes -------------------------------------------------------------------------------


class Postcode(models.Model):
    """A Warwickshire postcode from the ONS Postcode Directory and the district it lies in.

    The district is held as its ONS code rather than a foreign key: the table is rebuilt from the
    directory during setup, independently of the reference data administrators maintain.
    """

    postcode = models.CharField(max_length=8, primary_key=True, help_text='For example "CV21 2AB"')
    outward_code = models.CharField(max_length=4)
    sector = models.CharField(max_length=6, help_text='For example "CV21 2"')
    la_code = models.CharField("local authority (ONS code)", max_length=9)

    class Meta:
        ordering = ["postcode"]
        indexes = [
            models.Index(fields=["outward_code"], name="postcode_outward_code"),
            models.Index(fields=["sector"], name="postcode_sector"),
        ]

    def __str__(self):
        return self.postcode


class PostcodeSector(models.Model):
    """One postcode sector anywhere in the UK, packed: which units exist and their authority.

    It answers "outside Warwickshire, in which local authority?" from about 12,400 rows (8 MB)
    instead of a 2.7-million-row, 200 MB table of every postcode; bench/locality_postcodes.py
    --compare measures both.
    """

    sector = models.CharField(max_length=6, primary_key=True, help_text='For example "CV1 2"')
    outward_code = models.CharField(max_length=4, db_index=True)
    units = models.TextField(
        help_text='The sector\'s two-letter units, sorted, run together: "AAABAD"'
    )
    la_codes = models.CharField(
        max_length=200, help_text="The local authorities the sector spans, space-separated"
    )
    la_index = models.TextField(
        blank=True,
        help_text="When the sector spans more than one authority: for each unit, the position "
        "of its authority in la_codes, as one character ('0', '1', ...)",
    )

    class Meta:
        ordering = ["sector"]

    def __str__(self):
        return self.sector


class PostcodeImport(models.Model):
    """When the postcode tables were last built, from which release of the directory."""

    source_version = models.CharField(max_length=40)
    postcodes = models.PositiveIntegerField(help_text="Warwickshire postcodes")
    sectors = models.PositiveIntegerField(help_text="UK postcode sectors")
    seconds = models.FloatField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at"]
        get_latest_by = "imported_at"

    def __str__(self):
        return f"ONSPD {self.source_version} at {self.imported_at:%Y-%m-%d %H:%M}"


# --- Routing ---------------------------------------------------------------------------------


class RoutingLevel(models.TextChoices):
    """The Spectrum of Support levels (spectrum/data/framework_v1.json), in order of need."""

    UNIVERSAL = "UNIVERSAL", "Universal"
    EARLY_SUPPORT = "EARLY_SUPPORT", "Early Support"
    FAMILY_HELP = "FAMILY_HELP", "Family Help"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION", "Family Help – immediate protection"


class ConcernKind(models.TextChoices):
    # Harm outside the home (extra-familial harm): FAST's work for children 11 and over.
    EXPLOITATION = "EXPLOITATION", "Exploitation (criminal or sexual)"
    MISSING = "MISSING", "Going missing"
    GANGS = "GANGS", "Gangs and serious youth violence"
    TRAFFICKING = "TRAFFICKING", "Trafficking or modern slavery"
    # The Spectrum of Support's other domains of need.
    ABUSE_NEGLECT = "ABUSE_NEGLECT", "Abuse or neglect"
    DOMESTIC_ABUSE = "DOMESTIC_ABUSE", "Domestic abuse or parental conflict"
    SUBSTANCE_MISUSE = "SUBSTANCE_MISUSE", "Substance misuse"
    HEALTH = "HEALTH", "Health"
    SOCIAL_EMOTIONAL = "SOCIAL_EMOTIONAL", "Social and emotional health"
    EDUCATION = "EDUCATION", "Education"
    HOUSING_FINANCE = "HOUSING_FINANCE", "Housing, employment and finance"
    DISABILITY = "DISABILITY", "Disability"
    YOUNG_CARER = "YOUNG_CARER", "Young carer"
    OTHER = "OTHER", "Other"


HARM_OUTSIDE_THE_HOME = [
    ConcernKind.EXPLOITATION,
    ConcernKind.MISSING,
    ConcernKind.GANGS,
    ConcernKind.TRAFFICKING,
]


def _validate_codes(value, choices, what: str) -> None:
    if not isinstance(value, list) or any(code not in choices.values for code in value):
        raise ValidationError(f"Choose {what} from the list")
    if len(set(value)) != len(value):
        raise ValidationError(f"Choose each {what} once")


def validate_levels(value) -> None:
    _validate_codes(value, RoutingLevel, "levels")


def validate_concern_kinds(value) -> None:
    _validate_codes(value, ConcernKind, "kinds of concern")


class TeamChosenBy(models.TextChoices):
    AREA = "AREA", "The team of that type for the child's area"
    DISTRICT = "DISTRICT", "The team of that type for the child's district"
    COUNTY = "COUNTY", "The one county-wide team of that type"


class RoutingRule(models.Model):
    """One of Warwickshire's rules for which team takes a case; the first active rule that fits
    (lowest position) decides. Administrators read and change them in the admin; every change is
    kept in RoutingRuleChange."""

    position = models.PositiveSmallIntegerField(
        unique=True, help_text="Rules are tried in this order; the first that fits decides"
    )
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField("active", default=True)
    levels = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_levels],
        help_text="Fits these Spectrum of Support levels; none ticked means any level",
    )
    main_concern_kinds = models.JSONField(
        "main concern",
        default=list,
        blank=True,
        validators=[validate_concern_kinds],
        help_text="Fits when the main concern is one of these; none ticked means any concern",
    )
    min_age_years = models.PositiveSmallIntegerField(
        "minimum age in years",
        null=True,
        blank=True,
        help_text="Fits children at least this old on the day of the decision. An unborn child "
        "never fits a rule with a minimum age",
    )
    requires_severe_disability = models.BooleanField(
        "only for a severe or profound disability", default=False
    )
    team_type = models.CharField(
        max_length=20,
        choices=TeamType.choices,
        blank=True,
        help_text="Leave blank when no team takes the case (advice, information and guidance)",
    )
    team_chosen_by = models.CharField(
        max_length=10, choices=TeamChosenBy.choices, default=TeamChosenBy.AREA
    )
    reason = models.TextField(
        help_text="Shown to the practitioner with the decision, in plain words"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="routing_rule_has_a_reason"),
            models.CheckConstraint(
                condition=Q(min_age_years__isnull=True) | Q(min_age_years__lte=25),
                name="routing_rule_min_age_is_a_child_age",
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"


class RoutingRuleChangeAction(models.TextChoices):
    CREATED = "CREATED", "Created"
    CHANGED = "CHANGED", "Changed"
    DELETED = "DELETED", "Deleted"


class RoutingRuleChange(models.Model):
    """Who changed a routing rule, when, and what it said before and after. Never edited."""

    rule = models.ForeignKey(
        RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    rule_name = models.CharField(max_length=120, help_text="Kept when the rule is deleted")
    action = models.CharField(max_length=10, choices=RoutingRuleChangeAction.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Blank when setup created the rule",
    )
    changed_at = models.DateTimeField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.rule_name} at {self.changed_at:%Y-%m-%d %H:%M}"


class RoutingOverride(models.Model):
    """A practitioner sent a case to a different team from the one suggested, and said why.

    The consultation that made the decision points here (it owns the link), so this model needs
    nothing about the child.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    suggested_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    suggested_reasons = models.JSONField(default=list, blank=True)
    chosen_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    overridden_at = models.DateTimeField()

    class Meta:
        ordering = ["-overridden_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="routing_override_has_a_reason"),
            models.CheckConstraint(
                condition=Q(suggested_team__isnull=True) | ~Q(chosen_team=F("suggested_team")),
                name="routing_override_changes_the_team",
            ),
        ]

    def __str__(self):
        return f"{self.suggested_team or 'No team'} → {self.chosen_team}"
