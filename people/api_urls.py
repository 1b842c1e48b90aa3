from django.urls import path

from people import api

app_name = "people-api"

urlpatterns = [
    path("", api.PersonListCreateApi.as_view(), name="person-list"),
    path("search/", api.PersonSearchApi.as_view(), name="person-search"),
    path("<uuid:person_id>/", api.PersonDetailApi.as_view(), name="person-detail"),
    path(
        "<uuid:person_id>/relationships/",
        api.PersonRelationshipsApi.as_view(),
        name="person-relationships",
    ),
]
