"""Error pages that say what to do next and reveal nothing about the record or the code."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from accounts import rules

logger = logging.getLogger(__name__)


def _error(request, template: str, status: int):
    return render(
        request, template, {"request_id": getattr(request, "request_id", "")}, status=status
    )


def bad_request(request, exception=None):
    return _error(request, "errors/400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "errors/403.html", 403)


def page_not_found(request, exception=None):
    # A person's 404 (people.selectors.PersonNotFound) offers break-glass access, the same
    # whether or not the record exists, and only to roles that may use it.
    offer = getattr(exception, "break_glass_url", "") if rules.can_break_glass(request.user) else ""
    return render(
        request,
        "errors/404.html",
        {"request_id": getattr(request, "request_id", ""), "break_glass_url": offer},
        status=404,
    )


def server_error(request):
    # Django has already logged the exception with its traceback; the page shows only a reference.
    # Rendered without context processors: the failure may be the database or the session.
    html = loader.get_template("errors/500.html").render(
        {"request_id": getattr(request, "request_id", "")}
    )
    return HttpResponse(html, status=500)


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
