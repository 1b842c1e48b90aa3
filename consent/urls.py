from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("children/<uuid:person_id>/", views.child_consent, name="child-consent"),
    path("children/<uuid:person_id>/answer/", views.consent_answer_create, name="answer-create"),
    path(
        "children/<uuid:person_id>/without-consent/",
        views.consent_exception_create,
        name="exception-create",
    ),
    path("records/<uuid:consent_id>/withdraw/", views.consent_withdraw_view, name="withdraw"),
    path("without-consent/", views.exception_queue, name="exception-queue"),
    path(
        "without-consent/<uuid:exception_id>/approve/",
        views.exception_approve,
        name="exception-approve",
    ),
    path("sharing-log/", views.sharing_log, name="sharing-log"),
]
