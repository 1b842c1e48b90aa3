"""The assessment's states, each change checking the current state first (docs/pathway.md)."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from consent.models import SharingRecord
from familyfirst.clocks import add_working_days_to_date
from pathway.models import (
    AssessmentVersion,
    FamilyCopy,
    FamilyCopyStatus,
    PlanItem,
    SituationEntry,
    VersionStatus,
)
from pathway.selectors import assessment_plan_items, versions_compare
from pathway.services import (
    DraftConflict,
    PathwayError,
    assessment_revisit,
    assessment_start,
    assessments_due_warning_send,
    family_copy_request,
    family_copy_work,
    version_draft_save,
    version_sign_off,
    version_submit,
)
from people.models import ChronologyEvent
from tests.pathway.conftest import spectrum_record

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers need PostgreSQL"
)


def _fill(version, by, child):
    """A complete version: what is happening now, who is affected, an understanding, a plan."""
    now_key, affected_key = uuid.uuid4(), uuid.uuid4()
    version = version_draft_save(
        version=version,
        part="situation",
        revision=version.revision,
        values={"context_housing": "Rented flat"},
        rows=[
            {
                "key": now_key,
                "topic": "NOW",
                "voice": "FAMILY",
                "nature": "OPINION",
                "person_id": None,
                "text": "Mornings are a battle",
            },
            {
                "key": affected_key,
                "topic": "AFFECTED",
                "voice": "WORKER",
                "nature": "FACT",
                "person_id": child.pk,
                "text": "Late to school 14 times",
            },
        ],
        saved_by=by,
    )
    version = version_draft_save(
        version=version,
        part="understanding",
        revision=version.revision,
        values={},
        rows=[
            {
                "key": uuid.uuid4(),
                "kind": "KEEPS_GOING",
                "text": "No routine",
                "rests_on": [now_key, affected_key],
            }
        ],
        saved_by=by,
    )
    version = version_draft_save(
        version=version,
        part="plan",
        revision=version.revision,
        values={},
        rows=[
            {
                "key": uuid.uuid4(),
                "need": "A routine chart",
                "outcome": "On time",
                "for_person_id": child.pk,
            }
        ],
        saved_by=by,
    )
    version = version_draft_save(
        version=version,
        part="review",
        revision=version.revision,
        values={
            "family_agreement": "AGREE",
            "family_words": "Yes",
            "factors": ["4B"],
        },
        rows=[],
        saved_by=by,
    )
    spectrum_record(child, by)
    return version


@pytest.fixture
def assessment(fhlp_case, rugby_fhlp, rugby_family):
    return assessment_start(
        case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )


@pytest.fixture
def signed_off(assessment, rugby_fhlp, team_manager, rugby_family):
    version = _fill(assessment.versions.get(), rugby_fhlp, rugby_family["child"])
    version_submit(version=version, submitted_by=rugby_fhlp)
    return version_sign_off(version=version, manager=team_manager)


def test_a_family_help_assessment_runs_on_the_referrals_clock_and_an_esa_on_its_own(
    fhlp_case, rugby_fhlp, rugby_family, team_manager
):
    fha = assessment_start(
        case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    assert fha.due_date == fhlp_case.assessment_due_date
    assert ChronologyEvent.objects.filter(
        person=rugby_family["child"], kind="ASSESSMENT_STARTED"
    ).exists()
    # One unfinished assessment at a time on a case.
    with pytest.raises(PathwayError, match="already has an assessment in progress"):
        assessment_start(
            case=fhlp_case, kind="ESA", children=[rugby_family["child"]], started_by=rugby_fhlp
        )
    AssessmentVersion.objects.filter(assessment=fha).update(
        status="SIGNED_OFF", signed_off_at=timezone.now(), signed_off_by=team_manager
    )
    start = timezone.localdate()
    esa = assessment_start(
        case=fhlp_case, kind="ESA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    assert esa.due_date == add_working_days_to_date(start, 45)


def test_the_case_child_must_be_assessed_and_outsiders_cannot_start(
    fhlp_case, rugby_fhlp, warwick_fhlp, rugby_family
):
    with pytest.raises(PathwayError, match="must include"):
        assessment_start(
            case=fhlp_case, kind="FHA", children=[rugby_family["teenager"]], started_by=rugby_fhlp
        )
    with pytest.raises(PathwayError, match="Only a worker in the case's team"):
        assessment_start(
            case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=warwick_fhlp
        )


def test_a_stale_save_is_refused_and_overwrites_nothing(assessment, rugby_fhlp, team_manager):
    version = assessment.versions.get()
    key = uuid.uuid4()
    row = {"key": key, "topic": "NOW", "voice": "WORKER", "nature": "FACT", "person_id": None}
    saved = version_draft_save(
        version=version,
        part="situation",
        revision=0,
        values={},
        rows=[{**row, "text": "First words"}],
        saved_by=team_manager,
    )
    assert saved.revision == 1
    with pytest.raises(DraftConflict, match="while you were typing"):
        version_draft_save(
            version=version,
            part="situation",
            revision=0,
            values={},
            rows=[{**row, "text": "Older words"}],
            saved_by=rugby_fhlp,
        )
    assert SituationEntry.objects.get(key=key).text == "First words"
    # The same row posted again (as the autosave does) updates it, never copies it.
    version_draft_save(
        version=version,
        part="situation",
        revision=1,
        values={},
        rows=[{**row, "text": "Corrected words"}],
        saved_by=rugby_fhlp,
    )
    assert list(SituationEntry.objects.filter(version=version).values_list("text", flat=True)) == [
        "Corrected words"
    ]


def test_an_incomplete_version_cannot_be_submitted(assessment, rugby_fhlp):
    with pytest.raises(PathwayError, match="what is happening now"):
        version_submit(version=assessment.versions.get(), submitted_by=rugby_fhlp)


def test_the_author_cannot_sign_off_and_a_draft_cannot_be_signed_off(
    assessment, rugby_fhlp, team_manager, rugby_family
):
    version = assessment.versions.get()
    with pytest.raises(PathwayError, match="not waiting for sign-off"):
        version_sign_off(version=version, manager=team_manager)
    # The team manager wrote this one: another manager must sign it off.
    version.author = team_manager
    version.save(update_fields=["author"])
    version = _fill(version, rugby_fhlp, rugby_family["child"])
    version_submit(version=version, submitted_by=rugby_fhlp)
    with pytest.raises(PathwayError, match="another manager must sign it off"):
        version_sign_off(version=version, manager=team_manager)
    with pytest.raises(PathwayError, match="Only a manager"):
        version_sign_off(version=version, manager=rugby_fhlp)


def test_sign_off_authorises_and_the_signed_off_version_is_final(
    signed_off, rugby_fhlp, team_manager
):
    assessment = signed_off.assessment
    assessment.refresh_from_db()
    assert assessment.authorised_date == timezone.localdate()
    with pytest.raises(PathwayError, match="can no longer be changed"):
        version_draft_save(
            version=signed_off,
            part="review",
            revision=signed_off.revision,
            values={"family_words": "Changed later"},
            rows=[],
            saved_by=rugby_fhlp,
        )
    assert assessment_plan_items(assessment=assessment).get().need == "A routine chart"


@needs_postgres
def test_the_database_refuses_to_change_a_signed_off_version_or_its_entries(signed_off):
    with pytest.raises(DatabaseError, match="final"), transaction.atomic():
        AssessmentVersion.objects.filter(pk=signed_off.pk).update(family_words="Rewritten")
    with pytest.raises(DatabaseError, match="Only a draft"), transaction.atomic():
        PlanItem.objects.filter(version=signed_off).update(need="Rewritten")
    with pytest.raises(DatabaseError, match="Only a draft"), transaction.atomic():
        SituationEntry.objects.filter(version=signed_off).delete()
    signed_off.refresh_from_db()
    assert signed_off.family_words == "Yes"


def test_revisiting_copies_every_entry_with_its_key_and_the_comparison_finds_changes(
    signed_off, rugby_fhlp, rugby_family
):
    assessment = signed_off.assessment
    with pytest.raises(PathwayError, match="Say what has changed"):
        assessment_revisit(assessment=assessment, by=rugby_fhlp, reason=" ")
    second = assessment_revisit(assessment=assessment, by=rugby_fhlp, reason="Dad moved back")
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    assert set(second.situation_entries.values_list("key", flat=True)) == set(
        signed_off.situation_entries.values_list("key", flat=True)
    )
    copied = second.understanding_entries.get()
    assert {s.version_id for s in copied.rests_on.all()} == {second.pk}
    assert all(row.change == "same" for row in versions_compare(left=signed_off, right=second))

    now = second.situation_entries.get(topic="NOW")
    version_draft_save(
        version=second,
        part="situation",
        revision=second.revision,
        values={},
        rows=[
            {
                "key": now.key,
                "topic": "NOW",
                "voice": "FAMILY",
                "nature": "OPINION",
                "person_id": None,
                "text": "Mornings are calmer",
            },
            {
                "key": uuid.uuid4(),
                "topic": "STRENGTH",
                "voice": "WORKER",
                "nature": "FACT",
                "person_id": None,
                "text": "Dad does the school run",
            },
        ],
        saved_by=rugby_fhlp,
    )
    rows = versions_compare(left=signed_off, right=AssessmentVersion.objects.get(pk=second.pk))
    changes = {(row.label, row.change) for row in rows if row.change != "same"}
    assert changes == {
        ("What is happening now", "changed"),
        ("Positives and strengths", "added"),
    }
    with pytest.raises(PathwayError, match="must be signed off"):
        assessment_revisit(assessment=assessment, by=rugby_fhlp, reason="Again")


def test_the_printed_family_copy_is_a_pdf_and_every_sharing_is_logged(
    signed_off, rugby_fhlp, rugby_family
):
    copy = family_copy_request(
        version=signed_off,
        method="PRINT",
        recipient_name="Claire Dawson",
        recipient_email="",
        by=rugby_fhlp,
    )
    assert family_copy_work(copy_id=copy.pk) is None
    copy.refresh_from_db()
    assert copy.status == FamilyCopyStatus.READY
    assert bytes(copy.pdf).startswith(b"%PDF")
    family_copy_work(copy_id=copy.pk)  # again, as a repeated message would: nothing more
    records = SharingRecord.objects.filter(source_type="pathway.familycopy", source_id=str(copy.pk))
    assert [r.person_id for r in records] == [rugby_family["child"].pk]
    assert "printed" in records.get().what


def test_only_a_signed_off_version_can_be_shared(assessment, rugby_fhlp):
    with pytest.raises(PathwayError, match="Only a signed-off"):
        family_copy_request(
            version=assessment.versions.get(),
            method="PRINT",
            recipient_name="Claire",
            recipient_email="",
            by=rugby_fhlp,
        )
    assert not FamilyCopy.objects.exists()


def test_the_manager_is_warned_once_before_the_assessment_is_due(
    assessment, team_manager, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assessment.due_date = add_working_days_to_date(timezone.localdate(), 3)
    assessment.save(update_fields=["due_date"])
    assert assessments_due_warning_send() == 1
    assert [m.to for m in mail.outbox] == [[team_manager.email]]
    assert "due soon" in mail.outbox[0].subject
    assert assessments_due_warning_send() == 0
    assert len(mail.outbox) == 1


def test_a_warning_is_not_lost_while_the_mail_server_is_down(assessment, settings):
    from tests.workers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    assessment.due_date = timezone.localdate() - timedelta(days=1)
    assessment.save(update_fields=["due_date"])
    assert assessments_due_warning_send() == 0  # nothing listens on that port
    assessment.refresh_from_db()
    assert assessment.due_warning_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert assessments_due_warning_send() == 1
    assert "overdue" in mail.outbox[0].subject


def test_sign_off_links_each_childs_spectrum_decision_recorded_since_the_version_began(
    signed_off, rugby_family
):
    child = rugby_family["child"]
    linked = list(signed_off.spectrum_decisions.all())
    assert [d.person_id for d in linked] == [child.pk]
    assert linked[0].decided_level == "FAMILY_HELP"
    assert linked[0].decided_at >= signed_off.created_at
    assert signed_off.spectrum_level == "FAMILY_HELP"


def test_a_decision_from_before_the_version_does_not_count(
    signed_off, rugby_fhlp, team_manager, rugby_family
):
    # Revisiting starts version 2: the level decided for version 1 must be weighed again.
    second = assessment_revisit(
        assessment=signed_off.assessment, by=rugby_fhlp, reason="Dad moved back"
    )
    with pytest.raises(PathwayError, match="record Mia"):
        version_submit(version=second, submitted_by=rugby_fhlp)
    # A version submitted before this rule (an earlier build let it through) cannot be signed
    # off either: the message goes beside the manager's decision.
    AssessmentVersion.objects.filter(pk=second.pk).update(
        status=VersionStatus.SUBMITTED, submitted_by=rugby_fhlp, submitted_at=timezone.now()
    )
    second.refresh_from_db()
    with pytest.raises(PathwayError, match="No Spectrum of Support level was recorded") as error:
        version_sign_off(version=second, manager=team_manager)
    assert error.value.field == "decision"


def test_the_case_worker_may_record_the_level_only_while_an_assessment_is_drafted(
    assessment, rugby_fhlp, warwick_fhlp, team_manager, rugby_family
):
    from spectrum.scope import may_record_for
    from spectrum.services import SpectrumDecisionError

    child = rugby_family["child"]
    assert may_record_for(user=rugby_fhlp, person_id=child.pk)
    # Another team's worker has no reason to.
    assert not may_record_for(user=warwick_fhlp, person_id=child.pk)
    with pytest.raises(SpectrumDecisionError, match="Only Family Connect"):
        spectrum_record(child, warwick_fhlp)
    version = _fill(assessment.versions.get(), rugby_fhlp, child)
    version_submit(version=version, submitted_by=rugby_fhlp)
    # Submitted, nothing is being drafted: the worker's right ends.
    assert not may_record_for(user=rugby_fhlp, person_id=child.pk)
