from rest_framework import serializers

from pathway.models import (
    Assessment,
    AssessmentVersion,
    ChronologyEntry,
    PlanItem,
    SituationEntry,
    UnderstandingEntry,
)
from people.models import Person


class SituationEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SituationEntry
        fields = ["key", "topic", "voice", "nature", "person", "text"]


class UnderstandingEntrySerializer(serializers.ModelSerializer):
    rests_on = serializers.SerializerMethodField()

    class Meta:
        model = UnderstandingEntry
        fields = ["key", "kind", "text", "rests_on"]

    def get_rests_on(self, entry) -> list[str]:
        """The keys of the Situation entries this rests on."""
        return [str(situation.key) for situation in entry.rests_on_list]


class PlanItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["key", "need", "outcome", "for_person"]


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentVersion
        fields = [
            "number",
            "status",
            "author",
            "updated_at",
            "submitted_at",
            "signed_off_at",
            "signed_off_by",
            "revisit_reason",
        ]


class VersionDetailSerializer(VersionSerializer):
    situation = serializers.SerializerMethodField()
    understanding = serializers.SerializerMethodField()
    plan = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = VersionSerializer.Meta.fields + [
            "child_views_how",
            "context_housing",
            "context_income",
            "context_other",
            "family_agreement",
            "family_words",
            "factors",
            "spectrum_level",
            "spectrum_reason",
            "situation",
            "understanding",
            "plan",
        ]

    def get_situation(self, version) -> SituationEntrySerializer(many=True):
        return SituationEntrySerializer(self.context["content"].situation_entries, many=True).data

    def get_understanding(self, version) -> UnderstandingEntrySerializer(many=True):
        entries = [e for group in self.context["content"].understanding.values() for e in group]
        return UnderstandingEntrySerializer(entries, many=True).data

    def get_plan(self, version) -> PlanItemSerializer(many=True):
        return PlanItemSerializer(self.context["content"].plan, many=True).data


class AssessmentSerializer(serializers.ModelSerializer):
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "case",
            "kind",
            "children",
            "start_date",
            "due_date",
            "authorised_date",
            "versions",
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    current = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = AssessmentSerializer.Meta.fields + ["current"]

    def get_current(self, assessment) -> VersionDetailSerializer:
        return VersionDetailSerializer(self.context["content"].version, context=self.context).data


class ChronologyEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ChronologyEntry
        fields = [
            "id",
            "occurred_on",
            "what",
            "source",
            "impact",
            "about_person",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["id", "recorded_by", "recorded_at"]
        extra_kwargs = {"about_person": {"required": False, "allow_null": True}}

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Only someone on the family's map (whom the caller may see) can be named.
        self.fields["about_person"].queryset = Person.objects.filter(
            pk__in=[person.pk for person in people]
        )
