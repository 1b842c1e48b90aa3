"""Who may run the statutory returns (docs/returns.md): team managers and auditors. The file,
its validation report and the report's CSV each write access-log rows."""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from returns.models import ReturnKind, ReturnRun, RunStatus
from tests.matrix import Route, expect
from tests.returns import builders as make

ALLOWED = {"team_manager": 200, "auditor": 200}


def _run(*, issue: bool = False) -> ReturnRun:
    person = make.child("M1001")
    report = {"rule_set": "cin2025_26", "rules": 109, "errors": 1, "queries": 0, "issues": []}
    report["children"] = {"M1001": {"person": str(person.pk), "episodes": []}}
    if issue:
        report["issues"] = [
            {
                "child": "M1001",
                "rule": "1103",
                "kind": "error",
                "message": "An assessment starts before the referral",
                "table": "ChildIdentifiers",
                "field": "LAchildID",
                "row": 0,
            }
        ]
    return ReturnRun.objects.create(
        kind=ReturnKind.CIN_CENSUS,
        period_start=date(2025, 4, 1),
        period_end=date(2026, 3, 31),
        status=RunStatus.DONE,
        started_by=get_user_model().objects.get(username="tanya.teammanager"),
        created_at=timezone.now(),
        filename="census.xml",
        content_type="application/xml",
        content=b"<Message/>",
        sha256="0" * 64,
        report=report,
        counts={"children": 1},
    )


ROUTES = [
    Route("returns:index", expect(403, **ALLOWED)),
    Route("returns:run", expect(403, **ALLOWED), kwargs=lambda: {"run_id": _run().pk}),
    Route(
        "returns:file",
        expect(403, **ALLOWED),
        kwargs=lambda: {"run_id": _run().pk},
        logs_access=True,
    ),
    Route(
        "returns:report",
        expect(403, **ALLOWED),
        kwargs=lambda: {"run_id": _run(issue=True).pk},
        logs_access=True,
    ),
    Route(
        "returns:report-csv",
        expect(403, **ALLOWED),
        kwargs=lambda: {"run_id": _run().pk},
        logs_access=True,
    ),
]
