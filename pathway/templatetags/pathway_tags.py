"""The assessment on the teams' pages (the case page and the caseloads), without the cases app
importing pathway: the templates ask for it.

Neither tag shows a person the page does not already show (the case's child), so neither writes
to the access log beyond the page's own rows.
"""

from django import template

from pathway.selectors import assessments_for_case, rag_for

register = template.Library()


@register.simple_tag(takes_context=True)
def case_assessments(context, case):
    """The case's assessments, each with its versions, for the case page (two queries)."""
    return assessments_for_case(user=context["request"].user, case=case)


@register.simple_tag
def rag_of(due):
    """Red, amber or green for a due date: on the caseloads, the case's own assessment clock
    (45 working days from the referral), read from the row itself, with no query."""
    return rag_for(due_date=due)
