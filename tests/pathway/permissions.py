"""Who may see and change assessments (docs/pathway.md, "Who sees what").

An assessment is seen by whoever sees its case: the Rugby FHLP and the Rugby team manager here;
the Warwick FHLP and the MACPT LCPP are case workers elsewhere, so Rugby's assessments are "not
found" for them; everyone else has no case pages at all (403). Only a team manager may open the
sign-off page (checked by role first: 403 for everyone else).
"""

from django.utils import timezone

from accounts.models import Role, User
from pathway.models import (
    Assessment,
    AssessmentVersion,
    ChronologyEntry,
    FamilyCopy,
    FamilyCopyStatus,
)
from tests.cases.permissions import _rugby_case
from tests.matrix import Route, expect

RUGBY = {"rugby_fhlp": 200, "team_manager": 200, "warwick_fhlp": 404, "lcpp": 404}
CASE_WORKERS = {"rugby_fhlp": 200, "warwick_fhlp": 200, "team_manager": 200, "lcpp": 200}


def _author() -> User:
    return User.objects.get_or_create(username="assessment.author", defaults={"role": Role.FHLP})[0]


def _assessment_on(case) -> Assessment:
    now = timezone.now()
    author = _author()
    assessment = Assessment.objects.create(
        case=case,
        kind="FHA",
        start_date=timezone.localdate(),
        due_date=case.assessment_due_date,
        started_by=author,
        started_at=now,
    )
    assessment.children.set([case.child])
    AssessmentVersion.objects.create(
        assessment=assessment,
        number=1,
        author=author,
        created_at=now,
        updated_at=now,
        updated_by=author,
    )
    return assessment


def _case():
    return {"case_id": _rugby_case().pk}


def _assessment():
    return {"assessment_id": _assessment_on(_rugby_case()).pk}


def _part():
    return {**_assessment(), "part": "situation"}


def _version():
    return {**_assessment(), "number": 1}


def _entry():
    case = _rugby_case()
    now = timezone.now()
    entry = ChronologyEntry.objects.create(
        case=case,
        occurred_on=timezone.localdate(),
        what="Moved house",
        source="Mother",
        impact="Changed school",
        recorded_by=_author(),
        recorded_at=now,
        updated_by=_author(),
        updated_at=now,
    )
    return {"case_id": case.pk, "entry_id": entry.pk}


def _copy():
    assessment = _assessment_on(_rugby_case())
    copy = FamilyCopy.objects.create(
        version=assessment.versions.get(),
        method="PRINT",
        recipient_name="Claire Dawson",
        requested_by=_author(),
        requested_at=timezone.now(),
        status=FamilyCopyStatus.READY,
        pdf=b"%PDF-1.7 test",
    )
    return {"assessment_id": assessment.pk, "copy_id": copy.pk}


CASE_ROUTES = ["pathway:start", "pathway:chronology", "pathway:chronology-add"]
ASSESSMENT_ROUTES = [
    "pathway:assessment",
    "pathway:submit",
    "pathway:revisit",
    "pathway:compare",
    "pathway:family-copy",
    "pathway:family-map",
    "pathway:relationship-add",
    "pathway:agency-add",
]

ROUTES = [
    *[Route(name, expect(403, **RUGBY), kwargs=_case, logs_access=True) for name in CASE_ROUTES],
    *[
        Route(name, expect(403, **RUGBY), kwargs=_entry, logs_access=True)
        for name in ["pathway:chronology-edit", "pathway:chronology-remove"]
    ],
    *[
        Route(name, expect(403, **RUGBY), kwargs=_assessment, logs_access=True)
        for name in ASSESSMENT_ROUTES
    ],
    # The family map's relationship picker, with a name search (docs/pathway.md).
    Route(
        "pathway:relationship-add",
        expect(403, **RUGBY),
        kwargs=_assessment,
        query={"name": "Ava Morgan"},
        variant="searched",
    ),
    Route("pathway:part", expect(403, **RUGBY), kwargs=_part, logs_access=True),
    Route("pathway:version", expect(403, **RUGBY), kwargs=_version, logs_access=True),
    Route("pathway:family-copy-download", expect(403, **RUGBY), kwargs=_copy, logs_access=True),
    Route(
        "pathway:sign-off",
        expect(403, team_manager=200),
        kwargs=_assessment,
        logs_access=True,
    ),
    # The API: anonymous is 403 (no sign-in redirect).
    Route("pathway-api:assessment-list", expect(403, **CASE_WORKERS, anonymous=403)),
    Route(
        "pathway-api:assessment-detail",
        expect(403, **RUGBY, anonymous=403),
        kwargs=_assessment,
        logs_access=True,
    ),
    Route(
        "pathway-api:chronology",
        expect(403, **RUGBY, anonymous=403),
        kwargs=_case,
        logs_access=True,
    ),
]
