"""The case's states, each change checking the current state first (docs/cases.md)."""

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Allocation, Case, CaseEvent, CaseStatus, CaseTask, TransferReason
from cases.services import (
    CaseError,
    case_accept,
    case_allocate,
    case_arrival_notify_send,
    case_close,
    case_note_record,
    case_send_back,
    case_task_done,
    case_task_set,
    case_transfer,
)
from locality.models import Team, TeamMembership
from people.models import ChronologyEvent
from referrals.models import Outcome


def _member(team_slug, username, role, *, swe=""):
    user = User.objects.create(
        username=username,
        first_name=username.split(".")[0].title(),
        last_name="Worker",
        role=role,
        email=f"{username}@example.org",
        social_work_england_number=swe,
    )
    TeamMembership.objects.create(
        user=user, team=Team.objects.get(slug=team_slug), start_date=timezone.localdate()
    )
    return user


def test_an_authorised_referral_opens_one_case_in_the_incoming_queue_with_its_level(rugby_case):
    assert rugby_case.status == CaseStatus.INCOMING
    assert rugby_case.level == "FAMILY_HELP"
    assert rugby_case.first_referral_id == rugby_case.opened_by_id
    assert list(rugby_case.events.values_list("kind", flat=True)) == ["OPENED"]
    # The child's own chronology carries the event too, so it travels with them.
    assert ChronologyEvent.objects.filter(person=rugby_case.child, kind="CASE_OPENED").exists()


def test_the_manager_accepts_and_allocates_and_the_history_is_kept(
    rugby_case, team_manager, rugby_fhlp
):
    case_accept(case=rugby_case, manager=team_manager)
    case = case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    colleague = _member("family-help-rugby", "sam.patel", Role.FHLP)
    case = case_allocate(case=case, worker=colleague, manager=team_manager, reason="Leave cover")

    assert (case.status, case.allocated_to) == (CaseStatus.ALLOCATED, colleague)
    history = list(Allocation.objects.filter(case=case).order_by("started_at"))
    assert [(a.worker, a.allocated_by, a.ended_at is None) for a in history] == [
        (rugby_fhlp, team_manager, False),
        (colleague, team_manager, True),
    ]
    assert "Re-allocated from Rhiannon Evans to Sam Worker" in case.events.first().summary


def test_a_case_is_accepted_once_and_a_second_accept_is_refused(rugby_case, team_manager):
    case_accept(case=rugby_case, manager=team_manager)

    with pytest.raises(CaseError, match="accepted: not allocated, so you cannot accept it"):
        case_accept(case=rugby_case, manager=team_manager)


def test_only_the_team_s_own_manager_accepts_its_cases(rugby_case, macpt_manager, rugby_fhlp):
    for someone in (macpt_manager, rugby_fhlp):
        with pytest.raises(CaseError, match="Only a manager of Rugby Family Help team"):
            case_accept(case=rugby_case, manager=someone)
    assert Case.objects.get(pk=rugby_case.pk).status == CaseStatus.INCOMING


def test_sending_back_needs_a_reason_and_ends_the_case_for_the_team(rugby_case, team_manager):
    with pytest.raises(CaseError, match="Say why"):
        case_send_back(case=rugby_case, manager=team_manager, reason="  ")

    case = case_send_back(
        case=rugby_case, manager=team_manager, reason="The family moved to Nuneaton last month"
    )

    assert case.status == CaseStatus.SENT_BACK
    assert case.closed_by == team_manager
    with pytest.raises(CaseError, match="sent back to family connect, so you cannot accept"):
        case_accept(case=case, manager=team_manager)


def test_a_child_protection_case_goes_only_to_a_registered_social_worker(
    refer, rugby_family, macpt_manager, lcpp
):
    link = refer(rugby_family["child"], Outcome.IMMEDIATE_PROTECTION)
    case = Case.objects.get(opened_by=link)
    assert (case.team.slug, case.level, case.urgent) == (
        "macpt-north",
        "IMMEDIATE_PROTECTION",
        True,
    )
    case_accept(case=case, manager=macpt_manager)
    unregistered = _member("macpt-north", "una.unregistered", Role.LCPP)

    with pytest.raises(CaseError, match="needs a registered social worker"):
        case_allocate(case=case, worker=unregistered, manager=macpt_manager)
    case = case_allocate(case=case, worker=lcpp, manager=macpt_manager)

    assert case.allocated_to == lcpp


def test_a_worker_outside_the_team_cannot_be_allocated(rugby_case, team_manager, warwick_fhlp):
    case_accept(case=rugby_case, manager=team_manager)

    with pytest.raises(CaseError, match="is not a case-holding member of Rugby"):
        case_allocate(case=rugby_case, worker=warwick_fhlp, manager=team_manager)


def test_a_visit_records_who_was_seen_and_refuses_seen_alone_without_seen(
    rugby_case, team_manager, rugby_fhlp
):
    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    with pytest.raises(CaseError, match="tick both"):
        case_note_record(
            case=rugby_case,
            by=rugby_fhlp,
            kind="HOME_VISIT",
            occurred_at=timezone.now(),
            text="Visited",
            child_seen_alone=True,
        )

    note = case_note_record(
        case=rugby_case,
        by=rugby_fhlp,
        kind="HOME_VISIT",
        occurred_at=timezone.now(),
        text="Mia showed me her room.",
        who_was_seen="Mia and Claire",
        child_seen=True,
        child_seen_alone=True,
    )

    assert (note.child_seen, note.child_seen_alone, note.written_by) == (True, True, rugby_fhlp)
    assert rugby_case.events.filter(kind="CONTACT", summary="Home visit, child seen alone").exists()


def test_someone_outside_the_team_cannot_write_on_the_case(rugby_case, warwick_fhlp):
    with pytest.raises(CaseError, match="Only members of Rugby Family Help team"):
        case_note_record(
            case=rugby_case, by=warwick_fhlp, kind="NOTE", occurred_at=timezone.now(), text="x"
        )


def test_a_task_is_done_once(rugby_case, team_manager, rugby_fhlp):
    task = case_task_set(
        case=rugby_case,
        by=team_manager,
        title="Visit within 3 working days",
        due_date=timezone.localdate(),
        assigned_to=rugby_fhlp,
    )
    case_task_done(task=task, by=rugby_fhlp)

    with pytest.raises(CaseError, match="already marked done by Rhiannon Evans"):
        case_task_done(task=task, by=team_manager)
    assert CaseTask.objects.get(pk=task.pk).done_by == rugby_fhlp


def test_a_step_up_to_the_macpt_opens_a_linked_case_there_without_re_keying(
    rugby_case, team_manager, rugby_fhlp, django_capture_on_commit_callbacks
):
    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)

    new_case = case_transfer(
        case=rugby_case,
        to_team=Team.objects.get(slug="macpt-north"),
        reason=TransferReason.STEP_UP_MACPT,
        note="Mia disclosed being hit at home",
        by=rugby_fhlp,
    )

    old = Case.objects.get(pk=rugby_case.pk)
    assert old.status == CaseStatus.TRANSFERRED
    assert old.allocations.get().ended_at is not None
    assert (new_case.status, new_case.team.slug) == (CaseStatus.INCOMING, "macpt-north")
    assert (new_case.level, new_case.urgent) == ("IMMEDIATE_PROTECTION", True)
    assert new_case.previous_case == old
    assert new_case.first_referral_id == old.first_referral_id
    assert new_case.referral_date == old.referral_date
    # The child's chronology tells the whole story, both teams' parts.
    kinds = set(ChronologyEvent.objects.filter(person=old.child).values_list("kind", flat=True))
    assert {"CASE_OPENED", "CASE_TRANSFERRED_OUT", "CASE_TRANSFERRED_IN"} <= kinds


def test_a_transfer_is_refused_while_the_case_is_still_incoming(rugby_case, team_manager):
    with pytest.raises(CaseError, match="so you cannot transfer it"):
        case_transfer(
            case=rugby_case,
            to_team=Team.objects.get(slug="family-help-warwick"),
            reason=TransferReason.LOCALITY_MOVE,
            note="",
            by=team_manager,
        )


def test_closing_needs_a_census_reason_and_then_nothing_more_can_be_written(
    rugby_case, team_manager, rugby_fhlp
):
    case_accept(case=rugby_case, manager=team_manager)
    with pytest.raises(CaseError, match="Choose the reason"):
        case_close(case=rugby_case, manager=team_manager, reason="RC99")

    case = case_close(case=rugby_case, manager=team_manager, reason="RC8", note="No needs found")

    assert (case.status, case.closure_reason, case.closed_by) == ("CLOSED", "RC8", team_manager)
    with pytest.raises(CaseError, match="closed, so you cannot add to it"):
        case_note_record(
            case=case, by=rugby_fhlp, kind="NOTE", occurred_at=timezone.now(), text="Late note"
        )
    with pytest.raises(CaseError, match="closed, so you cannot close it"):
        case_close(case=case, manager=team_manager, reason="RC8")


def test_a_second_referral_to_the_same_team_joins_the_open_case(
    refer, rugby_family, rugby_case, team_manager, rugby_fhlp, django_capture_on_commit_callbacks
):
    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        second = refer(rugby_family["child"], mother=rugby_family["mother"])

    assert Case.objects.filter(child=rugby_family["child"]).count() == 1
    second.refresh_from_db()
    assert second.joined_case == rugby_case
    assert rugby_case.events.filter(kind="REFERRAL_JOINED").exists()
    assert CaseTask.objects.get(case=rugby_case).assigned_to == rugby_fhlp
    assert [m.to for m in mail.outbox if "new information" in m.subject] == [[rugby_fhlp.email]]


def test_pass_to_the_allocated_worker_needs_an_open_case_and_opens_no_second_one(
    refer, rugby_family, rugby_case, team_manager, rugby_fhlp
):
    from referrals.services import (
        ConsultationError,
        consultation_child_add,
        consultation_child_decide,
        consultation_start,
    )

    stranger_child = rugby_family["teenager"]
    consultation = consultation_start(practitioner=rugby_case.first_referral.decided_by)
    link = consultation_child_add(
        consultation=consultation, child=stranger_child, added_by=consultation.practitioner
    )
    with pytest.raises(ConsultationError, match="is not open to a team"):
        consultation_child_decide(
            link=link, outcome=Outcome.PASS_TO_WORKER, decided_by=consultation.practitioner
        )

    case_accept(case=rugby_case, manager=team_manager)
    case_allocate(case=rugby_case, worker=rugby_fhlp, manager=team_manager)
    passed = refer(rugby_family["child"], Outcome.PASS_TO_WORKER, authorise=True)

    passed.refresh_from_db()
    assert passed.joined_case == rugby_case
    assert Case.objects.filter(child=rugby_family["child"]).count() == 1
    assert rugby_case.events.filter(kind="INFORMATION_PASSED").exists()


def test_a_new_referral_within_12_months_of_the_last_is_a_re_referral(
    refer, rugby_family, rugby_case, team_manager
):
    case_accept(case=rugby_case, manager=team_manager)
    case_close(case=rugby_case, manager=team_manager, reason="RC8")

    again = refer(rugby_family["child"], mother=rugby_family["mother"])

    new_case = Case.objects.get(opened_by=again)
    assert new_case.re_referral_of == rugby_case
    assert "Re-referral" in new_case.events.get(kind="OPENED").summary


def test_the_arrival_email_goes_once_and_only_after_the_mail_server_takes_it(rugby_case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()

    assert case_arrival_notify_send(case_id=rugby_case.pk) is True
    assert case_arrival_notify_send(case_id=rugby_case.pk) is False

    assert len(mail.outbox) == 1
    assert "New case for Rugby Family Help team" in mail.outbox[0].subject
    assert Case.objects.get(pk=rugby_case.pk).arrival_notified_at is not None


def test_a_failed_arrival_email_is_not_marked_sent(rugby_case, settings):
    # An SMTP server that refuses connections: nothing listens on port 1.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    with pytest.raises(OSError):
        case_arrival_notify_send(case_id=rugby_case.pk)

    assert Case.objects.get(pk=rugby_case.pk).arrival_notified_at is None


def test_case_events_cannot_be_rewritten(rugby_case):
    from audit.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.filter(case=rugby_case).update(summary="Changed")
