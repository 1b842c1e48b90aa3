"""Plans API: plans, their actions and reviews, Family Network referrals and flags
(docs/plans.md). Reads go through ``plans.selectors`` (one access-log row per child shown);
changes through ``plans.services``, whose refusal is a 400 naming the field, nothing changed."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.models import User
from accounts.permissions import IsVerifiedStaff
from audit.services import access_log_record_list
from cases.api import WorksCases
from cases.selectors import case_get_for_user, team_ids_of
from locality.models import Team
from people.selectors import person_get_for_user
from plans import selectors
from plans.models import Action, PartnerAgency, PlanStatus
from plans.serializers import (
    ActionInputSerializer,
    ActionSerializer,
    ActionStatusInputSerializer,
    AgencySerializer,
    FlagInputSerializer,
    FlagSerializer,
    NetworkReferralInputSerializer,
    NetworkReferralSerializer,
    PlanDetailSerializer,
    PlanSerializer,
    PlanStartSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
)
from plans.services import (
    OutcomeInput,
    PlanError,
    ScoreInput,
    flag_set,
    network_referral_make,
    plan_action_add,
    plan_action_status_set,
    plan_review_record,
    plan_start,
)


class WorksCasesOrCoordinates(BasePermission):
    message = "Only case workers and Family Network co-ordinators can use this."

    def has_permission(self, request, view):
        return rules.can_work_cases(request.user) or rules.can_coordinate_family_network(
            request.user
        )


class SetsFlags(BasePermission):
    message = "Only front-door and case workers can read and set flags here."

    def has_permission(self, request, view):
        return rules.can_set_flags(request.user)


class PlansPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 100


def _refused(error: PlanError) -> Response:
    return Response(
        {error.field or "non_field_errors": [error.message]}, status=status.HTTP_400_BAD_REQUEST
    )


def _logged_page(request, view, records, record_type: str, serializer):
    """One page of records about children, with one access-log row per child listed."""
    paginator = PlansPagination()
    page = paginator.paginate_queryset(records, request, view=view)
    access_log_record_list(
        request=request, record_type=record_type, person_ids=[r.child_id for r in page]
    )
    return paginator.get_paginated_response(serializer(page, many=True).data)


def _writable_plan(request, plan_id):
    plan = selectors.plan_get_for_user(request=request, plan_id=plan_id)
    if plan.case.team_id not in team_ids_of(user=request.user):
        raise PermissionDenied(f"Only members of {plan.case.team} can change this plan.")
    return plan


def _detail(plan):
    return (
        type(plan)
        .objects.select_related("child", "case__team")
        .prefetch_related(
            "outcomes__actions__worker",
            "outcomes__actions__agency",
            "outcomes__actions__family_member",
            "reviews__scores",
        )
        .get(pk=plan.pk)
    )


class PlanListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="Plans on the caller's teams' cases",
        description="Active plans, soonest review first. One access-log row per child listed.",
        responses=PlanSerializer(many=True),
    )
    def get(self, request):
        plans = (
            selectors.plans_visible_to(user=request.user)
            .filter(status=PlanStatus.ACTIVE)
            .select_related("child", "case__team")
            .order_by("next_review_date", "pk")
        )
        return _logged_page(request, self, plans, "plan-list", PlanSerializer)


class PlanStartApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="Start the plan on a case",
        description="A member of the case's team, with the first outcomes.",
        request=PlanStartSerializer,
        responses={201: PlanDetailSerializer},
    )
    def post(self, request, case_id):
        case = case_get_for_user(request=request, case_id=case_id, reason="plan start")
        payload = PlanStartSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            plan = plan_start(
                case=case,
                by=request.user,
                outcomes=[OutcomeInput(**o) for o in payload.validated_data["outcomes"]],
            )
        except PlanError as error:
            return _refused(error)
        return Response(PlanDetailSerializer(_detail(plan)).data, status=status.HTTP_201_CREATED)


class PlanDetailApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="One plan",
        description="With its outcomes, actions and reviews. Writes one access-log row.",
        responses=PlanDetailSerializer,
    )
    def get(self, request, plan_id):
        plan = selectors.plan_get_for_user(request=request, plan_id=plan_id)
        return Response(PlanDetailSerializer(_detail(plan)).data)


class ActionListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(summary="A plan's actions", responses=ActionSerializer(many=True))
    def get(self, request, plan_id):
        plan = selectors.plan_get_for_user(request=request, plan_id=plan_id)
        actions = Action.objects.filter(outcome__plan=plan).select_related(
            "worker", "agency", "family_member"
        )
        return Response(ActionSerializer(actions, many=True).data)

    @extend_schema(
        summary="Add an action to a plan",
        description=(
            "`owner` WORKER needs `worker` (a user id), AGENCY needs `agency` and "
            "`agency_contact`, FAMILY needs `family_member` (a person id)."
        ),
        request=ActionInputSerializer,
        responses={201: ActionSerializer},
    )
    def post(self, request, plan_id):
        plan = _writable_plan(request, plan_id)
        payload = ActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        outcome = selectors.outcome_of(plan=plan, outcome_id=data["outcome"])
        if outcome is None:
            return _refused(PlanError("No such outcome on this plan", field="outcome"))
        family = selectors.family_of(user=request.user, child=plan.child)
        try:
            action = plan_action_add(
                outcome=outcome,
                by=request.user,
                what=data["what"],
                owner=data["owner"],
                due_date=data["due_date"],
                worker=User.objects.filter(pk=data.get("worker"), is_active=True).first()
                if data.get("worker")
                else None,
                agency=PartnerAgency.objects.filter(pk=data.get("agency")).first()
                if data.get("agency")
                else None,
                agency_contact=data["agency_contact"],
                family_member=family.filter(pk=data.get("family_member")).first()
                if data.get("family_member")
                else None,
            )
        except PlanError as error:
            return _refused(error)
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


class ActionStatusApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(
        summary="Change an action's status",
        description="Not started, in progress, done, or stopped (with `stopped_reason`).",
        request=ActionStatusInputSerializer,
        responses={200: ActionSerializer},
    )
    def post(self, request, plan_id, action_id):
        plan = _writable_plan(request, plan_id)
        action = selectors.action_of(plan=plan, action_id=action_id)
        if action is None:
            raise Http404("No action found")
        payload = ActionStatusInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            action = plan_action_status_set(
                action=action, by=request.user, **payload.validated_data
            )
        except PlanError as error:
            return _refused(error)
        return Response(ActionSerializer(action).data)


class ReviewListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(summary="A plan's reviews", responses=ReviewSerializer(many=True))
    def get(self, request, plan_id):
        plan = selectors.plan_get_for_user(request=request, plan_id=plan_id)
        return Response(ReviewSerializer(plan.reviews.prefetch_related("scores"), many=True).data)

    @extend_schema(
        summary="Record a review and its decision",
        description=(
            "Scores 0 to 10 from the family and the worker for every outcome. A step up or "
            "down needs `to_team` (a team's slug) and moves the case through the cases "
            "transfer; closing needs the team manager and a `closure_reason`."
        ),
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer},
    )
    def post(self, request, plan_id):
        plan = _writable_plan(request, plan_id)
        payload = ReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        team = Team.objects.filter(slug=data["to_team"]).first() if data["to_team"] else None
        try:
            review = plan_review_record(
                plan=plan,
                by=request.user,
                held_on=data["held_on"],
                attendees=data["attendees"],
                scores=[
                    ScoreInput(s["outcome"], s["family_score"], s["worker_score"])
                    for s in data["scores"]
                ],
                decision=data["decision"],
                changes=data["changes"],
                decision_note=data["decision_note"],
                signposting=data["signposting"],
                to_team=team,
                closure_reason=data["closure_reason"],
            )
        except PlanError as error:
            return _refused(error)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class NetworkReferralListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCasesOrCoordinates]

    @extend_schema(
        summary="Family Network referrals",
        description=(
            "Co-ordinators: every referral. Case workers: those on their teams' cases. One "
            "access-log row per child listed."
        ),
        responses=NetworkReferralSerializer(many=True),
    )
    def get(self, request):
        referrals = (
            selectors.network_referrals_visible_to(user=request.user)
            .select_related("child")
            .order_by("referred_at", "pk")
        )
        return _logged_page(
            request, self, referrals, "family-network-list", NetworkReferralSerializer
        )

    @extend_schema(
        summary="Refer a case's family for a Family Network Meeting",
        description="A member of the case's team; a person with parental responsibility must have consented.",
        request=NetworkReferralInputSerializer,
        responses={201: NetworkReferralSerializer},
    )
    def post(self, request):
        if not rules.can_refer_to_family_network(request.user):
            raise PermissionDenied("Only case workers can refer.")
        payload = NetworkReferralInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        case = case_get_for_user(
            request=request, case_id=data["case"], reason="Family Network referral"
        )
        try:
            referral = network_referral_make(
                case=case, by=request.user, reason=data["reason"], family_hopes=data["family_hopes"]
            )
        except PlanError as error:
            return _refused(error)
        return Response(NetworkReferralSerializer(referral).data, status=status.HTTP_201_CREATED)


class NetworkReferralDetailApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCasesOrCoordinates]

    @extend_schema(summary="One Family Network referral", responses=NetworkReferralSerializer)
    def get(self, request, referral_id):
        referral = selectors.network_referral_get_for_user(request=request, referral_id=referral_id)
        return Response(NetworkReferralSerializer(referral).data)


class FlagListApi(APIView):
    permission_classes = [IsVerifiedStaff, SetsFlags]

    @extend_schema(summary="A person's flags", responses=FlagSerializer(many=True))
    def get(self, request, person_id):
        person = person_get_for_user(request=request, person_id=person_id)
        return Response(FlagSerializer(selectors.flags_for(person=person), many=True).data)

    @extend_schema(
        summary="Set a flag",
        description=(
            "Young carer (optionally with the date referred for a young carer's assessment), "
            "kinship care (with `kinship_arrangement`), private fostering (with "
            "`notification_date`: the visit is due 7 working days later)."
        ),
        request=FlagInputSerializer,
        responses={201: FlagSerializer},
    )
    def post(self, request, person_id):
        person = person_get_for_user(request=request, person_id=person_id, reason="flag set")
        payload = FlagInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            flag = flag_set(person=person, by=request.user, **payload.validated_data)
        except PlanError as error:
            return _refused(error)
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class AgencyListApi(APIView):
    permission_classes = [IsVerifiedStaff, WorksCases]

    @extend_schema(summary="Partner agencies", responses=AgencySerializer(many=True))
    def get(self, request):
        paginator = PlansPagination()
        page = paginator.paginate_queryset(
            PartnerAgency.objects.order_by("name"), request, view=self
        )
        return paginator.get_paginated_response(AgencySerializer(page, many=True).data)
