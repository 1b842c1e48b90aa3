"""Places, teams, postcodes and routing suggestions.

None of these endpoints shows a child's or family member's record: they answer from reference
data (districts, teams, the ONS Postcode Directory, the routing rules) and from inputs the
caller sends, and store nothing. So they do not go through audit.access and write no
access-log row; the consultation that uses a suggestion logs its own reads of the child.
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.permissions import IsVerifiedStaff
from locality.models import Area, ConcernKind, District, RoutingLevel, Team
from locality.selectors import (
    PostcodeStatus,
    RoutingInputError,
    localities_list,
    locality_team_for,
    postcode_lookup,
    routing_resolve,
    teams_list,
)


class CanUseLocalityLookups(IsVerifiedStaff):
    message = "You need a role in Family Connect to look up places, teams and routing."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and rules.can_use_locality_lookups(
            request.user
        )


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name"]


class DistrictSerializer(serializers.ModelSerializer):
    area = AreaSerializer()

    class Meta:
        model = District
        fields = ["ons_code", "name", "area"]


class TeamSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["slug", "name", "team_type", "phone", "email"]


class TeamSerializer(serializers.ModelSerializer):
    team_type_label = serializers.CharField(source="get_team_type_display")
    district = serializers.SlugRelatedField(slug_field="ons_code", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "slug",
            "name",
            "team_type",
            "team_type_label",
            "serves",
            "district",
            "areas",
            "phone",
            "email",
            "inbox_email",
            "address",
        ]


class LocalitySerializer(DistrictSerializer):
    family_help_team = serializers.SerializerMethodField()

    class Meta(DistrictSerializer.Meta):
        fields = [*DistrictSerializer.Meta.fields, "family_help_team"]

    @extend_schema_field(TeamSummarySerializer(allow_null=True))
    def get_family_help_team(self, district):
        team = locality_team_for(district)
        return TeamSummarySerializer(team).data if team else None


class LocalityOfPostcodeSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Localities follow district boundaries")
    family_help_team = TeamSummarySerializer(allow_null=True)


class PostcodeLookupSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="What was asked for, as sent")
    postcode = serializers.CharField(help_text='As read: "CV21 2AB", or partial "CV21"')
    is_partial = serializers.BooleanField()
    status = serializers.ChoiceField(choices=PostcodeStatus.choices)
    message = serializers.CharField(help_text="The outcome in plain words, for the practitioner")
    in_county = serializers.BooleanField(
        allow_null=True, help_text="Null when the practitioner must choose, or not found"
    )
    la_code = serializers.CharField(help_text="The local authority's ONS code, when there is one")
    district = DistrictSerializer(allow_null=True)
    area = AreaSerializer(allow_null=True)
    locality = serializers.SerializerMethodField()
    candidates = DistrictSerializer(
        many=True, help_text="Warwickshire districts a partial postcode can be in"
    )
    outside_la_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Authorities outside Warwickshire the postcode is (or, if partial, can be) in",
    )

    @extend_schema_field(LocalityOfPostcodeSerializer(allow_null=True))
    def get_locality(self, lookup):
        if lookup.district is None:
            return None
        team = locality_team_for(lookup.district)
        return {
            "name": lookup.district.name,
            "family_help_team": TeamSummarySerializer(team).data if team else None,
        }


class RuleSummarySerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()


class TeamCandidateSerializer(serializers.Serializer):
    district = DistrictSerializer()
    team = TeamSummarySerializer(allow_null=True)


class RoutingRequestSerializer(serializers.Serializer):
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="For an unborn child, instead of date_of_birth"
    )
    postcode = serializers.CharField(
        max_length=20,
        help_text="The child's home postcode; for an unborn child, the expectant parent's",
    )
    level = serializers.ChoiceField(choices=RoutingLevel.choices)
    concerns = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernKind.choices),
        required=False,
        default=list,
        help_text="Kinds of concern, the main concern first",
    )
    severe_disability = serializers.BooleanField(
        default=False, help_text="The child has a severe or profound disability"
    )
    district = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="ONS code of the district the practitioner chose, when the postcode is partial",
    )


class RoutingResultSerializer(serializers.Serializer):
    team = TeamSummarySerializer(allow_null=True, help_text="Null: no team, or choose")
    reasons = serializers.ListField(child=serializers.CharField())
    rule = RuleSummarySerializer(allow_null=True)
    outside_county = serializers.BooleanField()
    la_code = serializers.CharField()
    district = DistrictSerializer(allow_null=True)
    candidates = TeamCandidateSerializer(
        many=True, help_text="When the postcode can be in more than one district"
    )
    age_years = serializers.IntegerField(allow_null=True)
    is_unborn = serializers.BooleanField()
    postcode = PostcodeLookupSerializer()


@extend_schema(tags=["Localities and routing"], summary="The five localities, with area and team")
class LocalityList(ListAPIView):
    permission_classes = [CanUseLocalityLookups]
    pagination_class = None
    serializer_class = LocalitySerializer

    def get_queryset(self):
        return localities_list()


@extend_schema(tags=["Localities and routing"], summary="Active teams and their contact details")
class TeamList(ListAPIView):
    permission_classes = [CanUseLocalityLookups]
    pagination_class = None
    serializer_class = TeamSerializer

    def get_queryset(self):
        return teams_list()


POSTCODE_STATUS_CODES = {
    PostcodeStatus.INVALID: status.HTTP_400_BAD_REQUEST,
    PostcodeStatus.NOT_FOUND: status.HTTP_404_NOT_FOUND,
}


class PostcodeDetail(APIView):
    permission_classes = [CanUseLocalityLookups]

    @extend_schema(
        tags=["Localities and routing"],
        summary="Where a full or partial postcode is",
        description="A full Warwickshire postcode gives its district, locality and area; a "
        "partial one (CV21, CV21 2) the candidate districts to choose from; a postcode outside "
        "Warwickshire its local authority code. 400 when it is not a postcode, 404 when it is "
        "not in the ONS Postcode Directory; the body always says why in `message`.",
        responses={
            200: PostcodeLookupSerializer,
            400: PostcodeLookupSerializer,
            404: PostcodeLookupSerializer,
        },
    )
    def get(self, request, postcode):
        lookup = postcode_lookup(text=postcode)
        return Response(
            PostcodeLookupSerializer(lookup).data,
            status=POSTCODE_STATUS_CODES.get(lookup.status, status.HTTP_200_OK),
        )


class RoutingResolve(APIView):
    permission_classes = [CanUseLocalityLookups]

    @extend_schema(
        tags=["Localities and routing"],
        summary="Which team takes a case, and why",
        description="Applies the routing rules administrators keep, first that fits, to the "
        "child's age on today's date, home postcode, Spectrum level, main concern and disability. "
        "Nothing is stored.",
        request=RoutingRequestSerializer,
        responses={200: RoutingResultSerializer},
        examples=[
            OpenApiExample(
                "A 14-year-old at risk of exploitation in Rugby",
                request_only=True,
                value={
                    "date_of_birth": "2012-05-01",
                    "postcode": "CV21 2AB",
                    "level": "FAMILY_HELP",
                    "concerns": ["EXPLOITATION"],
                    "severe_disability": False,
                },
            )
        ],
    )
    def post(self, request):
        incoming = RoutingRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            result = routing_resolve(
                postcode=data["postcode"],
                level=data["level"],
                concerns=data["concerns"],
                severe_disability=data["severe_disability"],
                date_of_birth=data.get("date_of_birth"),
                expected_date_of_birth=data.get("expected_date_of_birth"),
                district_code=data["district"],
            )
        except RoutingInputError as error:
            raise ValidationError({error.field: [str(error)]}) from error
        return Response(RoutingResultSerializer(result).data)
