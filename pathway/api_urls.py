from django.urls import path

from pathway import api

app_name = "pathway-api"

urlpatterns = [
    path("", api.AssessmentListApi.as_view(), name="assessment-list"),
    path("<uuid:assessment_id>/", api.AssessmentDetailApi.as_view(), name="assessment-detail"),
    path("cases/<uuid:case_id>/chronology/", api.ChronologyApi.as_view(), name="chronology"),
]
