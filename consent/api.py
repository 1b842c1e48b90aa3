from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from audit.access import record_get_for_user
from consent.models import (
    Capacity,
    ConsentException,
    ConsentRecord,
    ConsentStatus,
    ExceptionReason,
    FamilyTold,
    Method,
    Purpose,
)
from consent.selectors import consent_check, consent_exceptions_for_child, consent_records_for_child
from consent.services import ConsentRuleError, consent_exception_record, consent_record_answer
from idempotency.services import idempotent
from people.selectors import people_visible_to


def _child_for(request, child_id):
    return record_get_for_user(
        request=request,
        visible=people_visible_to(user=request.user),
        pk=child_id,
        record_type="person",
        person_id_of=lambda person: person.pk,
    )


def _replay(model, serializer):
    """Answer a repeated create (Idempotency-Key) with the record the first one made, read again
    through the child's access check, which logs it."""

    def replay(view, request, record_id):
        record = model.objects.get(pk=record_id)
        _child_for(request, record.child_id)
        return Response(serializer(record).data)

    return replay


def _created_id(response):
    return str(response.data["id"])


def _raise_rule(error: ConsentRuleError):
    raise ValidationError({error.field or "non_field_errors": [error.message]})


class ConsentRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "child",
            "purpose",
            "scope",
            "status",
            "given_by",
            "capacity",
            "competence_note",
            "method",
            "answered_at",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]
        read_only_fields = [
            "id",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",
            "withdrawal_reason",
            "answered_at",
        ]


class ConsentRecordCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    purpose = serializers.ChoiceField(
        [p for p in Purpose.values if p != Purpose.IMMEDIATE_PROTECTION]
    )
    status = serializers.ChoiceField(
        [s for s in ConsentStatus.values if s != ConsentStatus.WITHDRAWN]
    )
    given_by = serializers.UUIDField(required=False, allow_null=True)
    capacity = serializers.ChoiceField(
        Capacity.values, required=False, allow_blank=True, default=""
    )
    method = serializers.ChoiceField(Method.values, required=False, allow_blank=True, default="")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    competence_note = serializers.CharField(required=False, allow_blank=True, default="")


class ConsentExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentException
        fields = [
            "id",
            "child",
            "purpose",
            "reason",
            "rationale",
            "decided_by",
            "decided_at",
            "approved_by",
            "approved_at",
            "family_told",
            "family_told_date",
            "not_told_reason",
        ]
        read_only_fields = ["id", "decided_by", "decided_at", "approved_by", "approved_at"]


class ConsentExceptionCreateSerializer(serializers.Serializer):
    child = serializers.UUIDField()
    purpose = serializers.ChoiceField(
        [p for p in Purpose.values if p != Purpose.FAMILY_NETWORK_MEETING]
    )
    reason = serializers.ChoiceField(ExceptionReason.values)
    rationale = serializers.CharField()
    family_told = serializers.ChoiceField(FamilyTold.choices)
    family_told_date = serializers.DateField(required=False, allow_null=True, default=None)
    not_told_reason = serializers.CharField(required=False, allow_blank=True, default="")


_child_param = OpenApiParameter(
    "child", str, required=True, description="The child's person id (UUID)"
)


class ConsentRecordListCreate(APIView):
    @extend_schema(parameters=[_child_param], responses=ConsentRecordSerializer(many=True))
    def get(self, request):
        child = _child_for(request, request.query_params.get("child"))
        return Response(
            ConsentRecordSerializer(consent_records_for_child(child=child), many=True).data
        )

    @extend_schema(request=ConsentRecordCreateSerializer, responses={201: ConsentRecordSerializer})
    @idempotent(record_id=_created_id, replay=_replay(ConsentRecord, ConsentRecordSerializer))
    def post(self, request):
        if not rules.can_record_consent(request.user):
            raise PermissionDenied
        payload = ConsentRecordCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        child = _child_for(request, data["child"])
        given_by = (
            people_visible_to(user=request.user).filter(pk=data.get("given_by")).first()
            if data.get("given_by")
            else None
        )
        try:
            record = consent_record_answer(
                child=child,
                purpose=data["purpose"],
                status=data["status"],
                recorded_by=request.user,
                given_by=given_by,
                capacity=data["capacity"],
                method=data["method"],
                scope=data["scope"],
                competence_note=data["competence_note"],
            )
        except ConsentRuleError as error:
            _raise_rule(error)
        return Response(ConsentRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ConsentExceptionListCreate(APIView):
    @extend_schema(parameters=[_child_param], responses=ConsentExceptionSerializer(many=True))
    def get(self, request):
        child = _child_for(request, request.query_params.get("child"))
        return Response(
            ConsentExceptionSerializer(consent_exceptions_for_child(child=child), many=True).data
        )

    @extend_schema(
        request=ConsentExceptionCreateSerializer, responses={201: ConsentExceptionSerializer}
    )
    @idempotent(record_id=_created_id, replay=_replay(ConsentException, ConsentExceptionSerializer))
    def post(self, request):
        if not rules.can_record_consent(request.user):
            raise PermissionDenied
        payload = ConsentExceptionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        child = _child_for(request, data.pop("child"))
        try:
            exception = consent_exception_record(child=child, decided_by=request.user, **data)
        except ConsentRuleError as error:
            _raise_rule(error)
        return Response(ConsentExceptionSerializer(exception).data, status=status.HTTP_201_CREATED)


class ConsentCheck(APIView):
    @extend_schema(
        parameters=[
            _child_param,
            OpenApiParameter("purpose", str, required=True, enum=Purpose.values),
        ],
        responses=inline_serializer(
            "ConsentCheck",
            {"allowed": serializers.BooleanField(), "reason": serializers.CharField()},
        ),
    )
    def get(self, request):
        purpose = request.query_params.get("purpose")
        if purpose not in Purpose.values:
            raise ValidationError({"purpose": [f"Choose one of {', '.join(Purpose.values)}"]})
        child = _child_for(request, request.query_params.get("child"))
        result = consent_check(child=child, purpose=purpose, user=request.user)
        return Response({"allowed": result.allowed, "reason": result.reason})
