"""Cross-cutting request handling: a request id for logs and the access log, a store for what
one request reads more than once, and no caching by browsers."""

import logging
import re
import threading
import uuid

_local = threading.local()
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


def per_request(key, compute):
    """``compute()``, read once per request under ``key`` and kept until the response is made:
    for what several parts of one page ask (the user's teams). Outside a request (a worker, the
    shell, a test calling a selector) nothing is kept and ``compute()`` runs every time."""
    store = getattr(_local, "store", None)
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def per_request_forget() -> None:
    """Drop what this request has kept (after a change to what it read, e.g. a membership)."""
    store = getattr(_local, "store", None)
    if store is not None:
        store.clear()


class RequestIdMiddleware:
    """Give every request an id (taken from a trusted proxy's X-Request-ID when well formed)
    and an empty ``per_request`` store, dropped when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        _local.request_id = request.request_id
        _local.store = {}
        try:
            response = self.get_response(request)
        finally:
            _local.request_id = "-"
            _local.store = None
        response["X-Request-ID"] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id()
        return True


class NoStoreMiddleware:
    """Pages can show a child's data, so no page is kept by a browser or a proxy cache.

    Static files are served before this by WhiteNoise and keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, max-age=0"
        response["Pragma"] = "no-cache"
        return response
