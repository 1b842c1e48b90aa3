from django.urls import path

from returns import views

app_name = "returns"

run = "runs/<uuid:run_id>/"

urlpatterns = [
    path("", views.index_view, name="index"),
    path(run, views.run_view, name="run"),
    path(f"{run}file/", views.file_view, name="file"),
    path(f"{run}report/", views.report_view, name="report"),
    path(f"{run}report.csv", views.report_csv_view, name="report-csv"),
]
