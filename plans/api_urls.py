from django.urls import path

from plans import api

app_name = "plans-api"

plan = "<uuid:plan_id>/"

urlpatterns = [
    path("", api.PlanListApi.as_view(), name="plan-list"),
    path("agencies/", api.AgencyListApi.as_view(), name="agency-list"),
    path("cases/<uuid:case_id>/", api.PlanStartApi.as_view(), name="plan-start"),
    path("family-network/", api.NetworkReferralListApi.as_view(), name="network-list"),
    path(
        "family-network/<uuid:referral_id>/",
        api.NetworkReferralDetailApi.as_view(),
        name="network-detail",
    ),
    path("people/<uuid:person_id>/flags/", api.FlagListApi.as_view(), name="flag-list"),
    path(plan, api.PlanDetailApi.as_view(), name="plan-detail"),
    path(f"{plan}actions/", api.ActionListApi.as_view(), name="action-list"),
    path(
        f"{plan}actions/<int:action_id>/status/",
        api.ActionStatusApi.as_view(),
        name="action-status",
    ),
    path(f"{plan}reviews/", api.ReviewListApi.as_view(), name="review-list"),
]
