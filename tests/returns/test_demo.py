"""The demo's records make a census with no errors under the DfE's rules (queries listed)."""

import io

from django.utils import timezone

from accounts.models import User
from accounts.personas import PERSONAS
from familyfirst.demo_cases import demo_cases_ensure
from familyfirst.demo_protection import demo_protection_ensure
from pathway.demo import demo_assessments_ensure
from people.demo import demo_families_ensure
from plans.demo import demo_plans_ensure
from returns.census import census_bytes, rule_set_for, validate
from tests.locality.conftest import postcode_tables, postcodes  # noqa: F401 - fixtures


def test_the_demo_census_has_no_errors(postcodes, make_persona):  # noqa: F811
    for persona in PERSONAS:
        make_persona(persona.key)
    demo_families_ensure(created_by=User.objects.get(username="priya.practitioner"))
    demo_cases_ensure()
    demo_protection_ensure()
    demo_assessments_ensure()
    demo_plans_ensure()
    today = timezone.localdate()
    end_year = today.year + 1 if today.month >= 4 else today.year

    data, result = census_bytes(end_year=end_year)
    report = validate(io.BytesIO(data), rule_set=rule_set_for(min(end_year, 2027)))

    assert result.counts["children"] >= 5
    assert result.counts["section_47"] == 1
    errors = [i for i in report["issues"] + report["return_level"] if i["kind"] == "error"]
    assert errors == []
