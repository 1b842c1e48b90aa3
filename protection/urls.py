from django.urls import path

from protection import views

app_name = "protection"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("mine/", views.mine_view, name="mine"),
    path("teams/<slug:slug>/", views.queue_view, name="queue"),
    path("cases/<uuid:case_id>/", views.case_view, name="case"),
    path("cases/<uuid:case_id>/strategy/new/", views.strategy_start_view, name="strategy-start"),
    path("strategy/<uuid:discussion_id>/", views.strategy_view, name="strategy"),
    path("enquiries/<uuid:enquiry_id>/", views.enquiry_view, name="enquiry"),
    path("conferences/<uuid:conference_id>/", views.conference_view, name="conference"),
    path("plans/<uuid:plan_id>/core-group/", views.core_group_view, name="core-group"),
    path("plans/<uuid:plan_id>/end/", views.plan_end_view, name="plan-end"),
]
