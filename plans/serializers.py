from rest_framework import serializers

from cases.serializers import PersonRefSerializer, WorkerSerializer
from people.models import PersonFlag
from plans.forms import FLAG_CHOICES
from plans.models import (
    Action,
    ActionOwner,
    ActionStatus,
    FamilyNetworkReferral,
    KinshipArrangement,
    Outcome,
    PartnerAgency,
    Plan,
    Review,
    ReviewDecision,
    ReviewScore,
)


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = PartnerAgency
        fields = ["id", "name", "kind", "secure_email", "is_active"]


class ActionSerializer(serializers.ModelSerializer):
    worker = WorkerSerializer(read_only=True, allow_null=True)
    agency = AgencySerializer(read_only=True, allow_null=True)
    family_member = PersonRefSerializer(read_only=True, allow_null=True)
    outcome = serializers.IntegerField(source="outcome_id", read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "outcome",
            "what",
            "owner",
            "worker",
            "agency",
            "agency_contact",
            "family_member",
            "due_date",
            "status",
            "stopped_reason",
        ]


class OutcomeSerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "position", "title", "family_words", "source_plan_item_id", "actions"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewScore
        fields = ["outcome", "family_score", "worker_score"]


class ReviewSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    resulting_case = serializers.UUIDField(
        source="resulting_case_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "held_on",
            "due_on",
            "attendees",
            "changes",
            "decision",
            "decision_note",
            "signposting",
            "resulting_case",
            "scores",
        ]


class PlanSerializer(serializers.ModelSerializer):
    child = PersonRefSerializer(read_only=True)
    case = serializers.UUIDField(source="case_id", read_only=True)
    team = serializers.CharField(source="case.team.slug", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "child",
            "case",
            "team",
            "level",
            "status",
            "started_on",
            "next_review_date",
            "family_agreed_on",
            "source_assessment_id",
        ]


class PlanDetailSerializer(PlanSerializer):
    outcomes = OutcomeSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "outcomes", "reviews"]


class OutcomeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    family_words = serializers.CharField(required=False, allow_blank=True, default="")


class PlanStartSerializer(serializers.Serializer):
    outcomes = OutcomeInputSerializer(many=True, allow_empty=False)


class ActionInputSerializer(serializers.Serializer):
    outcome = serializers.IntegerField()
    what = serializers.CharField()
    owner = serializers.ChoiceField(choices=ActionOwner.choices)
    due_date = serializers.DateField()
    worker = serializers.IntegerField(required=False, allow_null=True)
    agency = serializers.IntegerField(required=False, allow_null=True)
    agency_contact = serializers.CharField(required=False, allow_blank=True, default="")
    family_member = serializers.UUIDField(required=False, allow_null=True)


class ActionStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    stopped_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreInputSerializer(serializers.Serializer):
    outcome = serializers.IntegerField()
    family_score = serializers.IntegerField(min_value=0, max_value=10)
    worker_score = serializers.IntegerField(min_value=0, max_value=10)


class ReviewInputSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    attendees = serializers.CharField()
    scores = ScoreInputSerializer(many=True)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    changes = serializers.CharField(required=False, allow_blank=True, default="")
    decision_note = serializers.CharField(required=False, allow_blank=True, default="")
    signposting = serializers.CharField(required=False, allow_blank=True, default="")
    to_team = serializers.SlugField(required=False, allow_blank=True, default="")
    closure_reason = serializers.CharField(required=False, allow_blank=True, default="")


class NetworkReferralSerializer(serializers.ModelSerializer):
    child = PersonRefSerializer(read_only=True)
    # Where it came from: the case, or (referred by Family Connect) the consultation.
    case = serializers.UUIDField(source="case_id", read_only=True, allow_null=True)
    consultation = serializers.UUIDField(source="consultation_id", read_only=True, allow_null=True)

    class Meta:
        model = FamilyNetworkReferral
        fields = [
            "id",
            "child",
            "case",
            "consultation",
            "reason",
            "family_hopes",
            "family_network",
            "consent_reason",
            "status",
            "referred_at",
            "meeting_date",
            "invited",
            "attended",
            "child_contribution",
            "family_plan",
            "review_date",
        ]


class NetworkReferralInputSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    reason = serializers.CharField()
    family_hopes = serializers.CharField(required=False, allow_blank=True, default="")


class FlagSerializer(serializers.ModelSerializer):
    kinship_arrangement = serializers.CharField(
        source="detail.kinship_arrangement", read_only=True, default=""
    )
    young_carer_assessment_referred_on = serializers.DateField(
        source="detail.young_carer_assessment_referred_on", read_only=True, default=None
    )
    notification_date = serializers.DateField(
        source="detail.notification_date", read_only=True, default=None
    )
    visit_due_date = serializers.DateField(
        source="detail.visit_due_date", read_only=True, default=None
    )

    class Meta:
        model = PersonFlag
        fields = [
            "id",
            "kind",
            "start_date",
            "end_date",
            "note",
            "kinship_arrangement",
            "young_carer_assessment_referred_on",
            "notification_date",
            "visit_due_date",
        ]


class FlagInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FLAG_CHOICES)
    start_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    kinship_arrangement = serializers.ChoiceField(
        choices=KinshipArrangement.choices, required=False, allow_blank=True, default=""
    )
    young_carer_assessment_referred_on = serializers.DateField(
        required=False, allow_null=True, default=None
    )
    notification_date = serializers.DateField(required=False, allow_null=True, default=None)
