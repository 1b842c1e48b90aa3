from locality.models import Postcode
from tests.matrix import Route, expect

# Reference data and routing suggestions, no child's record: anyone with a role; the API
# answers visitors with its own 403 rather than a redirect to sign in.
ANY_ROLE_API = expect(200, anonymous=403, stranger=403)


def _rugby_postcode():
    # The postcode tables may already be loaded by the locality tests' session fixture.
    Postcode.objects.get_or_create(
        postcode="CV21 2AB",
        defaults={"outward_code": "CV21", "sector": "CV21 2", "la_code": "E07000220"},
    )
    return {"postcode": "CV21 2AB"}


ROUTES = [
    Route("locality:postcode-check", expect(200, stranger=403)),
    Route(
        "locality:postcode-check",
        expect(200, stranger=403),
        kwargs=lambda: _rugby_postcode() and {},
        query={"postcode": "CV21 2AB"},
        variant="filled",
    ),
    Route("locality-api-localities", ANY_ROLE_API),
    Route("locality-api-teams", ANY_ROLE_API),
    Route("locality-api-postcode", ANY_ROLE_API, kwargs=_rugby_postcode),
    # POST only: a GET is refused after the permission check.
    Route(
        "locality-api-routing-resolve",
        expect(405, anonymous=403, stranger=403),
        post=expect(400, anonymous=403, stranger=403),
    ),
]
