"""Cases API: the caller's cases, one case, and the team's decisions on it (docs/cases.md).

Every read goes through ``cases.selectors`` (scoped to the caller's teams, one access-log row
per child shown); every change goes through ``cases.services``, whose refusal is a 400 naming the
field, with nothing changed.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.models import User
from accounts.permissions import IsVerifiedStaff
from audit.services import access_log_record_list
from cases.models import OPEN_STATUSES, CaseStatus
from cases.selectors import (
    CASE_RELATIONS,
    case_get_for_user,
    cases_visible_to,
    team_is_managed_by,
)
from cases.serializers import (
    AllocateSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CloseSerializer,
    IntakeSerializer,
    TransferSerializer,
)
from cases.services import (
    CaseError,
    case_accept,
    case_allocate,
    case_close,
    case_send_back,
    case_transfer,
)
from locality.models import Team

MAX_PAGE = 100


class WorksCases(BasePermission):
    message = "Only members of a team that holds cases can use the cases API."

    def has_permission(self, request, view):
        return rules.can_work_cases(request.user)


class CasePagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_PAGE


def _refused(error: CaseError) -> Response:
    return Response(
        {error.field or "non_field_errors": [error.message]}, status=status.HTTP_400_BAD_REQUEST
    )


class CaseListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="The caller's teams' cases",
        description=(
            "Open cases in the caller's teams (and closed ones for the retention period), most "
            f"urgent and soonest due first, {MAX_PAGE} at most a page. Writes one access-log row "
            "per child listed."
        ),
        parameters=[
            OpenApiParameter("status", str, enum=CaseStatus.values, description="One status"),
            OpenApiParameter("team", str, description="A team's slug"),
            OpenApiParameter("mine", bool, description="Only cases allocated to the caller"),
        ],
        responses=CaseSerializer(many=True),
    )
    def get(self, request):
        cases = cases_visible_to(user=request.user).select_related(*CASE_RELATIONS)
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in CaseStatus.values:
            raise ValidationError({"status": [f"Choose one of {', '.join(CaseStatus.values)}"]})
        cases = cases.filter(status=wanted) if wanted else cases.filter(status__in=OPEN_STATUSES)
        if request.query_params.get("team"):
            cases = cases.filter(team__slug=request.query_params["team"])
        if request.query_params.get("mine") in ("true", "1"):
            cases = cases.filter(allocated_to=request.user)
        cases = cases.order_by("-urgent", "assessment_due_date", "pk")
        paginator = CasePagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        access_log_record_list(
            request=request, record_type="case-list", person_ids=[case.child_id for case in page]
        )
        return paginator.get_paginated_response(CaseSerializer(page, many=True).data)


def _with_history(case):
    """The case again with its allocations and chronology, for the response. Not logged again:
    the request that read or changed it has logged the read."""
    return (
        type(case)
        .objects.select_related(*CASE_RELATIONS)
        .prefetch_related("allocations__worker", "allocations__allocated_by", "events__by")
        .get(pk=case.pk)
    )


def _case_detail(request, case_id):
    return _with_history(case_get_for_user(request=request, case_id=case_id))


class CaseDetailApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="One case",
        description="With its allocation history and chronology. Writes one access-log row.",
        responses=CaseDetailSerializer,
    )
    def get(self, request, case_id):
        return Response(CaseDetailSerializer(_case_detail(request, case_id)).data)


class _CaseAction(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]
    payload_class = None

    def act(self, *, request, case, data):  # pragma: no cover - each action defines it
        raise NotImplementedError

    def case_for(self, request, case_id):
        """The case, or a 404 for someone outside its team; a 403 for a team member who is not
        its manager where only managers decide. Checked before the request body is read."""
        case = case_get_for_user(request=request, case_id=case_id, reason=self.reason)
        if self.managers_only and not team_is_managed_by(team=case.team, user=request.user):
            raise PermissionDenied(f"Only a manager of {case.team} can do this.")
        return case

    managers_only = True

    def post(self, request, case_id):
        case = self.case_for(request, case_id)
        payload = self.payload_class(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            case = self.act(request=request, case=case, data=payload.validated_data)
        except CaseError as error:
            return _refused(error)
        return Response(CaseDetailSerializer(_with_history(case)).data)


class CaseIntakeApi(_CaseAction):
    payload_class = IntakeSerializer
    reason = "intake decision"

    @extend_schema(
        summary="Accept a new case, or send it back to Family Connect",
        description="A manager of the receiving team. Sending back needs a `reason`.",
        request=IntakeSerializer,
        responses={200: CaseDetailSerializer},
    )
    def post(self, request, case_id):
        return super().post(request, case_id)

    def act(self, *, request, case, data):
        if data["decision"] == "ACCEPT":
            return case_accept(case=case, manager=request.user)
        return case_send_back(case=case, manager=request.user, reason=data["reason"])


class CaseAllocateApi(_CaseAction):
    payload_class = AllocateSerializer
    reason = "allocation"

    @extend_schema(
        summary="Allocate or re-allocate a case",
        description=(
            "A manager of the case's team allocates it to a case-holding member of the team. A "
            "child protection case needs a registered social worker."
        ),
        request=AllocateSerializer,
        responses={200: CaseDetailSerializer},
    )
    def post(self, request, case_id):
        return super().post(request, case_id)

    def act(self, *, request, case, data):
        worker = User.objects.filter(pk=data["worker"], is_active=True).first()
        if worker is None:
            raise CaseError("No such worker", field="worker")
        return case_allocate(case=case, worker=worker, manager=request.user, reason=data["reason"])


class CaseTransferApi(_CaseAction):
    payload_class = TransferSerializer
    reason = "transfer"
    managers_only = False  # any member of the case's team (the service checks)

    @extend_schema(
        summary="Transfer a case to another team",
        description=(
            "Locality move, step up to Family Help or the MACPT, step down to Early Support. "
            "Returns the new case, waiting in the receiving team's incoming queue; the caller "
            "may no longer see it once it has gone."
        ),
        request=TransferSerializer,
        responses={200: CaseSerializer},
    )
    def post(self, request, case_id):
        case = self.case_for(request, case_id)
        payload = TransferSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        team = Team.objects.filter(slug=data["to_team"]).first()
        if team is None:
            return _refused(CaseError("No such team", field="to_team"))
        try:
            new_case = case_transfer(
                case=case, to_team=team, reason=data["reason"], note=data["note"], by=request.user
            )
        except CaseError as error:
            return _refused(error)
        return Response(CaseSerializer(new_case).data)


class CaseCloseApi(_CaseAction):
    payload_class = CloseSerializer
    reason = "closure"

    @extend_schema(
        summary="Close a case",
        description="A manager of the case's team, with a CIN census reason (RC1 to RC9).",
        request=CloseSerializer,
        responses={200: CaseDetailSerializer},
    )
    def post(self, request, case_id):
        return super().post(request, case_id)

    def act(self, *, request, case, data):
        return case_close(case=case, manager=request.user, reason=data["reason"], note=data["note"])
