"""A deployment check: production must not run with two-factor sign-in switched off."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_sign_in_is_required(app_configs, **kwargs):
    if settings.REQUIRE_MFA:
        return []
    return [
        Warning(
            "REQUIRE_MFA is off: staff sign in with a password alone, and the API accepts "
            "sessions that never passed two-factor sign-in.",
            hint="Unset REQUIRE_MFA or set REQUIRE_MFA=true (only the demo switches it off).",
            id="accounts.W001",
        )
    ]
