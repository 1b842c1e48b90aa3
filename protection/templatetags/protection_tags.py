"""The immediate-protection banner the front door shows on the outcome and submitted pages.

The front door includes it with ``{% macpt_banner consultation links %}``; the banner reads the
links it is given (their outcome and team) and the calls recorded here, so this app needs nothing
from the front door's code.
"""

from django import template

from protection.forms import MacptCallForm
from protection.selectors import macpt_calls_for

register = template.Library()

IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION"


@register.inclusion_tag("protection/includes/macpt_banner.html", takes_context=True)
def macpt_banner(context, consultation, links):
    urgent = [link for link in links if link.outcome == IMMEDIATE_PROTECTION and link.team]
    if not urgent:
        return {"teams": []}
    calls = macpt_calls_for(consultation_id=consultation.pk)
    teams = {}
    for link in urgent:
        entry = teams.setdefault(
            link.team.pk, {"team": link.team, "children": [], "call": calls.get(link.team.pk)}
        )
        entry["children"].append(link.child)
    bound = context.get("macpt_call_form")
    for entry in teams.values():
        team_id = entry["team"].pk
        entry["form"] = (
            bound
            if bound is not None and bound.data.get("team") == str(team_id)
            else MacptCallForm(initial={"team": team_id})
        )
    return {
        "teams": list(teams.values()),
        "consultation": consultation,
        "csrf_token": context.get("csrf_token"),
        "next": context["request"].get_full_path() if "request" in context else "",
    }
