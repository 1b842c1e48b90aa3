from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts import rules
from locality.forms import PostcodeCheckForm
from locality.selectors import PostcodeStatus, locality_team_for, postcode_lookup


@login_required
def postcode_check(request):
    # A postcode and the reference data about it are not a child's record: no access-log row.
    if not rules.can_use_locality_lookups(request.user):
        raise PermissionDenied
    form = PostcodeCheckForm(request.GET if "postcode" in request.GET else None)
    lookup = None
    if form.is_valid():
        lookup = postcode_lookup(text=form.cleaned_data["postcode"])
        if lookup.status in (PostcodeStatus.INVALID, PostcodeStatus.NOT_FOUND):
            form.add_error("postcode", lookup.message)
            lookup = None
    context = {
        "form": form,
        "lookup": lookup,
        "locality_team": locality_team_for(lookup.district) if lookup and lookup.district else None,
        "candidates": [
            {"district": district, "team": locality_team_for(district)}
            for district in (lookup.candidates if lookup and lookup.district is None else [])
        ],
    }
    return render(request, "locality/postcode_check.html", context)
