from django.urls import path

from locality import views

app_name = "locality"

urlpatterns = [
    path("postcode-checker/", views.postcode_check, name="postcode-check"),
]
