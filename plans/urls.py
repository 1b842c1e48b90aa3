from django.urls import path

from plans import views

app_name = "plans"

plan = "<uuid:plan_id>/"

urlpatterns = [
    path("", views.caseload_view, name="caseload"),
    path("agencies/", views.agencies_view, name="agencies"),
    path("cases/<uuid:case_id>/start/", views.plan_start_view, name="plan-start"),
    path("cases/<uuid:case_id>/family-network/", views.network_refer_view, name="fnm-refer"),
    path(
        "consultations/<uuid:consultation_id>/family-network/",
        views.network_refer_from_consultation_view,
        name="fnm-refer-consultation",
    ),
    path("family-network/", views.network_queue_view, name="fnm-queue"),
    path("family-network/<uuid:referral_id>/", views.network_detail_view, name="fnm-detail"),
    path(
        "family-network/<uuid:referral_id>/meeting/",
        views.network_meeting_view,
        name="fnm-meeting",
    ),
    path("people/<uuid:person_id>/flags/", views.flags_view, name="flags"),
    path("people/<uuid:person_id>/flags/<int:flag_id>/end/", views.flag_end_view, name="flag-end"),
    path(plan, views.plan_view, name="plan"),
    path(f"{plan}pdf/", views.pdf_view, name="pdf"),
    path(f"{plan}outcomes/new/", views.outcome_add_view, name="outcome-add"),
    path(f"{plan}actions/new/", views.action_add_view, name="action-add"),
    path(f"{plan}actions/<int:action_id>/", views.action_status_view, name="action-status"),
    path(f"{plan}agreement/", views.agreement_view, name="agreement"),
    path(f"{plan}send/", views.send_view, name="send"),
    path(f"{plan}reviews/new/", views.review_add_view, name="review-add"),
]
