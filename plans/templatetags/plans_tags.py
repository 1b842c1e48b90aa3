"""The plan section on the case page (cases/templates/cases/case.html includes it), and the
children's flags on the front door's consultation pages (referrals' child_outcomes.html)."""

from django import template
from django.utils import timezone

from cases.models import OPEN_STATUSES, CaseLevel
from cases.selectors import team_ids_of
from plans.selectors import current_flags_for, current_flags_for_people, plan_for_case

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


@register.inclusion_tag("plans/includes/child_flags.html", takes_context=True)
def consultation_child_flags(context, consultation, links, child_id) -> dict:
    """One child's current flags, as a row of the child's card on a consultation page. The
    children were opened and logged with the consultation (referrals.selectors.
    consultation_get_for_user); the flags of all of them are read in one query the first time
    and kept on the consultation for the other cards, so the page's query count stays fixed."""
    flags = getattr(consultation, "_child_flags", None)
    if flags is None:
        flags = consultation._child_flags = current_flags_for_people(
            user=context["request"].user, person_ids=[link.child_id for link in links]
        )
    return {"flags": flags.get(child_id, [])}


@register.filter
def may_set_flags(user) -> bool:
    from accounts import rules

    return rules.can_set_flags(user)


@register.inclusion_tag("plans/includes/overdue_reviews.html", takes_context=True)
def plan_reviews_overdue(context, team=None) -> dict:
    """On My cases: how many plans on the user's cases are past their review date, in one
    query. (The team page is at its query budget; its plans are on /plans/.)"""
    from plans.selectors import plans_overdue_count

    return {"overdue": plans_overdue_count(user=context["request"].user, team=team)}
