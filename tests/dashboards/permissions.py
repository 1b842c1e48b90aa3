"""Who may see the dashboards (docs/dashboards.md, "Who sees what").

The caseload pages are the Rugby team manager's (any other role is refused before a team is
looked up); the front door's figures and the dip samples are the Family Connect manager's. The
overdue list, the re-allocation page and a dip-sample review name a child: one access-log row.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases.models import CaseStatus
from dashboards.models import DipReview, DipSample
from referrals.models import Outcome
from tests.dashboards.helpers import at, case, consultation, decision, team
from tests.matrix import Route, expect

TEAM_MANAGER = {"team_manager": 200}
FC_MANAGER = {"fc_manager": 200}


def _rugby():
    return {"slug": "family-help-rugby"}


def _overdue_case():
    today = timezone.localdate()
    return case(
        in_team=team("family-help-rugby"),
        status=CaseStatus.UNALLOCATED,
        referral_date=today - timedelta(days=90),
        due=today - timedelta(days=2),
    )


def _overdue():
    _overdue_case()
    return {"slug": "family-help-rugby", "kind": "assessments"}


def _reallocate():
    return {"case_id": _overdue_case().pk}


def _sample():
    manager = User.objects.get(username="martin.manager")
    practitioner = User.objects.get(username="priya.practitioner")
    sample = DipSample.objects.create(
        drawn_by=manager,
        drawn_at=timezone.now(),
        period_start=timezone.localdate().replace(day=1),
        period_end=timezone.localdate(),
        per_outcome=1,
    )
    call = consultation(
        received_at=at(timezone.localdate() - timedelta(days=1)), practitioner=practitioner
    )
    link = decision(call, outcome=Outcome.ADVICE)
    review = DipReview.objects.create(
        sample=sample,
        decision=link,
        outcome=link.outcome,
        practitioner=practitioner,
        decided_at=call.decided_at,
    )
    return sample, review


def _sample_kwargs():
    return {"sample_id": _sample()[0].pk}


def _review_kwargs():
    sample, review = _sample()
    return {"sample_id": sample.pk, "review_id": review.pk}


ROUTES = [
    Route("dashboards:index", expect(403, team_manager=302, fc_manager=200)),
    Route("dashboards:chart-css", expect(200, anonymous=200)),
    *[
        Route(name, expect(403, **TEAM_MANAGER), kwargs=_rugby)
        for name in [
            "dashboards:caseload",
            "dashboards:caseload-csv",
            "dashboards:timeliness",
            "dashboards:timeliness-csv",
        ]
    ],
    Route("dashboards:overdue", expect(403, **TEAM_MANAGER), kwargs=_overdue, logs_access=True),
    Route(
        "dashboards:reallocate", expect(403, **TEAM_MANAGER), kwargs=_reallocate, logs_access=True
    ),
    Route("dashboards:front-door", expect(403, **FC_MANAGER)),
    Route(
        "dashboards:front-door-csv",
        expect(403, **FC_MANAGER),
        kwargs=lambda: {"figure": "decisions"},
    ),
    Route("dashboards:dip-samples", expect(403, **FC_MANAGER)),
    Route("dashboards:dip-sample-new", expect(403, **FC_MANAGER)),
    Route("dashboards:dip-results", expect(403, **FC_MANAGER)),
    Route(
        "dashboards:dip-results-csv",
        expect(403, **FC_MANAGER),
        kwargs=lambda: {"figure": "agreement-outcome"},
    ),
    Route("dashboards:dip-sample", expect(403, **FC_MANAGER), kwargs=_sample_kwargs),
    Route(
        "dashboards:dip-review", expect(403, **FC_MANAGER), kwargs=_review_kwargs, logs_access=True
    ),
]
