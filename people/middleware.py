from django.utils.functional import SimpleLazyObject

from people.restriction import break_glass_reasons


class BreakGlassMiddleware:
    """Gives the access log, on ``request.break_glass_reasons``, the reason of each break-glass
    access the user holds, so every read during one is logged with it whichever page or API
    endpoint makes it. Looked up once per request, and only if something is logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.break_glass_reasons = SimpleLazyObject(
            lambda: break_glass_reasons(user=request.user)
        )
        return self.get_response(request)
