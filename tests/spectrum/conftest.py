import pytest

from spectrum.selectors import framework_current, framework_with_contents
from spectrum.services import framework_v1_ensure


@pytest.fixture
def framework(db):
    """The published framework v1. The data migration loads it, but tests on a transactional
    database flush it away, so load it again if it has gone."""
    framework_v1_ensure()
    return framework_with_contents(framework_id=framework_current().pk)


@pytest.fixture
def indicator(framework):
    """indicator("ES-HEALTH-01") -> that indicator of the published framework."""
    by_code = {item.code: item for item in framework.indicators.all()}
    return by_code.__getitem__
