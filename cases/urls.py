from django.urls import path

from cases import views

app_name = "cases"

case = "<uuid:case_id>/"

urlpatterns = [
    path("", views.my_cases_view, name="mine"),
    path("teams/", views.teams_view, name="teams"),
    path("teams/<slug:slug>/", views.team_view, name="team"),
    path("teams/<slug:slug>/incoming/", views.incoming_view, name="incoming"),
    path("sent-back/", views.sent_back_view, name="sent-back"),
    path("sent-back/<uuid:case_id>/", views.sent_back_detail_view, name="sent-back-detail"),
    path("registration/", views.registration_view, name="registration"),
    path(case, views.case_view, name="case"),
    path(f"{case}intake/", views.intake_view, name="intake"),
    path(f"{case}allocate/", views.allocate_view, name="allocate"),
    path(f"{case}notes/new/", views.note_add_view, name="note-add"),
    path(f"{case}tasks/new/", views.task_add_view, name="task-add"),
    path(f"{case}tasks/<int:task_id>/done/", views.task_done_view, name="task-done"),
    path(f"{case}transfer/", views.transfer_view, name="transfer"),
    path(f"{case}close/", views.close_view, name="close"),
]
