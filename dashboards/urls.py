from django.urls import path

from dashboards import views

app_name = "dashboards"

team = "teams/<slug:slug>/"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("charts.css", views.chart_css_view, name="chart-css"),
    path(f"{team}caseload/", views.caseload_view, name="caseload"),
    path(f"{team}caseload.csv", views.caseload_csv_view, name="caseload-csv"),
    path(f"{team}timeliness/", views.timeliness_view, name="timeliness"),
    path(f"{team}timeliness.csv", views.timeliness_csv_view, name="timeliness-csv"),
    path(f"{team}overdue/<slug:kind>/", views.overdue_view, name="overdue"),
    path("cases/<uuid:case_id>/reallocate/", views.reallocate_view, name="reallocate"),
    path("front-door/", views.front_door_view, name="front-door"),
    path("front-door/<slug:figure>.csv", views.front_door_csv_view, name="front-door-csv"),
    path("dip-samples/", views.dip_samples_view, name="dip-samples"),
    path("dip-samples/new/", views.dip_sample_new_view, name="dip-sample-new"),
    path("dip-samples/results/", views.dip_results_view, name="dip-results"),
    path(
        "dip-samples/results/<slug:figure>.csv", views.dip_results_csv_view, name="dip-results-csv"
    ),
    path("dip-samples/<int:sample_id>/", views.dip_sample_view, name="dip-sample"),
    path(
        "dip-samples/<int:sample_id>/reviews/<int:review_id>/",
        views.dip_review_view,
        name="dip-review",
    ),
]
