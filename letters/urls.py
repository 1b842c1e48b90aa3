from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("consultations/<uuid:consultation_id>/", views.consultation_letters, name="consultation"),
    path(
        "consultations/<uuid:consultation_id>/regenerate/",
        views.regenerate,
        name="regenerate",
    ),
    path("<uuid:letter_id>/preview/", views.preview, name="preview"),
    path("<uuid:letter_id>/resend/", views.resend, name="resend"),
    # The referrer is not a user: this link is public, found by a long random token.
    path("download/<str:token>/", views.download, name="download"),
]
