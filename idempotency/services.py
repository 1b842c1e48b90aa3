"""`Idempotency-Key` for the API's creates: a client that did not hear the answer (a timeout, a
dropped connection) sends the same request again with the same key and gets the first result,
and nothing is made twice.

The key is the user's own (two users' keys never meet). The first request claims the key in the
same transaction as the create, so a repeat sent while the first is still running waits for it
and then replays it; a create that fails or is refused releases the key. The same key with a
different body, or for a different endpoint, is refused with 422. A replay reads the record again
through the endpoint's own access function, so the read is access-logged like any other.
"""

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from rest_framework import status
from rest_framework.response import Response

from idempotency.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint(data) -> str:
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _refused(message: str, code=status.HTTP_422_UNPROCESSABLE_ENTITY) -> Response:
    return Response({HEADER: [message]}, status=code)


def idempotent(*, record_id, replay):
    """Decorate an APIView's `post`. `record_id(response)` names what a successful create made;
    `replay(view, request, record_id)` answers a repeat (status 200 or 201) from it."""

    def decorate(post):
        @wraps(post)
        def wrapper(view, request, *args, **kwargs):
            key = request.headers.get(HEADER, "").strip()
            if not key:
                return post(view, request, *args, **kwargs)
            if len(key) > MAX_KEY_LENGTH or not key.isprintable():
                return _refused(
                    f"Use at most {MAX_KEY_LENGTH} printable characters",
                    status.HTTP_400_BAD_REQUEST,
                )
            endpoint = f"{request.method} {request.path}"[:200]
            fingerprint = _fingerprint(request.data)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        claim = IdempotentRequest.objects.create(
                            user=request.user, key=key, endpoint=endpoint, fingerprint=fingerprint
                        )
                except IntegrityError:
                    claim = None
                if claim is None:
                    first = IdempotentRequest.objects.get(user=request.user, key=key)
                    if (first.endpoint, first.fingerprint) != (endpoint, fingerprint):
                        return _refused(
                            "This key was already used for a different request. "
                            "Use a new key for each new request."
                        )
                    response = replay(view, request, first.record_id)
                    response.status_code = first.status_code
                    response["Idempotent-Replayed"] = "true"
                    return response
                response = post(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    claim.status_code, claim.record_id = response.status_code, record_id(response)
                    claim.save(update_fields=["status_code", "record_id"])
                else:  # nothing was made: the key is free for the corrected request
                    claim.delete()
                return response

        return wrapper

    return decorate
