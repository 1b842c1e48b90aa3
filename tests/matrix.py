"""The permission matrix: every URL pattern, every persona, the status each must get.

Each app lists its routes in ``tests/<app>/permissions.py`` as ``ROUTES = [Route(...)]``;
``tests/test_permission_matrix.py`` collects them and fails when any URL pattern Django knows
is missing, so a new page cannot ship without saying who may see it.
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
    "auditor",
    "administrator",
    "stranger",
]
SIGNED_IN = [key for key in PERSONAS if key != "anonymous"]


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

    @property
    def id(self) -> str:
        return f"{self.name}[{self.variant}]" if self.variant else self.name
