"""Child protection API: strategy discussions, Section 47 enquiries, conferences and plans, read
only, in the caller's MACPTs (docs/protection.md, "API").

Each record carries a ``census`` object with the CIN census field names (Section47,
ChildProtectionPlans, Reviews) so the statutory returns can read them without re-deriving
anything. Every read writes one access-log row per child shown.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.permissions import IsVerifiedStaff
from audit.services import access_log_record_list
from familyfirst.pagination import CappedLimitOffsetPagination
from protection.models import (
    Conference,
    ProtectionPlan,
    Section47Enquiry,
    StrategyAttendee,
    StrategyDiscussion,
)
from protection.selectors import (
    conference_get_for_user,
    conferences_visible_to,
    enquiries_visible_to,
    enquiry_get_for_user,
    plan_get_for_user,
    plans_visible_to,
    strategy_discussions_visible_to,
    strategy_get_for_user,
)


class WorksCases(BasePermission):
    message = "Only members of a team that holds cases can use the child protection API."

    def has_permission(self, request, view):
        return rules.can_work_cases(request.user)


class _CaseFields(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id", read_only=True)
    child = serializers.UUIDField(source="case.child_id", read_only=True)
    team = serializers.SlugRelatedField(source="case.team", slug_field="slug", read_only=True)


class AttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyAttendee
        fields = ["agency", "name", "took_part"]


class StrategyDiscussionSerializer(_CaseFields):
    attendees = AttendeeSerializer(many=True, read_only=True)
    information = serializers.SerializerMethodField()

    class Meta:
        model = StrategyDiscussion
        fields = [
            "id",
            "case",
            "child",
            "team",
            "status",
            "due_at",
            "held_at",
            "decision",
            "no_s47_reason",
            "next_step",
            "safety_actions",
            "attendees",
            "information",
        ]

    def get_information(self, obj) -> list[dict]:
        return [
            {"source": i.source, "summary": i.summary, "sharing_record": str(i.sharing_record_id)}
            for i in obj.information.all()
        ]


class Section47CensusSerializer(serializers.Serializer):
    S47ActualStartDate = serializers.DateField(source="start_date")
    InitialCPCtarget = serializers.DateField(source="icpc_target_date")
    DateOfInitialCPC = serializers.SerializerMethodField()
    ICPCnotRequired = serializers.BooleanField(source="icpc_not_required", allow_null=True)

    def get_DateOfInitialCPC(self, obj) -> str | None:  # noqa: N802 - the census's name
        conference = getattr(obj, "initial_conference", None)
        return conference.held_on.isoformat() if conference and conference.held_on else None


class Section47Serializer(_CaseFields):
    strategy_discussion = serializers.UUIDField(source="strategy_discussion_id", read_only=True)
    lcpp = serializers.StringRelatedField()
    fhlp = serializers.StringRelatedField()
    census = Section47CensusSerializer(source="*", read_only=True)

    class Meta:
        model = Section47Enquiry
        fields = [
            "id",
            "case",
            "child",
            "team",
            "strategy_discussion",
            "joint_with_police",
            "status",
            "start_date",
            "icpc_target_date",
            "lcpp",
            "fhlp",
            "child_seen",
            "child_seen_alone",
            "child_seen_on",
            "outcome",
            "completed_date",
            "census",
        ]


class ConferenceSerializer(_CaseFields):
    enquiry = serializers.UUIDField(source="enquiry_id", read_only=True, allow_null=True)
    plan = serializers.UUIDField(source="plan_id", read_only=True, allow_null=True)

    class Meta:
        model = Conference
        fields = [
            "id",
            "case",
            "child",
            "team",
            "kind",
            "enquiry",
            "plan",
            "status",
            "due_date",
            "held_on",
            "chair",
            "attendees",
            "family_views",
            "child_views",
            "decision",
        ]


class PlanCensusSerializer(serializers.Serializer):
    CPPstartDate = serializers.DateField(source="start_date")
    CPPendDate = serializers.DateField(source="end_date", allow_null=True)
    InitialCategoryOfAbuse = serializers.CharField(source="initial_category")
    LatestCategoryOfAbuse = serializers.CharField(source="latest_category")
    NumberOfPreviousCPP = serializers.IntegerField(source="previous_plans")
    CPPreviewDate = serializers.SerializerMethodField()

    def get_CPPreviewDate(self, obj) -> list[str]:  # noqa: N802 - the census's name
        return [c.held_on.isoformat() for c in obj.reviews.all() if c.held_on]


class ProtectionPlanSerializer(_CaseFields):
    lead = serializers.StringRelatedField()
    next_review_due = serializers.SerializerMethodField()
    census = PlanCensusSerializer(source="*", read_only=True)

    class Meta:
        model = ProtectionPlan
        fields = [
            "id",
            "case",
            "child",
            "team",
            "status",
            "start_date",
            "initial_category",
            "latest_category",
            "lead",
            "core_group_due_date",
            "core_group_held_on",
            "next_review_due",
            "end_date",
            "end_reason",
            "census",
        ]

    def get_next_review_due(self, obj) -> str | None:
        due = [c.due_date for c in obj.reviews.all() if c.held_on is None]
        return min(due).isoformat() if due else None


def _list_view(name, serializer_class, visible, prefetch, getter, arg, record_type):
    class ListApi(APIView):
        permission_classes = [IsVerifiedStaff, WorksCases]

        @extend_schema(
            summary=f"{name} in the caller's MACPTs",
            description="Soonest due first, 100 at most a page. One access-log row per child.",
            responses=serializer_class(many=True),
        )
        def get(self, request):
            records = visible(user=request.user).prefetch_related(*prefetch).order_by("pk")
            paginator = CappedLimitOffsetPagination()
            page = paginator.paginate_queryset(records, request, view=self)
            access_log_record_list(
                request=request,
                record_type=f"{record_type}-list",
                person_ids=[record.case.child_id for record in page],
            )
            return paginator.get_paginated_response(serializer_class(page, many=True).data)

    class DetailApi(APIView):
        permission_classes = [IsVerifiedStaff, WorksCases]

        @extend_schema(
            summary=f"One of the {name.lower()}",
            description="Writes one access-log row.",
            responses=serializer_class,
        )
        def get(self, request, pk):
            return Response(serializer_class(getter(request=request, **{arg: pk})).data)

    ListApi.__name__ = ListApi.__qualname__ = f"{serializer_class.__name__}ListApi"
    DetailApi.__name__ = DetailApi.__qualname__ = f"{serializer_class.__name__}DetailApi"
    return ListApi, DetailApi


StrategyListApi, StrategyDetailApi = _list_view(
    "Strategy discussions",
    StrategyDiscussionSerializer,
    strategy_discussions_visible_to,
    ["attendees", "information"],
    strategy_get_for_user,
    "discussion_id",
    "strategy-discussion",
)
EnquiryListApi, EnquiryDetailApi = _list_view(
    "Section 47 enquiries",
    Section47Serializer,
    enquiries_visible_to,
    ["initial_conference"],
    enquiry_get_for_user,
    "enquiry_id",
    "section-47",
)
ConferenceListApi, ConferenceDetailApi = _list_view(
    "Conferences",
    ConferenceSerializer,
    conferences_visible_to,
    [],
    conference_get_for_user,
    "conference_id",
    "conference",
)
PlanListApi, PlanDetailApi = _list_view(
    "Child protection plans",
    ProtectionPlanSerializer,
    plans_visible_to,
    ["reviews"],
    plan_get_for_user,
    "plan_id",
    "protection-plan",
)
