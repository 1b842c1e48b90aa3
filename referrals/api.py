"""Consultations API: a whole consultation in one request, the list, one consultation, and a
manager's authorisation. Every write goes through the services, in one transaction, so a
refusal anywhere (consent, Spectrum of Support, routing) leaves nothing behind."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import rules
from accounts.permissions import IsVerifiedStaff
from audit.services import AccessAction, access_log_record_list
from consent.models import Capacity, Purpose
from consent.services import ConsentRuleError, consent_exception_record, consent_record_answer
from familyfirst.pagination import CappedLimitOffsetPagination
from idempotency.services import HEADER as IDEMPOTENCY_HEADER
from idempotency.services import idempotent
from locality.models import Team
from locality.selectors import RoutingInputError
from locality.services import RoutingOverrideInvalid
from people.models import Person
from people.search import likely_duplicates
from people.selectors import people_visible_to
from people.services import person_create
from referrals.models import (
    AuthorisationStatus,
    Consultation,
    ConsultationStatus,
)
from referrals.selectors import (
    consultation_get_for_user,
    consultations_visible_to,
    consultations_with_children,
)
from referrals.serializers import (
    AuthoriseSerializer,
    ConsultationCreateSerializer,
    ConsultationSerializer,
    ConsultationSummarySerializer,
    LikelyDuplicateSerializer,
    NewChildSerializer,
)
from referrals.services import (
    ConsultationError,
    consultation_child_add,
    consultation_child_authorise,
    consultation_child_decide,
    consultation_child_return,
    consultation_draft_save,
    consultation_start,
    consultation_submit,
)
from spectrum.selectors import decision_current_for_person, framework_current
from spectrum.services import SpectrumDecisionError, spectrum_decision_record

SELF_CONSENT = {Capacity.YOUNG_PERSON, Capacity.GILLICK_COMPETENT_CHILD}
# Where a service's field name differs from the name the API takes.
SPECTRUM_FIELDS = {"indicators": "indicator_ids"}
ROUTING_FIELDS = {"postcode": "postcode", "concerns": "concern_kinds", "level": "outcome"}


class TakesConsultations(BasePermission):
    message = "Only Family Connect staff take consultations."

    def has_permission(self, request, view):
        return rules.can_take_consultations(request.user)


class AuthorisesConsultations(BasePermission):
    message = "Only a Family Connect manager can authorise."

    def has_permission(self, request, view):
        return rules.can_authorise_consultations(request.user)


class Refused(Exception):
    """A service refused part of the request; ``errors`` are keyed like the request body.
    ``shown`` are the ids of people the errors name (likely duplicates), to be access-logged
    once the refused transaction has rolled back."""

    def __init__(self, errors: dict, shown=()):
        super().__init__(errors)
        self.errors, self.shown = errors, list(shown)


def _keyed(field: str | None, message: str, fields: dict | None = None) -> dict:
    field = (fields or {}).get(field, field) if field else "non_field_errors"
    return {field: [message]}


def _given_by(*, child, consent: dict):
    if consent["given_by"] is None:
        # A new child has no id the caller could know: they answer for themselves.
        return child if consent["capacity"] in SELF_CONSENT else None
    if consent["given_by"] == child.pk:
        return child
    given_by = Person.objects.filter(pk=consent["given_by"]).first()
    if given_by is None:
        raise Refused({"consent": {"given_by": ["No person with this id was found"]}})
    return given_by


def _child_record(*, consultation, item: dict, user, known: dict, teams: dict, framework):
    """Add one child to the consultation and agree their outcome, through the services."""
    if "id" in item:
        child = known.get(item["id"])
        if child is None:
            raise Refused({"id": ["No child with this id was found"]})
    else:
        details = NewChildSerializer.details(item["new"])
        likely = [] if item["none_of_these"] else likely_duplicates(user=user, details=details)
        if likely:
            raise Refused(
                {
                    "new": {
                        "likely_duplicates": LikelyDuplicateSerializer(likely, many=True).data,
                        "non_field_errors": [
                            "This child may already be on Family Connect. Give the id of the "
                            "right record instead, or set none_of_these to add a new one."
                        ],
                    }
                },
                shown=[match.person.pk for match in likely if match.person],
            )
        try:
            child = person_create(details=details, created_by=user)
        except DjangoValidationError as error:
            raise Refused({"new": error.message_dict}) from error
    link = consultation_child_add(consultation=consultation, child=child, added_by=user)

    if consent := item.get("consent"):
        try:
            consent_record_answer(
                child=child,
                purpose=Purpose.REFERRAL,
                status=consent["answer"],
                recorded_by=user,
                given_by=_given_by(child=child, consent=consent),
                capacity=consent["capacity"],
                method=consent["method"],
                scope=consent["scope"],
                competence_note=consent["competence_note"],
            )
        except ConsentRuleError as error:
            raise Refused({"consent": _keyed(error.field, error.message)}) from error
    if exception := item.get("consent_exception"):
        try:
            consent_exception_record(child=child, decided_by=user, **exception)
        except ConsentRuleError as error:
            raise Refused({"consent_exception": _keyed(error.field, error.message)}) from error

    # The child's current level of need, unless this request records a new one: a referral
    # outcome needs one (consultation_child_decide refuses it otherwise).
    decision = decision_current_for_person(person=child)
    if item.get("indicator_ids"):
        if framework is None:
            raise Refused({"indicator_ids": ["No Spectrum of Support framework is published"]})
        try:
            decision = spectrum_decision_record(
                person=child,
                framework=framework,
                indicator_ids=item["indicator_ids"],
                decided_level=item["decided_level"],
                rationale=item["rationale"],
                decided_by=user,
                supersedes=decision_current_for_person(person=child),
            )
        except SpectrumDecisionError as error:
            raise Refused(_keyed(error.field, error.message, SPECTRUM_FIELDS)) from error

    chosen_team = None
    if item["team"]:
        chosen_team = teams.get(item["team"])
        if chosen_team is None:
            raise Refused({"team": ["No team with this slug was found"]})
    try:
        consultation_child_decide(
            link=link,
            outcome=item["outcome"],
            decided_by=user,
            spectrum_decision=decision,
            services_signposted=item["services_signposted"],
            outcome_rationale=item["outcome_rationale"],
            concerns=item["concern_kinds"],
            severe_disability=item["severe_disability"],
            postcode=item["postcode"],
            chosen_team=chosen_team,
            override_reason=item["override_reason"],
        )
    except ConsultationError as error:
        raise Refused(_keyed(error.field, error.message)) from error
    except RoutingInputError as error:
        raise Refused(_keyed(ROUTING_FIELDS.get(error.field), str(error))) from error
    except RoutingOverrideInvalid as error:
        raise Refused({"override_reason": [str(error)]}) from error


@transaction.atomic
def _consultation_record(*, payload: ConsultationCreateSerializer, user) -> Consultation:
    data = payload.validated_data
    children = data["children"]
    consultation = consultation_start(
        practitioner=user, received_at=data["received_at"], channel=data["channel"]
    )
    consultation = consultation_draft_save(
        consultation=consultation,
        changes=payload.draft_changes(),
        version=consultation.version,
        saved_by=user,
    )
    known = people_visible_to(user=user).in_bulk([c["id"] for c in children if "id" in c])
    teams = Team.objects.in_bulk([c["team"] for c in children if c["team"]], field_name="slug")
    framework = framework_current() if any(c.get("indicator_ids") for c in children) else None
    for index, item in enumerate(children):
        try:
            _child_record(
                consultation=consultation,
                item=item,
                user=user,
                known=known,
                teams=teams,
                framework=framework,
            )
        except Refused as refused:
            # Keyed by the child's position, as DRF keys a list's field errors.
            raise Refused(
                {"children": {str(index): refused.errors}}, shown=refused.shown
            ) from refused
    try:
        return consultation_submit(consultation=consultation, submitted_by=user)
    except ConsultationError as error:
        raise Refused(_keyed(error.field, error.message)) from error


def _listed(*, user, status: str = ""):
    consultations = (
        consultations_visible_to(user=user)
        .select_related("practitioner")
        .annotate(
            children_count=Count("children"),
            awaiting_authorisation_count=Count(
                "children", filter=Q(children__authorisation=AuthorisationStatus.AWAITING)
            ),
        )
        .order_by("decision_due_at", "reference")
    )
    return consultations.filter(status=status) if status else consultations


_FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=(
        "Field errors keyed like the request body, e.g. "
        '`{"children": {"1": {"outcome": ["Consent is needed from a person with parental '
        'responsibility."]}}}` for the second child. Nothing is saved.'
    ),
)
_EXAMPLE = {
    "caller": {
        "name": "Priya Shah",
        "role": "Designated safeguarding lead",
        "agency_type": "SCHOOL",
        "organisation": "Bilton Junior School",
        "phone": "01788 000000",
        "relationship": "Mia's school",
    },
    "channel": "TELEPHONE",
    "purpose": "REFERRAL",
    "concerns": "Mia has come to school hungry most days this term.",
    "child_location_now": "At school",
    "safe_now": "YES",
    "family_knows": "Mum knows the school is calling",
    "strengths": "Mum engages well with school",
    "children": [
        {
            "id": "7d1c8a52-3f1e-4c1b-9d8e-2b0c6b7b2a10",
            "consent": {
                "answer": "GIVEN",
                "given_by": "0b5f3f0e-4d5c-4a7e-8f5e-9c1b2a3d4e5f",
                "capacity": "PARENTAL_RESPONSIBILITY",
                "method": "VERBAL",
            },
            "indicator_ids": [12, 40],
            "decided_level": "EARLY_SUPPORT",
            "outcome": "EARLY_SUPPORT_REFERRAL",
            "outcome_rationale": "Needs met by Early Support with the family's agreement",
        },
        {
            "new": {
                "given_name": "Noah",
                "family_name": "Dawson",
                "date_of_birth": "2023-05-01",
                "postcode": "CV21 2AA",
            },
            "outcome": "ADVICE",
            "services_signposted": "Family Information Service",
        },
    ],
}


def _consultation_replay(view, request, consultation_id):
    consultation = consultation_get_for_user(
        request=request, consultation_id=consultation_id, reason="repeated request"
    )
    return Response(ConsultationSerializer(consultation).data)


_IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "Any unique string (a UUID) for this request. Sent again with the same body, the first "
        "result is returned and nothing is made twice; with another body, 422."
    ),
)


class ConsultationListCreateApi(APIView):
    permission_classes = [IsVerifiedStaff, TakesConsultations]

    @extend_schema(
        summary="List consultations",
        description=(
            "Soonest decision due first. References, clocks and counts only: no child's or "
            "caller's details, so listing writes no access-log rows."
        ),
        parameters=[
            OpenApiParameter("status", str, enum=ConsultationStatus.values),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={
            200: ConsultationSummarySerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Unknown status"),
        },
    )
    def get(self, request):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in ConsultationStatus.values:
            raise ValidationError(
                {"status": [f"Choose one of {', '.join(ConsultationStatus.values)}"]}
            )
        consultations = _listed(user=request.user, status=wanted)
        paginator = CappedLimitOffsetPagination()
        page = paginator.paginate_queryset(consultations, request, view=self)
        return paginator.get_paginated_response(ConsultationSummarySerializer(page, many=True).data)

    @extend_schema(
        summary="Record a whole consultation",
        description=(
            "The caller, what was said, and for each child (an existing person's `id`, or a "
            "`new` child) the consent answer, Spectrum of Support indicators and level, and the "
            "outcome. Outcomes that open a referral pass the consent gate and are routed to a "
            "team (give `team` and `override_reason` to send it elsewhere). The consultation is "
            "submitted: referrals, and any outcome of a call made as a referral, then wait for a "
            "Family Connect manager to authorise them. All or nothing: any refusal is a 400 and "
            "nothing is saved. A `new` child who looks like someone already recorded is refused "
            "with the `likely_duplicates`: give that record's `id`, or set `none_of_these`."
        ),
        request=ConsultationCreateSerializer,
        parameters=[_IDEMPOTENCY_PARAMETER],
        responses={
            201: ConsultationSerializer,
            400: _FIELD_ERRORS,
            422: OpenApiResponse(description="The Idempotency-Key was used for another request"),
        },
        examples=[
            OpenApiExample(
                "A school's referral for two children", value=_EXAMPLE, request_only=True
            )
        ],
    )
    @idempotent(record_id=lambda response: response.data["id"], replay=_consultation_replay)
    def post(self, request):
        payload = ConsultationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            consultation = _consultation_record(payload=payload, user=request.user)
        except Refused as refused:
            if refused.shown:
                access_log_record_list(
                    request=request,
                    action=AccessAction.SEARCH,
                    record_type="person-duplicate-check",
                    person_ids=refused.shown,
                    reason="likely duplicates of a new child in a consultation",
                )
            return Response(refused.errors, status=status.HTTP_400_BAD_REQUEST)
        consultation = consultation_get_for_user(
            request=request, consultation_id=consultation.pk, reason="consultation recorded"
        )
        return Response(ConsultationSerializer(consultation).data, status=status.HTTP_201_CREATED)


class ConsultationDetailApi(APIView):
    @extend_schema(
        summary="One consultation",
        description="Writes one access-log row for each child it names.",
        responses=ConsultationSerializer,
    )
    def get(self, request, consultation_id):
        consultation = consultation_get_for_user(request=request, consultation_id=consultation_id)
        return Response(ConsultationSerializer(consultation).data)


class ConsultationAuthoriseApi(APIView):
    permission_classes = [IsVerifiedStaff, AuthorisesConsultations]

    @extend_schema(
        summary="Authorise or return outcomes",
        description=(
            "A Family Connect manager authorises the outcomes waiting for them (all of them, or "
            "the child entries named), or returns them to the practitioner with a note. An "
            "authorised referral opens a case in the receiving team's queue. Nobody authorises "
            "their own decision: that, like any refusal, is a 400 and nothing changes."
        ),
        request=AuthoriseSerializer,
        responses={200: ConsultationSerializer, 400: _FIELD_ERRORS},
        examples=[
            OpenApiExample(
                "Authorise everything waiting",
                value={"decision": "AUTHORISE", "note": "Agreed"},
                request_only=True,
            )
        ],
    )
    def post(self, request, consultation_id):
        payload = AuthoriseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        consultation = consultation_get_for_user(
            request=request, consultation_id=consultation_id, reason="authorisation"
        )
        links = {link.pk: link for link in consultation.children.all()}
        wanted = data.get("children") or [
            pk for pk, link in links.items() if link.authorisation == AuthorisationStatus.AWAITING
        ]
        unknown = [str(pk) for pk in wanted if pk not in links]
        if unknown:
            raise ValidationError({"children": [f"Not a child in this consultation: {unknown[0]}"]})
        if not wanted:
            raise ValidationError({"children": ["Nothing in this consultation is waiting"]})
        try:
            with transaction.atomic():
                for pk in wanted:
                    if data["decision"] == "AUTHORISE":
                        consultation_child_authorise(
                            link=links[pk], manager=request.user, note=data["note"]
                        )
                    else:
                        consultation_child_return(
                            link=links[pk], manager=request.user, note=data["note"]
                        )
        except ConsultationError as error:
            errors = (
                {"note": [error.message]}
                if error.field == "note"
                else {"children": {str(pk): [error.message]}}
            )
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        consultation = consultations_with_children(user=request.user).get(pk=consultation.pk)
        return Response(ConsultationSerializer(consultation).data)
