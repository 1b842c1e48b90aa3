from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("search/", views.person_search_view, name="search"),
    path("new/", views.person_create, name="person-create"),
    path("<uuid:person_id>/", views.person_detail, name="person-detail"),
    path("<uuid:person_id>/household/", views.household_view, name="household"),
    path("<uuid:person_id>/relationships/add/", views.relationship_add, name="relationship-add"),
    path("<uuid:person_id>/merge/", views.person_merge_view, name="person-merge"),
    path("merges/<uuid:merge_id>/", views.merge_detail, name="merge-detail"),
    path("<uuid:person_id>/break-glass/", views.break_glass, name="break-glass"),
    path("<uuid:person_id>/restriction/", views.restriction_view, name="restriction"),
    path("break-glass/", views.break_glass_queue, name="break-glass-queue"),
    path("break-glass/<uuid:access_id>/", views.break_glass_review_view, name="break-glass-review"),
]
