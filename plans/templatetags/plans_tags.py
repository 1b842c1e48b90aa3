"""The plan section on the case page (cases/templates/cases/case.html includes it)."""

from django import template
from django.utils import timezone

from cases.models import OPEN_STATUSES, CaseLevel
from cases.selectors import team_ids_of
from plans.selectors import current_flags_for, plan_for_case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_plan_section(context, case) -> dict:
    user = context["request"].user
    plan = plan_for_case(case=case)
    in_team = case.team_id in team_ids_of(user=user) and case.status in OPEN_STATUSES
    return {
        "plan": plan,
        "overdue": plan is not None and plan.next_review_date < timezone.localdate(),
        "can_start": plan is None and in_team and case.level != CaseLevel.IMMEDIATE_PROTECTION,
        "can_refer": in_team,
        "can_flag": in_team,
        "flags": current_flags_for(person=case.child),
    }


@register.filter
def may_set_flags(user) -> bool:
    from accounts import rules

    return rules.can_set_flags(user)
