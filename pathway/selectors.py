"""Reading assessments (docs/pathway.md).

An assessment is seen by whoever sees its case (``cases.selectors.cases_visible_to``, which
already applies the restriction rule to the case's child); the other children it covers and the
people it names are checked with ``people.restriction`` too, and every page writes one access-log
row per person shown.
"""

from pathway.models import Assessment, AssessmentVersion, PlanItem, VersionStatus


def assessment_plan_items(*, assessment: Assessment, version: AssessmentVersion | None = None):
    """The Plan part of the assessment: what needs to happen and what it should achieve, from
    ``version`` or else from the latest signed-off version (none while nothing is signed off).

    Stable for the Family Help plans app (issue 14): a queryset of ``PlanItem`` with ``need``,
    ``outcome``, ``for_person`` and ``key`` (the same key across versions of one item).
    """
    if version is None:
        version = assessment_version_signed_off_latest(assessment=assessment)
    if version is None:
        return PlanItem.objects.none()
    return PlanItem.objects.filter(version=version).select_related("for_person")


def assessment_version_signed_off_latest(*, assessment: Assessment) -> AssessmentVersion | None:
    return (
        AssessmentVersion.objects.filter(assessment=assessment, status=VersionStatus.SIGNED_OFF)
        .order_by("-number")
        .first()
    )
