import importlib
import pkgutil
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from audit.models import AccessLog
from tests.matrix import PERSONAS, REFUSED, Route

# Django's own admin has dozens of generated URLs; they share one permission (is_staff, and
# per-model permissions) that the admin itself enforces. The matrix walks its index page.
COVERED_BY_ADMIN_INDEX = "admin:"


def _collect_routes() -> list[Route]:
    routes = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            permissions = importlib.import_module(f"tests.{module.name}.permissions")
        except ModuleNotFoundError:
            continue
        routes.extend(permissions.ROUTES)
    return routes


ROUTES = _collect_routes()


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child_namespace = namespace
            if pattern.namespace:
                child_namespace = f"{namespace}{pattern.namespace}:"
            yield from _url_names(pattern, child_namespace)
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"{namespace}<unnamed {pattern.pattern}>"
            )


def test_every_url_pattern_is_in_the_permission_matrix():
    in_matrix = {route.name for route in ROUTES}

    missing = sorted(
        name
        for name in set(_url_names())
        if name not in in_matrix and not name.startswith(COVERED_BY_ADMIN_INDEX)
    )

    assert missing == [], f"Add these URL patterns to a tests/<app>/permissions.py: {missing}"


def test_every_matrix_entry_names_every_persona():
    incomplete = [
        route.id
        for route in ROUTES
        if set(route.statuses) != set(PERSONAS)
        or (route.post is not None and set(route.post) != set(PERSONAS))
    ]

    assert incomplete == []


def test_every_post_only_route_says_who_may_post():
    unsaid = [route.id for route in ROUTES if route.post is None and 405 in route.statuses.values()]

    assert unsaid == [], f"Give these routes post=expect(...): {unsaid}"


def _post_is_as_expected(route, persona, get_status, post_status) -> bool:
    if route.post is not None:
        return post_status == route.post[persona]
    if get_status in REFUSED:
        return post_status in REFUSED
    return post_status < 500 and post_status not in (401, 403, 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_persona_gets_the_expected_status(route, persona, client_for):
    client = client_for(persona)
    built = route.kwargs() if route.kwargs else {}
    query = {**route.query, **built.pop("_query", {})}
    url = reverse(route.name, kwargs=built or None)
    logged_before = AccessLog.objects.count()

    response = client.get(url, query)

    assert response.status_code == route.statuses[persona], (
        f"{persona} GET {url}: expected {route.statuses[persona]}, got {response.status_code}"
    )
    if route.logs_access:
        expected_rows = 1 if response.status_code == 200 else 0
        assert AccessLog.objects.count() - logged_before == expected_rows

    # The same route, written to: in the same test, so the records are built once.
    posted = client.post(url + (f"?{urlencode(query)}" if query else ""), {})

    assert _post_is_as_expected(route, persona, response.status_code, posted.status_code), (
        f"{persona} POST {url}: got {posted.status_code}; "
        f"expected {route.post[persona] if route.post else 'the derived rule'} "
        f"(GET gave {response.status_code})"
    )

    # The API's other writing verbs: nobody changes or removes what they may not read, and no
    # endpoint offers PUT or DELETE yet, so those who may read get 405 (never a 2xx or a 500).
    if url.startswith("/api/"):
        for method in ("put", "delete"):
            answered = getattr(client, method)(url, {}, content_type="application/json")
            refused_as_get = response.status_code in REFUSED or route.statuses[persona] in REFUSED
            assert (
                answered.status_code in REFUSED if refused_as_get else answered.status_code == 405
            ), f"{persona} {method.upper()} {url}: got {answered.status_code}"
