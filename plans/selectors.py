"""Who sees which plans and Family Network referrals, and the lists they work from
(docs/plans.md, "Who sees what").

A plan is seen by whoever sees its case (``cases.selectors.cases_visible_to``: the case's team,
the allocated worker, the restriction rule applied). A Family Network referral is seen by the
case's team and by the Family Network co-ordinators, who see no other part of the case. Every
read that shows a child writes one access-log row per child shown.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from accounts import rules
from audit.access import record_get_for_user
from cases.models import OPEN_STATUSES
from cases.selectors import cases_visible_to, team_ids_of
from people.models import FlagKind, PersonFlag
from people.restriction import people_hidden_from
from plans.models import (
    Action,
    ActionStatus,
    FamilyNetworkReferral,
    NetworkReferralStatus,
    Outcome,
    PartnerAgency,
    Plan,
    PlanStatus,
    Review,
    ReviewScore,
)

PLANS_PAGE_SIZE = 50
SETTABLE_FLAGS = [FlagKind.YOUNG_CARER, FlagKind.KINSHIP_CARE, FlagKind.PRIVATE_FOSTERING]


@dataclass(frozen=True)
class AssessmentPlanItem:
    pk: int
    title: str
    family_words: str
    need: str = ""


@dataclass(frozen=True)
class AssessmentPlan:
    """The Plan part of the case's signed-off Pathway to Change assessment, to start the plan
    from: empty while the case has none."""

    assessment_id: object = None
    items: tuple = ()


def assessment_plan_for(*, case) -> AssessmentPlan:
    """The latest signed-off assessment on the case (or on the cases before it in this line of
    work), through ``pathway.selectors.assessment_plan_items``: each Plan item's outcome becomes
    a plan outcome, its need the hint beside it, linked back by the item's id."""
    from pathway.models import Assessment, VersionStatus
    from pathway.selectors import assessment_plan_items

    case_ids = [case.pk]
    if case.previous_case_id:
        case_ids.append(case.previous_case_id)
    assessment = (
        Assessment.objects.filter(case_id__in=case_ids, versions__status=VersionStatus.SIGNED_OFF)
        .order_by("-started_at")
        .first()
    )
    if assessment is None:
        return AssessmentPlan()
    items = tuple(
        AssessmentPlanItem(pk=item.pk, title=item.outcome[:300], family_words="", need=item.need)
        for item in assessment_plan_items(assessment=assessment)
    )
    return AssessmentPlan(assessment_id=assessment.pk, items=items)


def plans_visible_to(*, user):
    if not rules.can_work_cases(user):
        return Plan.objects.none()
    return Plan.objects.filter(case__in=cases_visible_to(user=user))


def plan_get_for_user(*, request, plan_id, reason: str = "") -> Plan:
    return record_get_for_user(
        request=request,
        visible=plans_visible_to(user=request.user).select_related(
            "child", "case__team", "case__allocated_to", "family_agreed_by", "created_by"
        ),
        pk=plan_id,
        record_type="plan",
        person_id_of=lambda plan: plan.child_id,
        reason=reason,
    )


def plan_can_write(*, user, plan: Plan) -> bool:
    """Members of the case's team write on an active plan while its case is open."""
    return (
        rules.can_work_cases(user)
        and plan.is_active
        and plan.case.status in OPEN_STATUSES
        and plan.case.team_id in team_ids_of(user=user)
    )


def plan_detail(*, plan: Plan) -> dict:
    """Outcomes with their actions, reviews with their scores, and the sendings: four queries."""
    actions = Action.objects.select_related("worker", "agency", "family_member")
    outcomes = list(plan.outcomes.prefetch_related(Prefetch("actions", queryset=actions)))
    reviews = list(
        plan.reviews.select_related("recorded_by").prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("outcome"))
        )
    )
    return {
        "outcomes": outcomes,
        "reviews": reviews,
        "sendings": list(plan.sendings.select_related("agency", "requested_by")),
        "agencies_with_actions": agencies_with_actions(outcomes=outcomes),
    }


def agencies_with_actions(*, outcomes) -> list[PartnerAgency]:
    seen = {}
    for outcome in outcomes:
        for action in outcome.actions.all():
            if action.agency_id and action.agency_id not in seen:
                seen[action.agency_id] = action.agency
    return sorted(seen.values(), key=lambda agency: agency.name)


def plan_for_case(*, case):
    """The active plan on the case, for the case page's plan section (one query)."""
    return (
        Plan.objects.filter(case=case, status=PlanStatus.ACTIVE)
        .annotate(n_outcomes=Count("outcomes", distinct=True))
        .first()
    )


def plans_caseload(*, user, page_number=None, per_page: int = PLANS_PAGE_SIZE) -> Page:
    """The active plans on the user's teams' cases, soonest review first, with how many
    outcomes and open actions each has: three queries a page, whatever its size."""
    plans = (
        plans_visible_to(user=user)
        .filter(status=PlanStatus.ACTIVE, case__status__in=OPEN_STATUSES)
        .select_related("child", "case__team", "case__allocated_to")
        .annotate(
            n_outcomes=Subquery(
                Outcome.objects.filter(plan=OuterRef("pk"))
                .order_by()
                .values("plan")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            n_open_actions=Subquery(
                Action.objects.filter(
                    outcome__plan=OuterRef("pk"),
                    status__in=[ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS],
                )
                .order_by()
                .values("outcome__plan")
                .annotate(n=Count("pk"))
                .values("n")
            ),
        )
        .order_by("next_review_date", "pk")
    )
    page = Paginator(plans, per_page).get_page(page_number)
    today = timezone.localdate()
    for plan in page.object_list:
        plan.review_overdue = plan.next_review_date < today
        plan.n_outcomes, plan.n_open_actions = plan.n_outcomes or 0, plan.n_open_actions or 0
    return page


def outcome_of(*, plan: Plan, outcome_id) -> Outcome | None:
    return plan.outcomes.filter(pk=outcome_id).first()


def action_of(*, plan: Plan, action_id) -> Action | None:
    return (
        Action.objects.filter(outcome__plan=plan, pk=action_id)
        .select_related("outcome", "worker", "agency", "family_member")
        .first()
    )


def review_of(*, plan: Plan, review_id) -> Review | None:
    return plan.reviews.filter(pk=review_id).first()


def agencies_active():
    return PartnerAgency.objects.filter(is_active=True)


# Family Network Meetings ---------------------------------------------------------------------


def network_referrals_visible_to(*, user):
    referrals = FamilyNetworkReferral.objects.exclude(child__in=people_hidden_from(user=user))
    if rules.can_coordinate_family_network(user):
        return referrals
    if rules.can_work_cases(user):
        return referrals.filter(case__in=cases_visible_to(user=user))
    return FamilyNetworkReferral.objects.none()


NETWORK_RELATIONS = ["child", "case__team", "consultation", "referred_by", "coordinator"]


def network_referral_get_for_user(*, request, referral_id) -> FamilyNetworkReferral:
    return record_get_for_user(
        request=request,
        visible=network_referrals_visible_to(user=request.user).select_related(*NETWORK_RELATIONS),
        pk=referral_id,
        record_type="family-network-referral",
        person_id_of=lambda referral: referral.child_id,
    )


def network_queue(*, user, status: str = "", page_number=None, per_page=PLANS_PAGE_SIZE) -> Page:
    """The co-ordinators' queue: waiting and being arranged first, oldest first; held meetings
    after, soonest review first. One query a page."""
    referrals = network_referrals_visible_to(user=user).select_related(*NETWORK_RELATIONS)
    if status in NetworkReferralStatus.values:
        referrals = referrals.filter(status=status)
    else:
        referrals = referrals.exclude(status=NetworkReferralStatus.MEETING_HELD)
    return Paginator(referrals.order_by("referred_at", "pk"), per_page).get_page(page_number)


def network_family_for(*, user, children) -> list[tuple]:
    """The people around ``children`` that a Family Network referral starts from: those related
    to them (current ties) or living with them today, as the user may see them, each with how
    they are connected, as (person, description) pairs. Three queries; the caller logs them as
    shown."""
    from people.models import LivesWith, Relationship
    from people.selectors import people_visible_to

    child_by_id = {child.pk: child for child in children}
    if not child_by_id:
        return []
    today = timezone.localdate()
    ties = {}
    for tie in Relationship.objects.filter(end_date__isnull=True).filter(
        Q(to_person__in=list(child_by_id)) | Q(from_person__in=list(child_by_id))
    ):
        if tie.to_person_id in child_by_id and tie.from_person_id not in child_by_id:
            pr = ", parental responsibility" if tie.parental_responsibility else ""
            child = child_by_id[tie.to_person_id]
            ties.setdefault(tie.from_person_id, []).append(
                f"{tie.get_kind_display()} of {child}{pr}"
            )
        elif tie.from_person_id in child_by_id and tie.to_person_id not in child_by_id:
            child = child_by_id[tie.from_person_id]
            ties.setdefault(tie.to_person_id, []).append(
                f"{child} is their {tie.get_kind_display().lower()}"
            )
    homes = LivesWith.objects.filter(
        Q(since_date__isnull=True) | Q(since_date__lte=today),
        Q(until_date__isnull=True) | Q(until_date__gte=today),
    ).filter(Q(person_a__in=list(child_by_id)) | Q(person_b__in=list(child_by_id)))
    for a, b in homes.values_list("person_a_id", "person_b_id"):
        for child_id, other in ((a, b), (b, a)):
            if child_id in child_by_id and other not in child_by_id:
                ties.setdefault(other, []).append(f"lives with {child_by_id[child_id]}")
    if not ties:
        return []
    people = (
        people_visible_to(user=user)
        .filter(pk__in=list(ties))
        .order_by("family_name", "given_name", "pk")
    )
    return [(person, "; ".join(dict.fromkeys(ties[person.pk]))) for person in people]


def network_referrals_for_case(*, case):
    return list(
        case.family_network_referrals.select_related("coordinator").order_by("-referred_at")
    )


# Flags ----------------------------------------------------------------------------------------


def flags_for(*, person):
    """The person's flags, current first, with what the practitioner added (one query)."""
    return list(
        PersonFlag.objects.filter(person=person)
        .select_related("detail", "set_by", "ended_by")
        .order_by("end_date", "-start_date", "pk")
    )


def current_flags_for(*, person):
    return [flag for flag in flags_for(person=person) if flag.end_date is None]


def current_flags_for_people(*, user, person_ids) -> dict:
    """{person id: their current flags, with what the practitioner added} for several people in
    one query (the consultation page's children). The caller has already opened and logged the
    people through their record's access function; anyone the restriction rule hides from the
    user is left out all the same."""
    flags = {pk: [] for pk in person_ids}
    if not flags:
        return flags
    for flag in (
        PersonFlag.objects.filter(person_id__in=list(flags), end_date__isnull=True)
        .exclude(person__in=people_hidden_from(user=user))
        .select_related("detail")
        .order_by("-start_date", "pk")
    ):
        flags[flag.person_id].append(flag)
    return flags


def flag_of(*, person, flag_id) -> PersonFlag | None:
    return PersonFlag.objects.filter(person=person, pk=flag_id).select_related("detail").first()


def family_of(*, user, child):
    """The child and the people linked to them (relatives, household) the user may see: who can
    take an action or agree the plan."""
    from people.models import LivesWith, Relationship
    from people.selectors import people_visible_to

    linked = (
        Q(pk=child.pk)
        | Q(pk__in=Relationship.objects.filter(to_person=child).values("from_person"))
        | Q(pk__in=Relationship.objects.filter(from_person=child).values("to_person"))
        | Q(pk__in=LivesWith.objects.filter(person_a=child).values("person_b"))
        | Q(pk__in=LivesWith.objects.filter(person_b=child).values("person_a"))
    )
    return people_visible_to(user=user).filter(linked).order_by("family_name", "given_name")


def plans_overdue_count(*, user, team=None) -> int:
    plans = plans_visible_to(user=user).filter(
        status=PlanStatus.ACTIVE,
        case__status__in=OPEN_STATUSES,
        next_review_date__lt=timezone.localdate(),
    )
    if team is not None:
        plans = plans.filter(case__team=team)
    return plans.count()
