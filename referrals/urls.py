from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("authorisations/", views.authorisations, name="authorisations"),
    path("authorisations/<uuid:link_id>/", views.authorise, name="authorise"),
]
