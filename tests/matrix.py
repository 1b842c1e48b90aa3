"""The permission matrix: every URL pattern, every persona, the status each must get, for
reading (GET) and writing (POST).

Each app lists its routes in ``tests/<app>/permissions.py`` as ``ROUTES = [Route(...)]``;
``tests/test_permission_matrix.py`` collects them and fails when any URL pattern Django knows
is missing, so a new page cannot ship without saying who may see it and who may change it.

POST is sent with an empty body. Where a route gives ``post``, each persona must get exactly that
status. Otherwise the rule is "nobody writes where they may not read": everyone GET refuses
(403, 404, or anonymous) is refused on POST too, and everyone GET lets in gets an answer (a form
with errors, a redirect, a 400), never a server error. A route that only takes POST (GET is 405
for everyone) must say ``post`` explicitly. API routes are also sent PUT and DELETE: refused for
those GET refuses, 405 (no endpoint takes them) for the rest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = [
    "anonymous",
    "practitioner",
    "fc_manager",
    "rugby_fhlp",
    "warwick_fhlp",
    "team_manager",
    "lcpp",
    "fnm_coordinator",
    "auditor",
    "administrator",
    "stranger",
]
SIGNED_IN = [key for key in PERSONAS if key != "anonymous"]
REFUSED = {302, 401, 403, 404, 405}  # 302 for anonymous: sent to sign in


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected statuses: ``default`` for everyone signed in, anonymous redirected to sign-in."""
    statuses = {key: default for key in SIGNED_IN}
    statuses["anonymous"] = 302
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"Unknown personas in matrix: {sorted(unknown)}")
    statuses.update(overrides)
    return statuses


@dataclass(frozen=True)
class Route:
    name: str
    statuses: dict[str, int]
    # Builds URL kwargs (and any records the route needs) inside the test's database; a "_query"
    # key in what it returns becomes the query string.
    kwargs: Callable[[], dict] | None = None
    # Routes showing a child's data: every 200 writes exactly one access-log row, others none.
    logs_access: bool = False
    variant: str = ""
    query: dict = field(default_factory=dict)
    # Expected statuses for POST with an empty body, when the derived rule above is not enough.
    post: dict[str, int] | None = None

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name
