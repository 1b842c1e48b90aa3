from django.urls import path

from familyfirst.urls import handler500  # noqa: F401
from familyfirst.urls import urlpatterns as app_urlpatterns


def explode(request):
    raise RuntimeError("secret detail about child 1234 that must never reach the page")


urlpatterns = [path("explode/", explode), *app_urlpatterns]
