from rest_framework import serializers

from cases.models import Allocation, Case, CaseEvent, ClosureReason, TransferReason


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class WorkerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    role = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    child = PersonRefSerializer(read_only=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    allocated_to = WorkerSerializer(read_only=True, allow_null=True)
    consultation_reference = serializers.CharField(
        source="first_referral.consultation.reference", read_only=True, allow_null=True
    )
    previous_case = serializers.UUIDField(
        source="previous_case_id", read_only=True, allow_null=True
    )
    re_referral_of = serializers.UUIDField(
        source="re_referral_of_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "child",
            "team",
            "status",
            "level",
            "urgent",
            "allocated_to",
            "referral_date",
            "assessment_due_date",
            "opened_at",
            "consultation_reference",
            "previous_case",
            "transfer_reason",
            "re_referral_of",
            "closed_at",
            "closure_reason",
        ]


class AllocationSerializer(serializers.ModelSerializer):
    worker = WorkerSerializer(read_only=True)
    allocated_by = WorkerSerializer(read_only=True)

    class Meta:
        model = Allocation
        fields = ["worker", "allocated_by", "started_at", "ended_at", "reason"]


class CaseEventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_full_name", allow_null=True, read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "kind", "summary", "by"]


class CaseDetailSerializer(CaseSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "allocations", "events"]


class IntakeSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(["ACCEPT", "SEND_BACK"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AllocateSerializer(serializers.Serializer):
    worker = serializers.IntegerField(help_text="The worker's user id")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    to_team = serializers.SlugField(help_text="The receiving team's slug")
    reason = serializers.ChoiceField(TransferReason.choices)
    note = serializers.CharField(allow_blank=False)


class CloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(ClosureReason.choices, help_text="CIN census RC1 to RC9")
    note = serializers.CharField(required=False, allow_blank=True, default="")
