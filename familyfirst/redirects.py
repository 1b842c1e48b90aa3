"""Where to go after a form: a ``next`` given by the page that sent the user, if it is ours."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url_or(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
