from django.conf import settings

from accounts.navigation import navigation_for


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "phase": settings.PHASE,
        "mfa_disabled": not settings.REQUIRE_MFA,
        "navigation": navigation_for(user=user, path=request.path) if user else [],
        "session_idle_timeout_seconds": settings.SESSION_IDLE_TIMEOUT_SECONDS,
        "session_idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }
