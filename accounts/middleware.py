from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet verified user may reach: the two-factor steps themselves,
# signing out, static files, and a referrer's feedback-letter link (public, keyed by its token).
_EXEMPT_PREFIXES = (
    "/sign-in",
    "/sign-out",
    "/signed-out",
    "/static/",
    "/healthz",
    "/letters/download/",
)


class RequireVerifiedUserMiddleware:
    """With REQUIRE_MFA on, a signed-in user reaches nothing until their second factor is checked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_MFA
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Two-factor verification required."}, status=403)
            return redirect(f"{reverse('accounts:verify')}?next={request.path}")
        return self.get_response(request)
