"""People, their names, addresses, phones, flags, relationships and chronology.

Normalised search columns (``PersonName.given_norm`` and friends, ``PersonAddress.postcode``,
``PersonPhone.number_normalised``) are written only by ``people.services``; on PostgreSQL the
trigram and phonetic indexes over them are created in migration 0003 (see ``people.search``).

Relationships are stored once per pair: ``Relationship(from_person, to_person, kind)`` reads
"from_person is the <kind> of to_person" and the other direction is derived from ``INVERSE``
(see ``Relationship.kind_for``). One row per pair means the two directions can never disagree,
and ending or merging a relationship touches one row.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from people.codes import Disability, Ethnicity, Sex  # noqa: F401  (re-exported for callers)


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
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(max_length=60, blank=True, help_text="Only if the person gives it")
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=60, blank=True)
    disabilities = models.JSONField(
        default=list, blank=True, help_text="CIN disability codes; NONE stands alone"
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    la_child_id = models.CharField("Local child ID", max_length=20, blank=True, db_index=True)
    school_or_setting = models.CharField(max_length=200, blank=True)
    restricted = models.BooleanField(default=False)
    restriction_category = models.CharField(
        max_length=32, choices=RestrictionCategory.choices, blank=True
    )
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_review_date = models.DateField(null=True, blank=True)
    # The review date a manager was last reminded of: one reminder per restriction per due date.
    restriction_reminded_for = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["date_of_birth"], name="person_dob"),
            models.Index(
                fields=["expected_date_of_birth"],
                name="person_expected_dob",
                condition=Q(expected_date_of_birth__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
                name="person_born_or_expected_not_both",
            ),
            models.CheckConstraint(
                condition=Q(restricted=False) | ~Q(restriction_category=""),
                name="person_restriction_has_category",
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="person_dies_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values), name="person_sex_is_a_cin_code"
            ),
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~Q(nhs_number="") & Q(merged_into__isnull=True),
                name="person_nhs_number_unique",
            ),
            models.UniqueConstraint(
                fields=["upn"],
                condition=~Q(upn="") & Q(merged_into__isnull=True),
                name="person_upn_unique",
            ),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    @property
    def nhs_number_display(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n

    def get_disabilities_display(self) -> list[str]:
        labels = dict(Disability.choices)
        return [labels.get(code, code) for code in self.disabilities]


class NameKind(models.TextChoices):
    CURRENT = "CURRENT", "Current name"
    PREVIOUS = "PREVIOUS", "Previous name"
    ALIAS = "ALIAS", "Also known as"


class PersonName(models.Model):
    """Every name a person is or was known by, with the normalised columns search runs over.

    The CURRENT row mirrors ``Person.given_name``/``family_name``; ``people.services`` keeps the
    two in step.
    """

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    kind = models.CharField(max_length=10, choices=NameKind.choices)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    # Lower case, accents removed, hyphens and punctuation as spaces (people.names.name_normalise).
    given_norm = models.CharField(max_length=100)
    family_norm = models.CharField(max_length=100)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "family_name", "given_name"]
        indexes = [models.Index(fields=["given_norm"], name="personname_given_norm")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="CURRENT"),
                name="personname_one_current_name",
            ),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"


class PersonAddress(models.Model):
    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200, blank=True)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, help_text="Normalised, e.g. CV34 4RL")
    postcode_outward = models.CharField(max_length=4)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name_plural = "person addresses"
        indexes = [
            models.Index(fields=["postcode"], name="personaddress_postcode"),
            models.Index(fields=["postcode_outward"], name="personaddress_outward"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="personaddress_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return ", ".join(part for part in [self.line_1, self.town, self.postcode] if part)

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class PhoneKind(models.TextChoices):
    MOBILE = "MOBILE", "Mobile"
    HOME = "HOME", "Home"
    WORK = "WORK", "Work"
    OTHER = "OTHER", "Other"


class PersonPhone(models.Model):
    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    number = models.CharField(max_length=40, help_text="As given")
    number_normalised = models.CharField(max_length=20, help_text="E.164, e.g. +447700900982")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "created_at"]
        indexes = [models.Index(fields=["number_normalised"], name="personphone_normalised")]

    def __str__(self):
        return self.number


class FlagKind(models.TextChoices):
    YOUNG_CARER = "YOUNG_CARER", "Young carer"
    KINSHIP_CARE = "KINSHIP_CARE", "Kinship care"
    PRIVATE_FOSTERING = "PRIVATE_FOSTERING", "Private fostering"
    ASYLUM_OR_REFUGEE = "ASYLUM_OR_REFUGEE", "Asylum-seeking or refugee family"
    SEND_EHCP = "SEND_EHCP", "SEND or EHCP"


class PersonFlag(models.Model):
    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="personflag_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(end_date__isnull=True),
                name="personflag_one_open_flag_of_a_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start_date}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class RelationshipKind(models.TextChoices):
    """How ``from_person`` is related to ``to_person``: "A is the PARENT of B"."""

    PARENT = "PARENT", "Parent"
    CHILD = "CHILD", "Child"
    STEP_PARENT = "STEP_PARENT", "Step-parent"
    STEP_CHILD = "STEP_CHILD", "Step-child"
    CARER = "CARER", "Carer"
    CARED_FOR = "CARED_FOR", "Cared for by"
    SIBLING = "SIBLING", "Sibling"
    HALF_SIBLING = "HALF_SIBLING", "Half-sibling"
    STEP_SIBLING = "STEP_SIBLING", "Step-sibling"
    GRANDPARENT = "GRANDPARENT", "Grandparent"
    GRANDCHILD = "GRANDCHILD", "Grandchild"
    OTHER_RELATIVE = "OTHER_RELATIVE", "Other relative"
    PARTNER = "PARTNER", "Partner"
    PARTNER_OF_PARENT = "PARTNER_OF_PARENT", "Partner of parent"
    CHILD_OF_PARTNER = "CHILD_OF_PARTNER", "Child of partner"
    FAMILY_FRIEND = "FAMILY_FRIEND", "Family friend"
    ALLEGED_PERPETRATOR = "ALLEGED_PERPETRATOR", "Alleged perpetrator of harm to"
    ALLEGED_VICTIM = "ALLEGED_VICTIM", "Alleged to have been harmed by"


INVERSE = {
    RelationshipKind.PARENT: RelationshipKind.CHILD,
    RelationshipKind.STEP_PARENT: RelationshipKind.STEP_CHILD,
    RelationshipKind.CARER: RelationshipKind.CARED_FOR,
    RelationshipKind.GRANDPARENT: RelationshipKind.GRANDCHILD,
    RelationshipKind.PARTNER_OF_PARENT: RelationshipKind.CHILD_OF_PARTNER,
    RelationshipKind.ALLEGED_PERPETRATOR: RelationshipKind.ALLEGED_VICTIM,
}
INVERSE.update({inverse: kind for kind, inverse in list(INVERSE.items())})
for _symmetric in [
    RelationshipKind.SIBLING,
    RelationshipKind.HALF_SIBLING,
    RelationshipKind.STEP_SIBLING,
    RelationshipKind.OTHER_RELATIVE,
    RelationshipKind.PARTNER,
    RelationshipKind.FAMILY_FRIEND,
]:
    INVERSE[_symmetric] = _symmetric

# Kinds whose from_person may hold parental responsibility for the to_person.
CAN_HOLD_PR = [
    RelationshipKind.PARENT,
    RelationshipKind.STEP_PARENT,
    RelationshipKind.CARER,
    RelationshipKind.GRANDPARENT,
    RelationshipKind.OTHER_RELATIVE,
    RelationshipKind.PARTNER_OF_PARENT,
]


class Relationship(models.Model):
    """One row per pair: "from_person is the <kind> of to_person"; the inverse is derived."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_from"
    )
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=24, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(
        default=False, help_text="from_person holds parental responsibility for to_person"
    )
    family_network = models.BooleanField(
        default=False, help_text="from_person is part of to_person's family network"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_person=F("to_person")), name="relationship_not_with_self"
            ),
            models.CheckConstraint(
                condition=Q(parental_responsibility=False) | Q(kind__in=CAN_HOLD_PR),
                name="relationship_pr_only_for_carers",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="relationship_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["from_person", "to_person", "kind"],
                condition=Q(end_date__isnull=True),
                name="relationship_one_open_of_a_kind",
            ),
        ]

    def __str__(self):
        return f"{self.from_person} is {self.get_kind_display().lower()} of {self.to_person}"

    def kind_for(self, person) -> str:
        """The kind as seen from ``person``'s side: how the *other* person relates to them."""
        if person.pk == self.from_person_id:
            return INVERSE[self.kind]
        return self.kind

    def other(self, person) -> Person:
        return self.to_person if person.pk == self.from_person_id else self.from_person

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class LivesWith(models.Model):
    """Two people living together for a period; a household is who is connected by these today."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lives_with_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lives_with_b")
    since_date = models.DateField(null=True, blank=True)
    until_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-since_date", "created_at"]
        verbose_name_plural = "lives with"
        constraints = [
            models.CheckConstraint(
                condition=~Q(person_a=F("person_b")), name="liveswith_not_with_self"
            ),
            models.CheckConstraint(
                condition=Q(until_date__isnull=True)
                | Q(since_date__isnull=True)
                | Q(until_date__gte=F("since_date")),
                name="liveswith_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.person_a} lives with {self.person_b}"

    def other(self, person) -> Person:
        return self.person_b if person.pk == self.person_a_id else self.person_a


class ChronologyEvent(models.Model):
    """One thing that happened to or about a person, written by a service (see people.services).

    Later apps add their own events with ``people.services.chronology_event_record``; the person
    page and the household timeline read this table only.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chronology")
    # Someone else the event names (a relative, a household member): readers hide its title
    # from a user the restriction rule hides that person from.
    about_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="chronology_mentions"
    )
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=40, help_text="e.g. PERSON_RECORDED, CONSULTATION")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source_type = models.CharField(
        max_length=60, blank=True, help_text="e.g. referrals.consultation"
    )
    source_id = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-recorded_at"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="chronology_person_at")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d} {self.title}"


class PersonSearch(models.Model):
    """A search someone ran; creating a person needs one (search before create)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    criteria = models.JSONField(default=dict)
    result_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "person searches"

    def __str__(self):
        return f"Search by {self.user_id} at {self.at:%Y-%m-%d %H:%M}"


class DuplicateOutcome(models.TextChoices):
    PICKED_EXISTING = "PICKED_EXISTING", "Picked an existing record"
    NONE_OF_THESE = "NONE_OF_THESE", "None of these: created a new record"
    NO_LIKELY_DUPLICATES = "NO_LIKELY_DUPLICATES", "No likely duplicates: created a new record"


class DuplicateDecision(models.Model):
    """What the practitioner decided when shown possible duplicates before creating a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    search = models.ForeignKey(PersonSearch, on_delete=models.PROTECT, related_name="decisions")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=24, choices=DuplicateOutcome.choices)
    candidates = models.JSONField(
        default=list, help_text="[{person_id, score, restricted}] as shown, best first"
    )
    chosen_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome="PICKED_EXISTING")
                    & Q(chosen_person__isnull=False)
                    & Q(created_person__isnull=True)
                )
                | (
                    ~Q(outcome="PICKED_EXISTING")
                    & Q(chosen_person__isnull=True)
                    & Q(created_person__isnull=False)
                ),
                name="duplicatedecision_outcome_matches_people",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.decided_at:%Y-%m-%d})"


class PersonMerge(models.Model):
    """A manager merged ``merged`` into ``survivor``; ``moved`` lets it be undone exactly."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    # [{"model": "people.personname", "pk": "...", "field": "person"}, ...]
    moved = models.JSONField(default=list)
    # Serialised rows removed because they linked the two records to each other.
    set_aside = models.JSONField(default=list)
    # Field values on the survivor before identifiers were copied across.
    survivor_before = models.JSONField(default=dict)
    renamed_names = models.JSONField(default=list, help_text="PersonName ids turned into aliases")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor=F("merged")), name="personmerge_two_records"
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(undone_by__isnull=False),
                name="personmerge_undo_has_who",
            ),
        ]

    def __str__(self):
        return f"{self.merged_id} merged into {self.survivor_id}"


# --- Restricted records and break-glass (people.restriction holds the rule) -------------------


class RestrictionGrant(models.Model):
    """A named worker allowed to see one restricted person: who, granted by whom, when."""

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="restriction_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="restriction_grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "user"],
                condition=Q(ended_at__isnull=True),
                name="restrictiongrant_one_open_per_worker",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_by__isnull=False),
                name="restrictiongrant_ended_has_who",
            ),
        ]

    def __str__(self):
        return f"{self.user} may see {self.person_id}"


class BreakGlassReason(models.TextChoices):
    IMMEDIATE_RISK = "IMMEDIATE_RISK", "A child may be at immediate risk of harm"
    LIVE_CONTACT = "LIVE_CONTACT", "The family or a professional is on the phone now"
    DUPLICATE_CHECK = "DUPLICATE_CHECK", "Checking the record before adding the child again"
    OUT_OF_HOURS = "OUT_OF_HOURS", "Out of hours: the allocated worker cannot be reached"
    OTHER = "OTHER", "Another reason (explain below)"


class BreakGlassReview(models.TextChoices):
    AGREED = "AGREED", "Agreed: the access was justified"
    REFERRED = "REFERRED", "Referred to information governance"


class BreakGlassAccess(models.Model):
    """Emergency access to one person's record a worker may not otherwise see, for a limited
    time, with the reason they gave; a manager reviews every use afterwards."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.CharField(max_length=20, choices=BreakGlassReason.choices)
    reason_detail = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(max_length=10, choices=BreakGlassReview.choices, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass accesses"
        indexes = [models.Index(fields=["user", "expires_at"], name="breakglass_user_expires")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("started_at")), name="breakglass_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(review="")
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="breakglass_review_has_who_and_when",
            ),
        ]

    def __str__(self):
        return f"{self.user} broke glass for {self.person_id} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def log_reason(self) -> str:
        return f"Break-glass ({self.get_reason_display()}): {self.reason_detail}"
