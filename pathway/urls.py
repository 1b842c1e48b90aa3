from django.urls import path

from pathway import views

app_name = "pathway"

case = "cases/<uuid:case_id>/"
one = "<uuid:assessment_id>/"

urlpatterns = [
    path(f"{case}start/", views.start_view, name="start"),
    path(f"{case}chronology/", views.chronology_view, name="chronology"),
    path(f"{case}chronology/new/", views.chronology_add_view, name="chronology-add"),
    path(f"{case}chronology/<uuid:entry_id>/", views.chronology_edit_view, name="chronology-edit"),
    path(
        f"{case}chronology/<uuid:entry_id>/remove/",
        views.chronology_remove_view,
        name="chronology-remove",
    ),
    path(one, views.assessment_view, name="assessment"),
    path(f"{one}parts/<slug:part>/", views.part_view, name="part"),
    path(f"{one}submit/", views.submit_view, name="submit"),
    path(f"{one}sign-off/", views.sign_off_view, name="sign-off"),
    path(f"{one}revisit/", views.revisit_view, name="revisit"),
    path(f"{one}compare/", views.compare_view, name="compare"),
    path(f"{one}versions/<int:number>/", views.version_view, name="version"),
    path(f"{one}family-copy/", views.family_copy_view, name="family-copy"),
    path(
        f"{one}family-copy/<uuid:copy_id>/",
        views.family_copy_download,
        name="family-copy-download",
    ),
    path(f"{one}family-map/", views.family_map_view, name="family-map"),
    path(
        f"{one}family-map/relationships/new/", views.relationship_add_view, name="relationship-add"
    ),
    path(f"{one}family-map/agencies/new/", views.agency_add_view, name="agency-add"),
]
