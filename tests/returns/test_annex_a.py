"""Annex A: Ofsted's headings and lettered values, row by row from known records."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from cases.models import CaseNote
from locality.models import Team
from returns.annex_a import HEADERS, annex_a_bytes
from tests.dashboards.helpers import consultation, decision
from tests.returns import builders as make

pytestmark = pytest.mark.django_db
START, END = date(2025, 4, 1), date(2026, 3, 31)


def _sheets(**window):
    data, counts = annex_a_bytes(start=START, end=END, **window)
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}, counts


def test_every_list_has_ofsteds_headings_in_order(reference_data):
    sheets, counts = _sheets()
    assert list(sheets) == [f"List {n}" for n in range(1, 8)]
    for name, rows in sheets.items():
        assert rows[0] == HEADERS[name]
    assert sheets["List 1"][0] == [
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age",
        "Date of Contact",
        "Contact Source",
    ]
    assert counts["List 3: Referrals"] == 0


def test_a_referral_its_assessment_and_a_protection_plan_become_rows(reference_data):
    user = get_user_model()
    rhiannon = user.objects.get(username="rhiannon.rugby")
    person = make.child(
        "A1001", sex="M", ethnicity="AIND", disabilities=["AUT"], date_of_birth=date(2015, 6, 1)
    )
    call = consultation(
        received_at=make.at(date(2025, 5, 1)),
        practitioner=user.objects.get(username="priya.practitioner"),
        agency="POLICE",
    )
    referral = decision(
        call,
        outcome="FAMILY_HELP_ASSESSMENT",
        person=person,
        to_team=Team.objects.get(slug="family-help-rugby"),
    )
    case = make.case(
        person, referral=date(2025, 5, 1), opened_by=referral, primary_need="N1", worker=rhiannon
    )
    make.assessment(case, start=date(2025, 5, 2), authorised=date(2025, 6, 20))
    CaseNote.objects.create(
        case=case,
        kind="HOME_VISIT",
        occurred_at=make.at(date(2025, 6, 2)),
        child_seen=True,
        child_seen_alone=True,
        text="Seen at home",
        written_by=rhiannon,
        written_at=make.at(date(2025, 6, 2)),
    )
    make.protection_chain(
        case,
        strategy=date(2025, 7, 1),
        icpc=date(2025, 7, 22),
        reviews=[date(2025, 10, 21)],
        previous_plans=2,
    )

    sheets, _ = _sheets()

    common = ["A1001", "a) Male", "j) AIND", "01/06/2015", 10]
    worker = (
        "Rhiannon Evans"
        if rhiannon.get_full_name() == "Rhiannon Evans"
        else rhiannon.get_full_name()
    )
    assert sheets["List 1"][1] == common + ["01/05/2025", "q) 6: Police"]
    assert sheets["List 3"][1] == common + [
        "01/05/2025",
        "q) 6: Police",
        "b) No",
        1,
        "Rugby Family Help team",
        worker,
    ]
    assert sheets["List 4"][1] == common + [
        "a) Yes",
        "02/05/2025",
        "a) Yes",
        "20/06/2025",
        "a) Yes",
        "Rugby Family Help team",
        worker,
    ]
    assert sheets["List 5"][1] == common + [
        "a) Yes",
        "01/07/2025",
        "b) No",
        "22/07/2025",
        "a) Yes",
        1,
        1,
        "Rugby Family Help team",
        worker,
    ]
    assert sheets["List 6"][1] == common + [
        "a) Yes",
        "01/05/2025",
        "N1 - Abuse or neglect",
        "02/06/2025",
        None,
        None,
        "b) Child Protection plan",
        "Rugby Family Help team",
        worker,
    ]
    assert sheets["List 7"][1] == common + [
        "a) Yes",
        "22/07/2025",
        "a) Neglect",
        "d) Emotional abuse",
        "02/06/2025",
        "a) Yes",
        "21/10/2025",
        None,
        None,
        2,
        "Rugby Family Help team",
        worker,
    ]
