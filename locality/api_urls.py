from django.urls import path

from locality import api

urlpatterns = [
    path("localities/", api.LocalityList.as_view(), name="locality-api-localities"),
    path("teams/", api.TeamList.as_view(), name="locality-api-teams"),
    path("postcodes/<str:postcode>/", api.PostcodeDetail.as_view(), name="locality-api-postcode"),
    path("routing/resolve/", api.RoutingResolve.as_view(), name="locality-api-routing-resolve"),
]
