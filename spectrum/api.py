from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.permissions import IsVerifiedStaff
from spectrum.models import Domain, Framework, Indicator, Level, LevelCode, NeedTerm
from spectrum.selectors import framework_current, framework_with_contents, suggestion_for

MAX_INDICATORS = 200


class HasStaffRole(BasePermission):
    """Reference data for anyone on the staff with a role; an account with none sees nothing."""

    message = "Your account has no role yet. Ask an administrator to give you one."

    def has_permission(self, request, view):
        return rules.has_a_role(request.user)


LEVEL_CODE_SCHEMA = {
    "type": "string",
    "enum": LevelCode.values,
    "description": "A level of the Spectrum of Support, from least to most need",
}


# Several fields carry a level code. One named component for them all keeps the schema free of
# enum-naming collisions without a project-wide ENUM_NAME_OVERRIDES entry.
@extend_schema_field(LEVEL_CODE_SCHEMA, component_name="SpectrumLevelCode")
class LevelCodeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=LevelCode.choices, **kwargs)


@extend_schema_field(
    {**LEVEL_CODE_SCHEMA, "enum": [*LevelCode.values, None], "nullable": True},
    component_name="SpectrumOptionalLevelCode",
)
class OptionalLevelCodeField(LevelCodeField):
    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)


class LevelSerializer(serializers.ModelSerializer):
    code = LevelCodeField(read_only=True)

    class Meta:
        model = Level
        fields = ["code", "name", "order", "summary", "section"]


class DomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["id", "code", "name", "order"]


class IndicatorSerializer(serializers.ModelSerializer):
    level = LevelCodeField(read_only=True)
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    keywords = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Indicator
        fields = ["id", "code", "text", "level", "domain", "section", "keywords"]


class NeedTermSerializer(serializers.ModelSerializer):
    level = LevelCodeField(read_only=True)

    class Meta:
        model = NeedTerm
        fields = ["term", "level"]


class CumulativeRuleSerializer(serializers.Serializer):
    min_indicators = serializers.IntegerField(source="cumulative_min_indicators")
    min_domains = serializers.IntegerField(source="cumulative_min_domains")
    from_level = LevelCodeField(source="cumulative_from_level")
    raise_to = LevelCodeField(source="cumulative_raise_to")


class FrameworkSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="PUBLISHED for the current version")
    cumulative_rule = CumulativeRuleSerializer(source="*")
    levels = LevelSerializer(many=True)
    domains = DomainSerializer(many=True)
    indicators = IndicatorSerializer(many=True)
    need_terms = NeedTermSerializer(many=True)

    class Meta:
        model = Framework
        fields = [
            "id",
            "name",
            "version",
            "status",
            "published_at",
            "source_document",
            "cumulative_rule",
            "levels",
            "domains",
            "indicators",
            "need_terms",
        ]


class SuggestRequestSerializer(serializers.Serializer):
    indicator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=True, max_length=MAX_INDICATORS
    )


class SuggestionSerializer(serializers.Serializer):
    level = OptionalLevelCodeField(help_text="null when no indicator is given")
    level_name = serializers.CharField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())
    framework_version = serializers.CharField()


def _published_framework() -> Framework:
    current = framework_current()
    if current is None:
        raise NotFound("No version of the Spectrum of Support is published.")
    return framework_with_contents(framework_id=current.pk)


class FrameworkCurrentView(APIView):
    permission_classes = [IsVerifiedStaff, HasStaffRole]

    @extend_schema(
        operation_id="spectrum_framework_current",
        summary="The published Spectrum of Support",
        description=(
            "The framework version in use: its four ordered levels, ten domains, every "
            "indicator (id, code, concise text, level, domain, source section, keywords), the "
            "words people use for each level, and the thresholds of the cumulative rule."
        ),
        responses={200: FrameworkSerializer},
        tags=["spectrum"],
    )
    def get(self, request):
        return Response(FrameworkSerializer(_published_framework()).data)


class SuggestView(APIView):
    permission_classes = [IsVerifiedStaff, HasStaffRole]

    @extend_schema(
        operation_id="spectrum_suggest",
        summary="Suggest a level for selected indicators",
        description=(
            "The highest level among the indicators, raised by the published framework's "
            "cumulative rule when enough lower-level indicators span enough domains, with the "
            "reasons in plain words. Indicator ids must come from the published framework. "
            "The suggestion never decides: the practitioner does."
        ),
        request=SuggestRequestSerializer,
        responses={200: SuggestionSerializer},
        examples=[
            OpenApiExample("Family Help", value={"indicator_ids": [41, 57]}, request_only=True),
        ],
        tags=["spectrum"],
    )
    def post(self, request):
        incoming = SuggestRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        framework = _published_framework()
        by_id = {indicator.pk: indicator for indicator in framework.indicators.all()}
        wanted = incoming.validated_data["indicator_ids"]
        unknown = sorted({pk for pk in wanted if pk not in by_id})
        if unknown:
            raise serializers.ValidationError(
                {
                    "indicator_ids": [
                        "These ids are not indicators of the published framework: "
                        + ", ".join(str(pk) for pk in unknown)
                    ]
                }
            )
        suggestion = suggestion_for(framework=framework, indicators=[by_id[pk] for pk in wanted])
        names = {level.code: level.name for level in framework.levels.all()}
        return Response(
            SuggestionSerializer(
                {
                    "level": suggestion.level,
                    "level_name": names.get(suggestion.level) if suggestion.level else None,
                    "reasons": list(suggestion.reasons),
                    "framework_version": framework.version,
                }
            ).data
        )
