"""What the consultation API takes and gives. Validation of shape only: the rules (consent gate,
routing, who may authorise) stay in the services, which the API calls."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case
from consent.models import (
    Capacity,
    ConsentStatus,
    ExceptionReason,
    FamilyTold,
    Method,
    Purpose,
)
from locality.api import TeamSummarySerializer
from locality.models import ConcernKind
from people.codes import Sex
from people.services import PersonDetails
from referrals.models import (
    AgencyType,
    CallPurpose,
    Channel,
    Consultation,
    ConsultationChild,
    Outcome,
    SafeNow,
)
from spectrum.api import LevelCodeField, OptionalLevelCodeField

MAX_CHILDREN = 20
MAX_INDICATORS = 200
# A family's answer as a consultation records it (withdrawal is recorded on the consent itself).
CONSENT_ANSWERS = [status for status in ConsentStatus.values if status != ConsentStatus.WITHDRAWN]
# The consent purposes a consultation can go ahead without consent for.
EXCEPTION_PURPOSES = [
    (Purpose.REFERRAL, Purpose.REFERRAL.label),
    (Purpose.IMMEDIATE_PROTECTION, Purpose.IMMEDIATE_PROTECTION.label),
]

# ---------------------------------------------------------------- what a consultation POST takes


class CallerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    agency_type = serializers.ChoiceField(
        AgencyType.choices, required=False, allow_blank=True, default=""
    )
    organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    relationship = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The caller's relationship to the family",
    )
    anonymous = serializers.BooleanField(default=False)


class NewChildSerializer(serializers.Serializer):
    """A child not yet on Family Connect. Search first (GET /api/v1/people/search/): a child who
    is already recorded is given by id instead."""

    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    expected_date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="For an unborn child"
    )
    sex = serializers.ChoiceField(Sex.choices, default=Sex.UNKNOWN)
    nhs_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    school_or_setting = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    address_line_1 = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    address_town = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    postcode = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="Home postcode"
    )

    def validate(self, data):
        if not data["date_of_birth"] and not data["expected_date_of_birth"]:
            raise serializers.ValidationError(
                {
                    "date_of_birth": [
                        "Enter the child's date of birth or, for an unborn child, the expected "
                        "date of birth"
                    ]
                }
            )
        return data

    @staticmethod
    def details(data) -> PersonDetails:
        return PersonDetails(**data)


class ConsentAnswerSerializer(serializers.Serializer):
    """The family's answer to the referral, recorded before the outcome is decided so the consent
    gate sees it."""

    answer = serializers.ChoiceField(
        CONSENT_ANSWERS,
        help_text="GIVEN, REFUSED, or NOT_SOUGHT (yet)",
    )
    given_by = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "Person id of whoever answered: someone with parental responsibility, or the child. "
            "Leave out for a new child answering for themselves (YOUNG_PERSON or "
            "GILLICK_COMPETENT_CHILD)."
        ),
    )
    capacity = serializers.ChoiceField(
        Capacity.choices, required=False, allow_blank=True, default=""
    )
    method = serializers.ChoiceField(Method.choices, required=False, allow_blank=True, default="")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    competence_note = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentExceptionInputSerializer(serializers.Serializer):
    """Going ahead without consent. Immediate protection needs one with reason
    CHILD_PROTECTION (and purpose IMMEDIATE_PROTECTION); other reasons wait for a manager's
    approval before a referral can progress."""

    purpose = serializers.ChoiceField(EXCEPTION_PURPOSES, default=Purpose.IMMEDIATE_PROTECTION)
    reason = serializers.ChoiceField(ExceptionReason.choices)
    rationale = serializers.CharField()
    family_told = serializers.ChoiceField(FamilyTold.choices)
    family_told_date = serializers.DateField(required=False, allow_null=True, default=None)
    not_told_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConsultationChildInputSerializer(serializers.Serializer):
    id = serializers.UUIDField(
        required=False, help_text="Person id of a child already on Family Connect"
    )
    new = NewChildSerializer(required=False, help_text="Or: a new child, recorded now")
    none_of_these = serializers.BooleanField(
        default=False,
        help_text="Add the new child although likely duplicates were found (none is this child)",
    )
    consent = ConsentAnswerSerializer(required=False)
    consent_exception = ConsentExceptionInputSerializer(required=False)
    indicator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=MAX_INDICATORS,
        help_text="Ids of indicators of the published Spectrum of Support framework",
    )
    decided_level = LevelCodeField(required=False)
    rationale = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why this level; required when it differs from the suggested level",
    )
    outcome = serializers.ChoiceField(Outcome.choices)
    services_signposted = serializers.CharField(required=False, allow_blank=True, default="")
    outcome_rationale = serializers.CharField(required=False, allow_blank=True, default="")
    postcode = serializers.CharField(
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text="Postcode to route by; the child's home postcode when left out",
    )
    concern_kinds = serializers.ListField(
        child=serializers.ChoiceField(ConcernKind.choices),
        required=False,
        default=list,
        help_text="Kinds of concern for routing, the main concern first",
    )
    severe_disability = serializers.BooleanField(default=False)
    team = serializers.SlugField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Team slug, to send the referral somewhere other than the suggested team",
    )
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("id" in data) == ("new" in data):
            raise serializers.ValidationError(
                {"id": ["Give either the id of a child on Family Connect or a new child"]}
            )
        if data.get("decided_level") and not data.get("indicator_ids"):
            raise serializers.ValidationError({"indicator_ids": ["Select at least one indicator"]})
        if data.get("indicator_ids") and not data.get("decided_level"):
            raise serializers.ValidationError(
                {"decided_level": ["Select the level you have decided on"]}
            )
        return data


class ConsultationCreateSerializer(serializers.Serializer):
    caller = CallerSerializer(required=False)
    channel = serializers.ChoiceField(Channel.choices, default=Channel.TELEPHONE)
    received_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Now when left out"
    )
    purpose = serializers.ChoiceField(CallPurpose.choices)
    purpose_detail = serializers.CharField(required=False, allow_blank=True, default="")
    concerns = serializers.CharField(required=False, allow_blank=True, default="")
    child_location_now = serializers.CharField(required=False, allow_blank=True, default="")
    safe_now = serializers.ChoiceField(
        SafeNow.choices, required=False, allow_blank=True, default=""
    )
    family_knows = serializers.CharField(required=False, allow_blank=True, default="")
    child_views = serializers.CharField(required=False, allow_blank=True, default="")
    strengths = serializers.CharField(required=False, allow_blank=True, default="")
    action_plan = serializers.CharField(required=False, allow_blank=True, default="")
    children = ConsultationChildInputSerializer(many=True, allow_empty=False)

    def validate_received_at(self, value):
        if value and value > timezone.now():
            raise serializers.ValidationError("The time received must be now or in the past")
        return value

    def validate_children(self, children):
        if len(children) > MAX_CHILDREN:
            raise serializers.ValidationError(f"Add at most {MAX_CHILDREN} children at a time")
        ids = [child["id"] for child in children if "id" in child]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each child once")
        return children

    def draft_changes(self) -> dict:
        """The consultation's own fields, as consultation_draft_save takes them."""
        data = self.validated_data
        caller = data.get("caller") or CallerSerializer().to_internal_value({})
        changes = {f"caller_{key}": value for key, value in caller.items()}
        for key in [
            "purpose",
            "purpose_detail",
            "concerns",
            "child_location_now",
            "safe_now",
            "family_knows",
            "child_views",
            "strengths",
            "action_plan",
        ]:
            changes[key] = data[key]
        return changes


class AuthoriseSerializer(serializers.Serializer):
    children = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_empty=False,
        help_text=(
            "Ids of the consultation's child entries (children[].id in the consultation); "
            "every entry waiting for a manager when left out"
        ),
    )
    decision = serializers.ChoiceField([("AUTHORISE", "Authorise"), ("RETURN", "Return")])
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when returning: say what needs to change",
    )


# ---------------------------------------------------------------- what the API gives back


class ChildSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    expected_date_of_birth = serializers.DateField(allow_null=True)


class LikelyDuplicateSerializer(serializers.Serializer):
    """Someone already recorded who may be the new child (people.search.Match); ``person`` is
    null for a restricted record the user may not see."""

    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    restricted_match = serializers.BooleanField(source="is_restricted_placeholder")
    message = serializers.CharField()
    person = ChildSummarySerializer(allow_null=True)


class CaseSummarySerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "status", "team", "urgent", "assessment_due_date"]


class ConsultationChildSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(read_only=True, help_text="This child's entry in the consultation")
    child = ChildSummarySerializer(read_only=True)
    suggested_level = OptionalLevelCodeField(
        source="spectrum_decision.suggested_level",
        read_only=True,
        default=None,
        help_text="Suggested by the Spectrum of Support for the indicators selected",
    )
    suggestion_reasons = serializers.ListField(
        child=serializers.CharField(),
        source="spectrum_decision.suggestion_reasons",
        read_only=True,
        default=list,
    )
    decided_level = OptionalLevelCodeField(
        source="spectrum_decision.decided_level", read_only=True, default=None
    )
    level_rationale = serializers.CharField(
        source="spectrum_decision.rationale", read_only=True, default=""
    )
    suggested_team = TeamSummarySerializer(
        read_only=True, allow_null=True, help_text="The team routing proposed"
    )
    team = TeamSummarySerializer(
        read_only=True, allow_null=True, help_text="The team the referral goes to"
    )
    override_reason = serializers.CharField(
        source="routing_override.reason",
        read_only=True,
        default="",
        help_text="Why the team differs from the suggested one",
    )
    routing_reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    decided_by = serializers.StringRelatedField()
    authorised_by = serializers.StringRelatedField()
    case = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationChild
        fields = [
            "id",
            "child",
            "suggested_level",
            "suggestion_reasons",
            "decided_level",
            "level_rationale",
            "outcome",
            "services_signposted",
            "outcome_rationale",
            "routing_postcode",
            "suggested_team",
            "routing_reasons",
            "team",
            "override_reason",
            "urgent",
            "decided_by",
            "authorisation",
            "authorised_by",
            "authorised_at",
            "manager_note",
            "case",
        ]

    @extend_schema_field(CaseSummarySerializer(allow_null=True))
    def get_case(self, link):
        case = getattr(link, "case", None)
        return CaseSummarySerializer(case).data if case else None


class ConsultationSummarySerializer(serializers.ModelSerializer):
    """One row of the list: no child's or caller's details, so a list read logs nothing."""

    practitioner = serializers.StringRelatedField()
    children_count = serializers.IntegerField(read_only=True)
    awaiting_authorisation_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "reference",
            "status",
            "practitioner",
            "channel",
            "received_at",
            "decision_due_at",
            "decided_at",
            "completed_at",
            "breached_at",
            "children_count",
            "awaiting_authorisation_count",
        ]


class ConsultationCallerSerializer(serializers.Serializer):
    name = serializers.CharField(source="caller_name")
    role = serializers.CharField(source="caller_role")
    agency_type = serializers.CharField(source="caller_agency_type")
    organisation = serializers.CharField(source="caller_organisation")
    phone = serializers.CharField(source="caller_phone")
    email = serializers.CharField(source="caller_email")
    relationship = serializers.CharField(source="caller_relationship")
    anonymous = serializers.BooleanField(source="caller_anonymous")
    cin_referral_source = serializers.CharField(
        help_text="The children in need census code for who referred"
    )


class ConsultationSerializer(serializers.ModelSerializer):
    practitioner = serializers.StringRelatedField()
    caller = ConsultationCallerSerializer(source="*", read_only=True)
    children = ConsultationChildSerializer(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "reference",
            "status",
            "practitioner",
            "channel",
            "received_at",
            "decision_due_at",
            "decided_at",
            "completed_at",
            "breached_at",
            "purpose",
            "purpose_detail",
            "caller",
            "concerns",
            "child_location_now",
            "safe_now",
            "family_knows",
            "child_views",
            "strengths",
            "action_plan",
            "children",
        ]
