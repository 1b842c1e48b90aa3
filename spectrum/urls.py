from django.urls import path

from spectrum import views

app_name = "spectrum"

urlpatterns = [
    path(
        "children/<uuid:person_id>/decision/",
        views.decision_picker,
        name="decision-picker",
    ),
    path(
        "children/<uuid:person_id>/decisions/",
        views.decision_history,
        name="decision-history",
    ),
    path(
        "decisions/<uuid:decision_id>/authorise/",
        views.decision_authorise,
        name="decision-authorise",
    ),
    path("consistency/", views.consistency, name="consistency"),
]
