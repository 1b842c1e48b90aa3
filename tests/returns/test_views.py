"""The returns page through the test client: start a run, follow it, download the file and the
report, and the check before submission."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases.models import Case
from returns.models import ReturnKind, ReturnRun, RunStatus
from returns.tasks import return_run
from tests.returns import builders as make

pytestmark = pytest.mark.django_db


def _start(client, **data):
    return client.post(
        reverse("returns:index"), {"kind": "CIN_CENSUS", "year": "2026", "months": "12", **data}
    )


def test_a_team_manager_runs_the_census_and_downloads_it(
    client_for, team_manager, django_capture_on_commit_callbacks
):
    person = make.child("V1001", upn="", date_of_birth=date(2021, 1, 5))
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9))
    make.assessment(case, start=date(2025, 5, 2), authorised=date(2025, 6, 20))
    client = client_for("team_manager")

    with django_capture_on_commit_callbacks() as queued:
        response = _start(client)
    run = ReturnRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "returns:run", args=[run.pk]
    )
    assert len(queued) == 1  # the task is published once the run is committed
    waiting = client.get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "Waiting to start" in waiting
    assert f'href="{reverse("returns:run", args=[run.pk])}">Check progress</a>' in waiting

    return_run.apply(args=[str(run.pk)])  # the Celery task itself, in this process

    page = client.get(reverse("returns:run", args=[run.pk])).content.decode()
    assert "Check progress" not in page
    assert "<strong>0 errors</strong>" in page
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.counts["children"] == 1
    download = client.get(reverse("returns:file", args=[run.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="CIN_census_937_2025-26.xml"'
    assert (
        hashlib.sha256(download.content).hexdigest() == run.sha256 == download["X-Checksum-SHA256"]
    )
    assert b"<LAchildID>V1001</LAchildID>" in download.content
    logged = AccessLog.objects.filter(user=team_manager, record_id=str(run.pk))
    assert sorted(logged.values_list("record_type", flat=True)) == ["return-file", "return-run"]
    assert set(logged.values_list("action", flat=True)) == {"EXPORT"}


def test_a_rule_broken_by_a_record_is_shown_against_the_child_with_a_link_to_fix_it(
    client_for, team_manager
):
    person = make.child("V2001", upn="", date_of_birth=date(2021, 1, 5))
    case = make.case(person, referral=date(2025, 5, 1), closed=date(2026, 1, 9))
    assessment = make.assessment(case, start=date(2025, 4, 20), authorised=date(2025, 6, 20))
    client = client_for("team_manager")
    _start(client)
    run = ReturnRun.objects.get()
    return_run.apply(args=[str(run.pk)])

    page = client.get(reverse("returns:report", args=[run.pk])).content.decode()

    assert "1103" in page and "V2001" in page
    assert reverse("pathway:assessment", kwargs={"assessment_id": assessment.pk}) in page
    assert AccessLog.objects.filter(
        record_type="return-report", person_id=person.pk, user=team_manager
    ).exists()
    csv = client.get(reverse("returns:report-csv", args=[run.pk])).content.decode()
    assert "1103" in csv.splitlines()[1] or any(",1103," in line for line in csv.splitlines())


def test_bad_input_is_shown_next_to_the_field_and_nothing_starts(client_for):
    client = client_for("team_manager")
    response = client.post(reverse("returns:index"), {"year": "2026", "months": "12"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose which return to make" in page
    assert 'value="2026" selected' in page  # what was chosen is kept
    assert not ReturnRun.objects.exists()


def test_one_run_of_a_kind_at_a_time(client_for):
    client = client_for("auditor")
    _start(client)
    response = _start(client)
    assert "already under way" in response.content.decode()
    assert ReturnRun.objects.count() == 1


def test_the_check_before_submission_flags_a_fall_against_the_previous_run(
    client_for, team_manager
):
    common = {
        "kind": ReturnKind.CIN_CENSUS,
        "period_start": date(2025, 4, 1),
        "period_end": date(2026, 3, 31),
        "status": RunStatus.DONE,
        "started_by": team_manager,
        "sha256": "1" * 64,
        "content": b"x",
    }
    ReturnRun.objects.create(
        created_at=timezone.now() - timezone.timedelta(days=1),
        counts={"children": 200, "referrals": 220, "assessments": 150},
        **common,
    )
    latest = ReturnRun.objects.create(
        created_at=timezone.now(),
        counts={"children": 150, "referrals": 230, "assessments": 150},
        **common,
    )
    page = client_for("team_manager").get(reverse("returns:run", args=[latest.pk])).content.decode()
    assert "Fell by 50 (25%)" in page
    assert page.count("No fall") == 2


def test_closing_a_case_needs_a_primary_need_unless_nothing_more_was_done(client_for, team_manager):
    person = make.child("V3001")
    case = make.case(person, referral=timezone.localdate(), primary_need="")
    client = client_for("team_manager")
    url = reverse("cases:close", args=[case.pk])

    refused = client.post(url, {"reason": "RC7", "note": "Support ended"})
    assert "Choose the child&#x27;s primary need" in refused.content.decode()
    assert "Support ended" in refused.content.decode()
    client.post(url, {"reason": "RC7", "primary_need": "N4"})
    case.refresh_from_db()
    assert (case.status, case.primary_need, case.referral_nfa) == ("CLOSED", "N4", False)


def test_a_referral_with_no_further_action_closes_without_a_primary_need(client_for):
    person = make.child("V3002")
    case = make.case(person, referral=timezone.localdate(), primary_need="")
    client_for("team_manager").post(
        reverse("cases:close", args=[case.pk]), {"reason": "RC7", "referral_nfa": "on"}
    )
    case = Case.objects.get(pk=case.pk)
    assert case.status == "CLOSED" and case.referral_nfa


def test_the_team_records_the_primary_need_when_it_accepts_the_case(client_for):
    person = make.child("V3003")
    case = make.case(person, referral=timezone.localdate(), primary_need="", status="INCOMING")
    client_for("team_manager").post(
        reverse("cases:intake", args=[case.pk]), {"decision": "ACCEPT", "primary_need": "N5"}
    )
    case.refresh_from_db()
    assert (case.status, case.primary_need) == ("UNALLOCATED", "N5")
