"""A deployment check: the links in referrers' emails must point somewhere they can reach."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 - names, not a bind


@register(Tags.security, deploy=True)
def letter_links_are_public(app_configs, **kwargs):
    parts = urlsplit(settings.LETTER_BASE_URL)
    problems = []
    if parts.hostname in LOCAL_HOSTS:
        problems.append(
            Warning(
                f"LETTER_BASE_URL is {settings.LETTER_BASE_URL}: referrers' letter links would "
                "point at this machine.",
                hint="Set LETTER_BASE_URL to the address referrers reach Family Connect at.",
                id="letters.W001",
            )
        )
    elif parts.scheme != "https":
        problems.append(
            Warning(
                "LETTER_BASE_URL does not use https: letter links would travel unencrypted.",
                hint="Use an https:// address.",
                id="letters.W002",
            )
        )
    return problems
