from django.urls import path

from referrals import api

app_name = "consultations-api"

urlpatterns = [
    path("", api.ConsultationListCreateApi.as_view(), name="consultation-list"),
    path(
        "<uuid:consultation_id>/",
        api.ConsultationDetailApi.as_view(),
        name="consultation-detail",
    ),
    path(
        "<uuid:consultation_id>/authorise/",
        api.ConsultationAuthoriseApi.as_view(),
        name="consultation-authorise",
    ),
]
