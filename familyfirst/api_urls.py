"""Version 1 of the API. Each app keeps its endpoints in its own api_urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("locality.api_urls")),
    path("people/", include("people.api_urls")),
    path("spectrum/", include("spectrum.api_urls")),
    path("consent/", include("consent.api_urls")),
    path("consultations/", include("referrals.api_urls")),
    path("cases/", include("cases.api_urls")),
    path("protection/", include("protection.api_urls")),
    path("assessments/", include("pathway.api_urls")),
    path("plans/", include("plans.api_urls")),
]
