from django.urls import path

from referrals import journey_views, protection_views, views

app_name = "referrals"

consultation = "consultations/<uuid:consultation_id>/"

urlpatterns = [
    path("queue/", views.queue, name="queue"),
    path("authorisations/", views.authorisations, name="authorisations"),
    path("authorisations/<uuid:link_id>/", views.authorise, name="authorise"),
    path("consultations/new/", journey_views.consultation_new, name="consultation-new"),
    path(consultation, journey_views.consultation_detail, name="consultation"),
    path(f"{consultation}submit/", journey_views.consultation_submit_view, name="submit"),
    path(f"{consultation}record/", journey_views.consultation_record, name="consultation-record"),
    path(f"{consultation}caller/", journey_views.step_caller, name="step-caller"),
    path(f"{consultation}children/", journey_views.step_children, name="step-children"),
    path(
        f"{consultation}children/<uuid:child_id>/relationship/",
        journey_views.child_relationship,
        name="child-relationship",
    ),
    path(f"{consultation}history/", journey_views.step_household, name="step-household"),
    path(f"{consultation}worries/", journey_views.step_concerns, name="step-concerns"),
    path(f"{consultation}consent/", journey_views.step_consent, name="step-consent"),
    path(f"{consultation}spectrum/", journey_views.step_spectrum, name="step-spectrum"),
    path(f"{consultation}outcome/", journey_views.step_outcome, name="step-outcome"),
    path(f"{consultation}macpt-call/", protection_views.macpt_call, name="macpt-call"),
    path(
        f"{consultation}children/<uuid:link_id>/outcome/",
        journey_views.child_outcome,
        name="child-outcome",
    ),
]
