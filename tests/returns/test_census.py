"""The CIN census file, fragment by fragment, and the DfE's rules run over it."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from lxml import etree

from locality.models import Team
from returns.census import census_bytes, validate
from tests.dashboards.helpers import consultation, decision
from tests.returns import builders as make

pytestmark = pytest.mark.django_db


def _child_xml(data: bytes, la_child_id: str) -> str:
    root = etree.fromstring(data)
    (child,) = root.xpath(f"//Child[ChildIdentifiers/LAchildID='{la_child_id}']")
    return etree.tostring(child, encoding="unicode")


def test_a_family_help_episode_in_the_year_is_written_in_the_dfe_structure(reference_data):
    person = make.child("C1001", upn="", date_of_birth=date(2016, 7, 14))
    practitioner = get_user_model().objects.get(username="priya.practitioner")
    call = consultation(received_at=make.at(date(2025, 5, 1)), practitioner=practitioner)
    referral = decision(
        call,
        outcome="FAMILY_HELP_ASSESSMENT",
        person=person,
        to_team=Team.objects.get(slug="family-help-rugby"),
    )
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9), opened_by=referral)
    make.assessment(case, start=date(2025, 5, 2), authorised=date(2025, 6, 20))
    make.cin_plan(case, start=date(2025, 6, 23), end=date(2026, 1, 9))

    data, result = census_bytes(end_year=2026)

    assert _child_xml(data, "C1001") == (
        "<Child><ChildIdentifiers><LAchildID>C1001</LAchildID>"
        "<PersonBirthDate>2016-07-14</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>"
        "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>"
        "<CINdetails><CINreferralDate>2025-05-01</CINreferralDate>"
        "<ReferralSource>2A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        "<CINclosureDate>2026-01-09</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>"
        "<ReferralNFA>false</ReferralNFA>"
        "<Assessments><AssessmentActualStartDate>2025-05-02</AssessmentActualStartDate>"
        "<AssessmentAuthorisationDate>2025-06-20</AssessmentAuthorisationDate>"
        "<FactorsIdentifiedAtAssessment><AssessmentFactors>3B</AssessmentFactors>"
        "<AssessmentFactors>4B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
        "<CINPlanDates><CINPlanStartDate>2025-06-23</CINPlanStartDate>"
        "<CINPlanEndDate>2026-01-09</CINPlanEndDate></CINPlanDates>"
        "</CINdetails></Child>"
    )
    assert result.counts == {
        "children": 1,
        "referrals": 1,
        "assessments": 1,
        "cin_plans": 1,
        "section_47": 0,
        "cp_plans": 0,
    }
    root = etree.fromstring(data)
    assert root.tag == "Message"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/Source/LEA") == "937"


def test_section_47_and_a_child_protection_plan_with_its_reviews(reference_data):
    person = make.child("C1002", upn="", date_of_birth=date(2022, 2, 3), sex="M")
    case = make.case(
        person,
        team_slug="macpt-north",
        level="IMMEDIATE_PROTECTION",
        referral=date(2025, 9, 1),
        worker=get_user_model().objects.get(username="leon.lcpp"),
    )
    make.assessment(case, start=date(2025, 9, 1), authorised=date(2025, 9, 24), factors=["16A"])
    make.protection_chain(
        case,
        strategy=date(2025, 9, 2),
        icpc=date(2025, 9, 23),
        reviews=[date(2025, 12, 16), date(2026, 3, 10)],
        previous_plans=1,
    )

    data, _ = census_bytes(end_year=2026)

    fragment = _child_xml(data, "C1002")
    assert "<UPNunknown>UN1</UPNunknown>" in fragment  # three years old: not of school age
    assert "<ReferralSource>10</ReferralSource>" in fragment  # no front-door referral recorded
    assert (
        "<Section47><S47ActualStartDate>2025-09-02</S47ActualStartDate>"
        "<InitialCPCtarget>2025-09-23</InitialCPCtarget>"
        "<DateOfInitialCPC>2025-09-23</DateOfInitialCPC>"
        "<ICPCnotRequired>false</ICPCnotRequired></Section47>"
        "<ChildProtectionPlans><CPPstartDate>2025-09-23</CPPstartDate>"
        "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>"
        "<LatestCategoryOfAbuse>EMO</LatestCategoryOfAbuse>"
        "<NumberOfPreviousCPP>1</NumberOfPreviousCPP>"
        "<Reviews><CPPreviewDate>2025-12-16</CPPreviewDate>"
        "<CPPreviewDate>2026-03-10</CPPreviewDate></Reviews></ChildProtectionPlans>"
    ) in fragment


def test_episodes_outside_the_year_and_early_support_work_are_left_out(reference_data):
    before = make.child("C1003")
    make.case(before, referral=date(2024, 5, 1), closed=date(2025, 3, 20))
    early = make.child("C1004")
    make.case(early, referral=date(2025, 6, 1), level="EARLY_SUPPORT")
    later = make.child("C1005")
    make.case(later, referral=date(2026, 4, 2))

    data, result = census_bytes(end_year=2026)

    assert result.counts["children"] == 0
    assert b"<Children/>" in data or b"<Children></Children>" in data


def test_a_clean_episode_passes_every_error_rule(reference_data):
    person = make.child("C1006", upn="", date_of_birth=date(2021, 1, 5))
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9))
    make.assessment(case, start=date(2025, 5, 2), authorised=date(2025, 6, 20))
    make.cin_plan(case, start=date(2025, 6, 23), end=date(2026, 1, 9))
    data, _ = census_bytes(end_year=2026)

    report = validate(io.BytesIO(data), rule_set="cin2025_26")

    assert report["rules"] == 109
    assert report["rule_kinds"] == {"errors": 83, "queries": 26}
    assert [i for i in report["issues"] if i["kind"] == "error"] == []


def test_an_assessment_before_the_referral_breaks_rule_1103_for_that_child(reference_data):
    person = make.child("C2001", upn="", date_of_birth=date(2021, 1, 5))
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9))
    make.assessment(case, start=date(2025, 4, 20), authorised=date(2025, 6, 20))
    data, _ = census_bytes(end_year=2026)

    report = validate(io.BytesIO(data), rule_set="cin2025_26")

    found = [i for i in report["issues"] if i["rule"] == "1103"]
    assert found, report["issues"]
    assert {i["child"] for i in found} == {"C2001"}
    assert found[0]["kind"] == "error"
    assert found[0]["table"] == "Assessments"
    assert "AssessmentActualStartDate" in found[0]["field"]
