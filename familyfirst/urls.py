from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import home
from familyfirst import views

admin.site.site_header = "Family Connect administration"
admin.site.site_title = "Family Connect administration"

urlpatterns = [
    path("", home, name="home"),
    path("", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("people/", include("people.urls")),
    path("locality/", include("locality.urls")),
    path("spectrum/", include("spectrum.urls")),
    path("consent/", include("consent.urls")),
    path("front-door/", include("referrals.urls")),
    path("letters/", include("letters.urls")),
    path("cases/", include("cases.urls")),
    path("protection/", include("protection.urls")),
    path("assessments/", include("pathway.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("returns/", include("returns.urls")),
    path("plans/", include("plans.urls")),
    path("api/v1/", include("familyfirst.api_urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "familyfirst.views.bad_request"
handler403 = "familyfirst.views.permission_denied"
handler404 = "familyfirst.views.page_not_found"
handler500 = "familyfirst.views.server_error"
