"""The assessment through its pages, as the FHLP and the team manager use them (docs/pathway.md)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from pathway.models import (
    Assessment,
    AssessmentVersion,
    PlanItem,
    SituationEntry,
    UnderstandingEntry,
    VersionStatus,
)
from spectrum.models import Framework, LevelCode

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
                "save_and_next": "1",
            },
        ).status_code
        == 302
    )
    # Submitting needs the child's level weighed again for this version, through the picker.
    submit = fhlp.get(reverse("pathway:submit", args=[assessment.pk])).content.decode()
    assert "record Mia Dawson&#x27;s level for this version" in submit
    page = fhlp.get(url).content.decode()
    section = page[page.index('data-testid="spectrum-decisions"') :]
    assert "Not recorded since version 1 was started" in section
    picker = section.split('">Record the level')[0].rsplit('href="', 1)[1].replace("&amp;", "&")
    framework = Framework.objects.get(status="PUBLISHED")
    indicator = framework.indicators.filter(level=LevelCode.FAMILY_HELP).first()
    assert fhlp.get(picker).status_code == 200
    response = fhlp.post(
        picker,
        {"action": "record", "indicators": [indicator.pk], "decided_level": LevelCode.FAMILY_HELP},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    section = fhlp.get(url).content.decode()
    assert indicator.text in section and "Family Help</strong> recorded" in section

    assert fhlp.post(reverse("pathway:submit", args=[assessment.pk])).status_code == 302
    version = AssessmentVersion.objects.get(assessment=assessment)
    assert version.status == VersionStatus.SUBMITTED

    manager = client_for("team_manager")
    sign_off = manager.get(reverse("pathway:sign-off", args=[assessment.pk]))
    assert sign_off.status_code == 200
    shown = sign_off.content.decode()
    shown = shown[shown.index('data-testid="spectrum-decisions"') :]
    assert indicator.text in shown and "Family Help" in shown
    response = manager.post(
        reverse("pathway:sign-off", args=[assessment.pk]), {"decision": "SIGN_OFF"}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED_OFF
    assert [d.decided_level for d in version.spectrum_decisions.all()] == ["FAMILY_HELP"]
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


def test_the_worker_adds_someone_from_the_family_network_from_the_family_map(
    client_for, fhlp_case, rugby_family
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    family_map = reverse("pathway:family-map", args=[assessment.pk])
    page = fhlp.get(family_map).content.decode()
    ties = page[page.index('data-testid="ecomap-ties"') :]
    # Joan is on the genogram, but no one is in the family network yet.
    assert "No agencies or family network recorded yet" in ties.split("</ul>")[0]
    add = page.split('">Add someone from the family network')[0].rsplit('href="', 1)[1]
    add = add.replace("&amp;", "&")
    form = fhlp.get(add).content.decode()
    assert "Add someone from the family network" in form
    assert re.search(r'<input[^>]*name="family_network"[^>]*checked', form)

    grandmother, mother = rugby_family["grandmother"], rugby_family["mother"]
    # A mistake keeps what was chosen, with the message beside the field.
    response = fhlp.post(
        add,
        {
            "from_person": str(grandmother.pk),
            "kind": "PARENT",
            "to_person": str(grandmother.pk),
            "family_network": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose someone other than the first person" in html
    assert "govuk-error-summary" in html

    response = fhlp.post(
        add,
        {
            "from_person": str(grandmother.pk),
            "kind": "PARENT",
            "to_person": str(mother.pk),
            "family_network": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == family_map
    page = fhlp.get(family_map).content.decode()
    ties = page[page.index('data-testid="ecomap-ties"') :].split("</ul>")[0]
    assert f"{grandmother} (Family network)" in ties


def test_sign_off_refuses_a_version_without_the_level_weighed_again(
    client_for, fhlp_case, rugby_family, rugby_fhlp
):
    fhlp = client_for("rugby_fhlp")
    assessment = _start(fhlp, fhlp_case, rugby_family["child"])
    # A version submitted before the level had to be recorded (an earlier build let it through).
    AssessmentVersion.objects.filter(assessment=assessment).update(
        status=VersionStatus.SUBMITTED, submitted_by=rugby_fhlp, submitted_at=timezone.now()
    )
    manager = client_for("team_manager")
    url = reverse("pathway:sign-off", args=[assessment.pk])
    page = manager.get(url).content.decode()
    assert "Not recorded since version 1 was started" in page
    response = manager.post(url, {"decision": "SIGN_OFF", "note": "Looks right"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No Spectrum of Support level was recorded for Mia Dawson" in html
    assert 'id="decision-error"' in html or "govuk-error-message" in html
    assert "Looks right" in html
    assert AssessmentVersion.objects.get(assessment=assessment).status == VersionStatus.SUBMITTED
