"""People API: the same access rules, search-before-create and access logging as the pages."""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from audit.services import AccessAction, access_log_record, access_log_record_list
from familyfirst.pagination import API_MAX_PAGE_SIZE, CappedLimitOffsetPagination
from idempotency.services import idempotent
from people.codes import Disability, Ethnicity, Sex
from people.models import (
    Person,
    PersonAddress,
    PersonFlag,
    PersonName,
    PersonPhone,
    RelationshipKind,
    RestrictionCategory,
)
from people.search import LIKELY_DUPLICATE_SCORE, PartialDate, person_search, search_criteria_parse
from people.selectors import people_visible_to, person_get_for_user, relationships_for
from people.services import (
    PersonDetails,
    SearchRequired,
    person_create_after_search,
    person_search_for_create,
    person_search_log,
    relationship_with_household_record,
)


def _front_door(request):
    if not rules.can_use_front_door(request.user):
        raise ApiPermissionDenied("Only Family Connect staff can search for and add people.")


class PersonSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "restricted",
        ]


class PersonNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonName
        fields = ["kind", "given_name", "family_name", "note"]


class PersonAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonAddress
        fields = ["line_1", "line_2", "town", "postcode", "start_date", "end_date"]


class PersonPhoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonPhone
        fields = ["kind", "number", "number_normalised"]


class PersonFlagSerializer(serializers.ModelSerializer):
    set_by = serializers.StringRelatedField()

    class Meta:
        model = PersonFlag
        fields = ["kind", "start_date", "end_date", "set_by", "note"]


class PersonDetailSerializer(serializers.ModelSerializer):
    names = PersonNameSerializer(many=True, read_only=True)
    addresses = PersonAddressSerializer(many=True, read_only=True)
    phones = PersonPhoneSerializer(many=True, read_only=True)
    flags = PersonFlagSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "expected_date_of_birth",
            "date_of_death",
            "sex",
            "gender",
            "ethnicity",
            "first_language",
            "interpreter_needed",
            "religion",
            "disabilities",
            "nhs_number",
            "upn",
            "la_child_id",
            "school_or_setting",
            "restricted",
            "restriction_category",
            "created_at",
            "names",
            "addresses",
            "phones",
            "flags",
        ]


class PersonCreateSerializer(serializers.Serializer):
    search_id = serializers.UUIDField(help_text="The id of the search made before this create")
    none_of_these = serializers.BooleanField(
        default=False,
        help_text="Confirm that none of the likely duplicates returned with a 409 is this person",
    )
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    first_language = serializers.CharField(required=False, allow_blank=True, max_length=60)
    interpreter_needed = serializers.BooleanField(default=False)
    religion = serializers.CharField(required=False, allow_blank=True, max_length=60)
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices), required=False
    )
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    upn = serializers.CharField(required=False, allow_blank=True, max_length=20)
    la_child_id = serializers.CharField(required=False, allow_blank=True, max_length=30)
    school_or_setting = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address_line_1 = serializers.CharField(required=False, allow_blank=True, max_length=200)
    address_town = serializers.CharField(required=False, allow_blank=True, max_length=100)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    restriction_category = serializers.ChoiceField(
        choices=RestrictionCategory.choices,
        required=False,
        allow_blank=True,
        help_text="Family Connect managers only",
    )

    def details(self) -> PersonDetails:
        data = dict(self.validated_data)
        data.pop("search_id")
        data.pop("none_of_these")
        category = data.pop("restriction_category", "")
        return PersonDetails(**data, restricted=bool(category), restriction_category=category)


class MatchSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    restricted_match = serializers.BooleanField(source="is_restricted_placeholder")
    message = serializers.CharField()
    person = PersonSummarySerializer(allow_null=True)


class SearchResultsSerializer(serializers.Serializer):
    search_id = serializers.UUIDField()
    results = MatchSerializer(many=True)


class RelatedPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="relationship.id")
    person = PersonSummarySerializer(allow_null=True, help_text="Null for a restricted record")
    kind = serializers.CharField(source="kind_label", help_text="How the person is related to them")
    parental_responsibility = serializers.BooleanField(
        source="relationship.parental_responsibility"
    )
    family_network = serializers.BooleanField(source="relationship.family_network")
    start_date = serializers.DateField(source="relationship.start_date")
    end_date = serializers.DateField(source="relationship.end_date")


class RelationshipCreateSerializer(serializers.Serializer):
    other_person = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=RelationshipKind.choices, help_text="The other person is this person's <kind>"
    )
    parental_responsibility = serializers.BooleanField(
        default=False, help_text="The other person holds parental responsibility for this person"
    )
    family_network = serializers.BooleanField(default=False)
    lives_with = serializers.BooleanField(default=False)
    start_date = serializers.DateField(required=False, allow_null=True)


def _validation_error_response(error: ValidationError) -> Response:
    if hasattr(error, "error_dict"):
        return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response({"non_field_errors": error.messages}, status=status.HTTP_400_BAD_REQUEST)


def _person_replay(view, request, person_id):
    person = person_get_for_user(request=request, person_id=person_id, reason="repeated request")
    return Response(PersonDetailSerializer(person).data)


class PersonListCreateApi(APIView):
    @extend_schema(
        summary="List people",
        parameters=[
            OpenApiParameter("limit", int, description=f"At most {API_MAX_PAGE_SIZE}"),
            OpenApiParameter("offset", int),
        ],
        responses=PersonSummarySerializer(many=True),
    )
    def get(self, request):
        _front_door(request)
        people = (
            people_visible_to(user=request.user)
            .filter(merged_into__isnull=True)
            .order_by("family_name", "given_name", "id")
        )
        paginator = CappedLimitOffsetPagination()
        page = paginator.paginate_queryset(people, request, view=self)
        access_log_record_list(
            request=request,
            record_type="person-list",
            person_ids=[person.pk for person in page] or [None],
            reason=f"{len(page)} people listed",
        )
        return paginator.get_paginated_response(PersonSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Add a person (after a search)",
        description=(
            "Needs the `search_id` of a search the same user made. When likely duplicates exist "
            "the response is 409 with them; repeat with `none_of_these: true` to add anyway."
        ),
        request=PersonCreateSerializer,
        responses={
            201: PersonDetailSerializer,
            400: OpenApiResponse(description="Field errors"),
            409: inline_serializer(
                "LikelyDuplicates", {"likely_duplicates": MatchSerializer(many=True)}
            ),
        },
    )
    @idempotent(record_id=lambda response: str(response.data["id"]), replay=_person_replay)
    def post(self, request):
        _front_door(request)
        serializer = PersonCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            search = person_search_for_create(
                user=request.user, search_id=serializer.validated_data["search_id"]
            )
        except SearchRequired:
            return Response(
                {"search_id": ["Search for the person first, then give that search's id"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        details = serializer.details()
        if details.restricted and not rules.can_manage_people(request.user):
            raise ApiPermissionDenied("Only a Family Connect manager can restrict a record.")
        criteria, errors = search_criteria_parse(
            name=f"{details.given_name} {details.family_name}",
            postcode=details.postcode or "",
            nhs_number=details.nhs_number or "",
            upn=details.upn or "",
            la_child_id=details.la_child_id or "",
            phone=details.phone or "",
        )
        if errors:
            return Response({k: [v] for k, v in errors.items()}, status=status.HTTP_400_BAD_REQUEST)
        born = details.date_of_birth or details.expected_date_of_birth
        if born:
            criteria.dob = PartialDate(born.year, born.month, born.day)
        likely = [
            m
            for m in person_search(user=request.user, criteria=criteria, limit=5)
            if m.score >= LIKELY_DUPLICATE_SCORE
        ]
        access_log_record(
            request=request,
            action=AccessAction.SEARCH,
            record_type="person-duplicate-check",
            record_id=search.pk,
        )
        if likely and not serializer.validated_data["none_of_these"]:
            return Response(
                {"likely_duplicates": MatchSerializer(likely, many=True).data},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            person, _decision = person_create_after_search(
                search=search, details=details, created_by=request.user, candidates=likely
            )
        except ValidationError as error:
            return _validation_error_response(error)
        return Response(PersonDetailSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonSearchApi(APIView):
    @extend_schema(
        summary="Search for people",
        description=(
            "Ranked results with a score (0-100) and the reasons each matched. Restricted records "
            "the user may not see come back as `restricted_match: true` with no person details."
        ),
        parameters=[
            OpenApiParameter("name", str, description="e.g. Jon Smyth; spelling need not be exact"),
            OpenApiParameter("dob", str, description="2015-03-27, 27/3/2015, 2015-03 or 2015"),
            OpenApiParameter("postcode", str, description="Full (CV34 4RL) or outward code (CV34)"),
            OpenApiParameter("nhs_number", str),
            OpenApiParameter("upn", str),
            OpenApiParameter("phone", str),
            OpenApiParameter("limit", int, description="At most 50; 20 if not given"),
        ],
        responses={200: SearchResultsSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def get(self, request):
        _front_door(request)
        params = request.query_params
        criteria, errors = search_criteria_parse(
            name=params.get("name", ""),
            dob=params.get("dob", ""),
            postcode=params.get("postcode", ""),
            nhs_number=params.get("nhs_number", ""),
            upn=params.get("upn", ""),
            phone=params.get("phone", ""),
        )
        if not errors and criteria.is_empty:
            errors["name"] = (
                "Enter a name, date of birth, postcode, NHS number, UPN or phone number"
            )
        if errors:
            return Response({k: [v] for k, v in errors.items()}, status=status.HTTP_400_BAD_REQUEST)
        try:
            limit = max(1, min(int(params.get("limit", 20)), 50))
        except ValueError:
            limit = 20
        matches = person_search(user=request.user, criteria=criteria, limit=limit)
        search = person_search_log(request=request, criteria=criteria.as_json(), matches=matches)
        return Response(SearchResultsSerializer({"search_id": search.pk, "results": matches}).data)


class PersonDetailApi(APIView):
    @extend_schema(summary="One person", responses=PersonDetailSerializer)
    def get(self, request, person_id):
        person = person_get_for_user(request=request, person_id=person_id)
        return Response(PersonDetailSerializer(person).data)


class PersonRelationshipsApi(APIView):
    @extend_schema(
        summary="A person's relationships",
        description="Each row says how the other person is related to this one.",
        responses=RelatedPersonSerializer(many=True),
    )
    def get(self, request, person_id):
        person = person_get_for_user(request=request, person_id=person_id)
        related = relationships_for(user=request.user, person=person)
        return Response(RelatedPersonSerializer(related, many=True).data)

    @extend_schema(
        summary="Add a relationship",
        request=RelationshipCreateSerializer,
        responses={201: RelatedPersonSerializer, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def post(self, request, person_id):
        _front_door(request)
        person = person_get_for_user(
            request=request, person_id=person_id, reason="relationship added"
        )
        serializer = RelationshipCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        other = people_visible_to(user=request.user).filter(pk=data["other_person"]).first()
        if other is None:
            return Response(
                {"other_person": ["No person with this ID was found"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            relationship = relationship_with_household_record(
                from_person=other,
                to_person=person,
                kind=data["kind"],
                parental_responsibility=data["parental_responsibility"],
                family_network=data["family_network"],
                lives_with=data["lives_with"],
                start_date=data.get("start_date"),
                created_by=request.user,
            )
        except ValidationError as error:
            return _validation_error_response(error)
        related = next(
            r
            for r in relationships_for(user=request.user, person=person)
            if r.relationship.pk == relationship.pk
        )
        return Response(RelatedPersonSerializer(related).data, status=status.HTTP_201_CREATED)
