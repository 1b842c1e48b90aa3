"""An allocated Family Help case for the Rugby FHLP, made through the real front door."""

import pytest

from cases.services import case_accept, case_allocate
from tests.cases.conftest import refer, rugby_case  # noqa: F401 - fixtures
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures
from tests.referrals.conftest import rugby_family  # noqa: F401 - fixture


@pytest.fixture
def fhlp_case(rugby_case, team_manager, rugby_fhlp):  # noqa: F811
    """Mia Dawson's Family Help case, accepted by the Rugby team and allocated to its FHLP."""
    case_accept(case=rugby_case, manager=team_manager)
    return case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)


def spectrum_record(child, by, level="FAMILY_HELP"):
    """Record ``child``'s Spectrum decision now, as ``by`` (through spectrum's own service)."""
    from spectrum.models import Framework
    from spectrum.selectors import decision_current_for_person
    from spectrum.services import spectrum_decision_record

    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level=level).first()
    return spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[indicator.pk],
        decided_level=level,
        rationale="",
        decided_by=by,
        supersedes=decision_current_for_person(person=child),
    )
