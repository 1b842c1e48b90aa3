from django.urls import path

from protection import api

app_name = "protection-api"

urlpatterns = [
    path("strategy-discussions/", api.StrategyListApi.as_view(), name="strategy-list"),
    path("strategy-discussions/<uuid:pk>/", api.StrategyDetailApi.as_view(), name="strategy"),
    path("section-47-enquiries/", api.EnquiryListApi.as_view(), name="enquiry-list"),
    path("section-47-enquiries/<uuid:pk>/", api.EnquiryDetailApi.as_view(), name="enquiry"),
    path("conferences/", api.ConferenceListApi.as_view(), name="conference-list"),
    path("conferences/<uuid:pk>/", api.ConferenceDetailApi.as_view(), name="conference"),
    path("plans/", api.PlanListApi.as_view(), name="plan-list"),
    path("plans/<uuid:pk>/", api.PlanDetailApi.as_view(), name="plan"),
]
