from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts import rules
from audit.forms import AccessLogFilterForm
from audit.selectors import access_log_search


@login_required
def access_log(request):
    if not rules.can_read_access_log(request.user):
        raise PermissionDenied
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = access_log_search(
        username=filters.get("username") or "",
        person_id=filters.get("person_id"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to") + timedelta(days=1) if filters.get("date_to") else None,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"form": form, "page": page})
