from django.conf import settings
from rest_framework.permissions import BasePermission


class IsVerifiedStaff(BasePermission):
    """API default: a signed-in, active member of staff who has passed two-factor sign-in."""

    message = "Sign in with two-factor authentication to use the API."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.is_verified() or not settings.REQUIRE_MFA
