"""The assessment through its pages, as the FHLP and the team manager use them (docs/pathway.md)."""

import re

import pytest
from django.urls import reverse

from audit.models import AccessLog
from pathway.models import (
    Assessment,
    AssessmentVersion,
    PlanItem,
    SituationEntry,
    UnderstandingEntry,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    assert match, f"no {name} in the page"
    return match.group(1)


def _start(client, case, child):
    response = client.post(
        reverse("pathway:start", args=[case.pk]),
        {"kind": "FHA", "children": [str(child.pk)], "start_date": "01/12/2026"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Assessment.objects.get(case=case)


def test_the_fhlp_starts_fills_and_submits_and_the_manager_signs_off(
    client_for, fhlp_case, rugby_family
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    url = reverse("pathway:part", args=[assessment.pk, "situation"])
    page = fhlp.get(url).content.decode()
    key_now = _hidden(page, "situation-now-0-key")
    key_affected = _hidden(page, "situation-affected-0-key")
    data = {
        "version": _hidden(page, "version"),
        "situation-now-count": "1",
        "situation-now-0-key": key_now,
        "situation-now-0-text": "We keep arguing about school mornings",
        "situation-now-0-voice": "FAMILY",
        "situation-now-0-nature": "OPINION",
        "situation-now-0-person": str(rugby_family["mother"].pk),
        "situation-affected-count": "1",
        "situation-affected-0-key": key_affected,
        "situation-affected-0-text": "Mia is late to school three days a week",
        "situation-affected-0-voice": "WORKER",
        "situation-affected-0-nature": "FACT",
        "situation-affected-0-person": "",  # missing: the row is kept with its message
        "context_housing": "Two-bedroom flat, rented",
        "save": "1",
    }
    response = fhlp.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose who is affected" in html
    assert "Mia is late to school three days a week" in html  # kept, not lost
    # The valid row and the version's own answer were saved meanwhile.
    assert SituationEntry.objects.filter(key=key_now, voice="FAMILY").exists()
    assert AssessmentVersion.objects.get(assessment=assessment).context_housing.startswith("Two")

    data["version"] = _hidden(html, "version")
    data["situation-affected-0-person"] = str(rugby_family["child"].pk)
    assert fhlp.post(url, data).status_code == 302
    assert SituationEntry.objects.filter(version__assessment=assessment).count() == 2

    url = reverse("pathway:part", args=[assessment.pk, "understanding"])
    page = fhlp.get(url).content.decode()
    response = fhlp.post(
        url,
        {
            "version": _hidden(page, "version"),
            "understanding-keeps_going-count": "1",
            "understanding-keeps_going-0-key": _hidden(page, "understanding-keeps_going-0-key"),
            "understanding-keeps_going-0-kind": "KEEPS_GOING",
            "understanding-keeps_going-0-text": "Mornings have no routine since the move",
            "understanding-keeps_going-0-rests_on": [key_now, key_affected],
            "save_and_next": "1",
        },
    )
    assert response.status_code == 302
    entry = UnderstandingEntry.objects.get(version__assessment=assessment)
    assert {s.key.hex for s in entry.rests_on.all()} == {
        key_now.replace("-", ""),
        key_affected.replace("-", ""),
    }

    url = reverse("pathway:part", args=[assessment.pk, "plan"])
    page = fhlp.get(url).content.decode()
    assert (
        fhlp.post(
            url,
            {
                "version": _hidden(page, "version"),
                "plan-count": "1",
                "plan-0-key": _hidden(page, "plan-0-key"),
                "plan-0-need": "A morning routine chart agreed with Mia",
                "plan-0-outcome": "Mia on time four days in five",
                "plan-0-for_person": str(rugby_family["child"].pk),
                "save_and_next": "1",
            },
        ).status_code
        == 302
    )
    assert PlanItem.objects.filter(version__assessment=assessment).count() == 1

    url = reverse("pathway:part", args=[assessment.pk, "review"])
    page = fhlp.get(url).content.decode()
    assert (
        fhlp.post(
            url,
            {
                "version": _hidden(page, "version"),
                "family_agreement": "AGREE",
                "family_words": "That is how it is",
                "factors": ["4B"],
                "spectrum_level": "FAMILY_HELP",
                "spectrum_reason": "Needs a coordinated plan",
                "save_and_next": "1",
            },
        ).status_code
        == 302
    )

    assert fhlp.post(reverse("pathway:submit", args=[assessment.pk])).status_code == 302
    version = AssessmentVersion.objects.get(assessment=assessment)
    assert version.status == VersionStatus.SUBMITTED

    manager = client_for("team_manager")
    assert manager.get(reverse("pathway:sign-off", args=[assessment.pk])).status_code == 200
    response = manager.post(
        reverse("pathway:sign-off", args=[assessment.pk]), {"decision": "SIGN_OFF"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED_OFF
    assessment.refresh_from_db()
    assert assessment.authorised_date is not None

    # Revisit: a new draft copying every entry with its key; compare shows them side by side.
    response = fhlp.post(
        reverse("pathway:revisit", args=[assessment.pk]), {"reason": "Dad moved back in"}
    )
    assert response.status_code == 302
    v2 = AssessmentVersion.objects.get(assessment=assessment, number=2)
    assert set(v2.situation_entries.values_list("key", flat=True)) == set(
        version.situation_entries.values_list("key", flat=True)
    )
    logged = AccessLog.objects.count()
    response = manager.get(reverse("pathway:compare", args=[assessment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 changes between version 1 and version 2" in html
    assert AccessLog.objects.count() > logged


def test_the_case_page_lists_the_assessment_with_its_clock(client_for, fhlp_case, rugby_family):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    html = fhlp.get(reverse("cases:case", args=[fhlp_case.pk])).content.decode()
    section = html[html.index('data-testid="case-assessments"') :]
    assert reverse("pathway:assessment", args=[assessment.pk]) in section
    assert "Version 1" in section and "Draft" in section
    caseload = fhlp.get(reverse("cases:mine")).content.decode()
    assert 'data-testid="rag"' in caseload
