from django.urls import path

from spectrum import api

urlpatterns = [
    path(
        "frameworks/current/",
        api.FrameworkCurrentView.as_view(),
        name="api-spectrum-framework-current",
    ),
    path("suggest/", api.SuggestView.as_view(), name="api-spectrum-suggest"),
]
