"""Cross-cutting request handling: a request id for logs and the access log, and no caching."""

import logging
import re
import threading
import uuid

_local = threading.local()
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return getattr(_local, "request_id", "-")


class RequestIdMiddleware:
    """Give every request an id (taken from a trusted proxy's X-Request-ID when well formed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        _local.request_id = request.request_id
        try:
            response = self.get_response(request)
        finally:
            _local.request_id = "-"
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
