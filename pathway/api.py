"""Assessments API: the caller's teams' assessments, one assessment with its current version,
and a case's significant-events chronology (docs/pathway.md).

Reads go through ``pathway.selectors`` (scoped to the caller's cases, one access-log row per
person shown); a new chronology entry goes through ``pathway.services``, whose refusal is a 400
naming the field.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.permissions import IsVerifiedStaff
from audit.services import access_log_record_list
from cases.selectors import case_get_for_user
from pathway.models import ChronologyEntry
from pathway.selectors import (
    assessment_api_queryset,
    assessment_get_for_user,
    case_family_children,
    family_map,
    version_content,
    version_current,
)
from pathway.serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    ChronologyEntrySerializer,
)
from pathway.services import PathwayError, can_write_assessment, chronology_entry_record

MAX_PAGE = 100


class WorksCases(BasePermission):
    message = "Only members of a team that holds cases can use the assessments API."

    def has_permission(self, request, view):
        return rules.can_work_cases(request.user)


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_PAGE


class AssessmentListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="The caller's teams' assessments",
        description=(
            f"Newest first, {MAX_PAGE} at most a page. Writes one access-log row per child listed."
        ),
        parameters=[OpenApiParameter("case", str, description="Only this case's assessments")],
        responses=AssessmentSerializer(many=True),
    )
    def get(self, request):
        assessments = assessment_api_queryset(user=request.user)
        if request.query_params.get("case"):
            try:
                assessments = assessments.filter(case_id=request.query_params["case"])
                list(assessments[:1])
            except Exception:
                return Response({"case": ["Give a case id"]}, status=status.HTTP_400_BAD_REQUEST)
        paginator = Pagination()
        page = paginator.paginate_queryset(assessments, request, view=self)
        access_log_record_list(
            request=request,
            record_type="assessment-list",
            person_ids=[child.pk for a in page for child in a.children.all()],
        )
        return paginator.get_paginated_response(AssessmentSerializer(page, many=True).data)


class AssessmentDetailApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="One assessment, with its current version's three parts",
        description="Writes one access-log row per child the assessment covers.",
        responses=AssessmentDetailSerializer,
    )
    def get(self, request, assessment_id):
        assessment = assessment_get_for_user(request=request, assessment_id=assessment_id)
        content = version_content(version=version_current(assessment=assessment))
        return Response(AssessmentDetailSerializer(assessment, context={"content": content}).data)


def _case_and_people(request, case_id):
    def shown(case):
        case.family = family_map(
            user=request.user, case=case, child_ids=case_family_children(case=case)
        )
        return case.family.person_ids

    return case_get_for_user(request=request, case_id=case_id, person_ids_shown=shown)


class ChronologyApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="A case's significant events",
        description=(
            "The events the workers recorded, newest first. Writes one access-log row per "
            "person in the family."
        ),
        responses=ChronologyEntrySerializer(many=True),
    )
    def get(self, request, case_id):
        case = _case_and_people(request, case_id)
        entries = ChronologyEntry.objects.filter(case=case, removed_at__isnull=True)
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(ChronologyEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="Record a significant event",
        request=ChronologyEntrySerializer,
        responses={201: ChronologyEntrySerializer},
    )
    def post(self, request, case_id):
        case = _case_and_people(request, case_id)
        if not can_write_assessment(user=request.user, case=case):
            return Response(
                {"detail": "Only a worker in the case's team can add to its chronology."},
                status=status.HTTP_403_FORBIDDEN,
            )
        serializer = ChronologyEntrySerializer(data=request.data, people=case.family.people)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            entry = chronology_entry_record(
                case=case,
                occurred_on=data["occurred_on"],
                what=data["what"],
                source=data["source"],
                impact=data["impact"],
                about_person=data.get("about_person"),
                by=request.user,
            )
        except PathwayError as error:
            return Response(
                {error.field or "non_field_errors": [error.message]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
