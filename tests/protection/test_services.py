"""The chain of child protection work through its services, each refusing what the current state
does not allow (docs/protection.md)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from cases.models import Case
from cases.services import case_accept
from cases.tasks import case_arrival_notify
from consent.models import SharingRecord
from locality.models import Team, TeamMembership
from protection.clocks import core_group_due, first_review_due, icpc_due, strategy_due_at
from protection.models import (
    Conference,
    ConferenceKind,
    EnquiryOutcome,
    HomeAuthorityNotice,
    PlanStatus,
    ProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
    StrategyStatus,
)
from protection.services import (
    ProtectionError,
    conference_record,
    core_group_record,
    enquiry_record,
    macpt_call_record,
    plan_end,
    strategy_discussion_record,
)
from protection.tasks import home_authority_notify
from referrals.models import Outcome
from tests.protection.conftest import held_at, last_working_day_before

ATTENDEES = [
    ("POLICE", "DC Sam Reed", True),
    ("HEALTH", "Nurse Ola Ade", True),
    ("EDUCATION", "Ms Patel, DSL", False),
]


def _s47(discussion, by, day=None):
    day = day or last_working_day_before(timezone.localdate(), 7)
    strategy_discussion_record(
        discussion=discussion,
        by=by,
        held_at=held_at(day),
        attendees=ATTENDEES,
        information=[("POLICE", "Disclosure to a teacher on Monday")],
        decision="S47_JOINT",
        safety_actions="Child to stay with grandmother tonight",
    )
    return Section47Enquiry.objects.get(strategy_discussion=discussion)


def _substantiated(enquiry, by):
    return enquiry_record(
        enquiry=enquiry,
        by=by,
        child_seen=True,
        child_seen_alone=True,
        child_seen_on=enquiry.start_date,
        outcome=EnquiryOutcome.SUBSTANTIATED_ICPC,
        outcome_note="Bruising consistent with the account",
        completed_date=enquiry.start_date,
    )


def _icpc(enquiry, by, lead, held_on=None, **changes):
    conference = Conference.objects.get(enquiry=enquiry)
    return conference_record(
        conference=conference,
        by=by,
        held_on=held_on or last_working_day_before(timezone.localdate(), 1),
        chair="Independent chair: Ruth Cole",
        attendees="Police, school, health visitor, mother",
        family_views="Mother agrees to the plan",
        child_views="Wants to stay at school",
        **{"decision": "PLAN", "category": "PHY", "lead": lead, **changes},
    )


def test_immediate_protection_starts_a_strategy_discussion_due_the_same_working_day(macpt_case):
    discussion = StrategyDiscussion.objects.get(case=macpt_case)
    received = macpt_case.first_referral.consultation.received_at

    assert (macpt_case.team.slug, discussion.status) == ("macpt-north", StrategyStatus.DUE)
    assert discussion.due_at == strategy_due_at(received)


def test_the_whole_chain_from_strategy_discussion_to_the_first_review(
    discussion, lcpp, macpt_manager
):
    enquiry = _s47(discussion, lcpp)
    assert (enquiry.lcpp, enquiry.joint_with_police) == (lcpp, True)
    assert enquiry.icpc_target_date == icpc_due(enquiry.start_date)
    # Each piece of information shared has its row in the sharing log, naming its source.
    shared = SharingRecord.objects.get(source_id=str(discussion.pk))
    assert (shared.agency, shared.person_id) == ("Police", discussion.case.child_id)

    enquiry = _substantiated(enquiry, lcpp)
    assert enquiry.icpc_not_required is False
    initial = Conference.objects.get(enquiry=enquiry)
    assert initial.due_date == enquiry.icpc_target_date

    held_on = last_working_day_before(timezone.localdate(), 1)
    _icpc(enquiry, macpt_manager, lcpp, held_on=held_on)
    plan = ProtectionPlan.objects.get(case=discussion.case)
    review = Conference.objects.get(plan=plan, kind=ConferenceKind.REVIEW)
    assert (plan.start_date, plan.initial_category, plan.lead) == (held_on, "PHY", lcpp)
    assert plan.core_group_due_date == core_group_due(held_on)
    assert review.due_date == first_review_due(held_on)
    assert review.due_date <= held_on + timedelta(days=92)


def test_every_state_change_checks_the_current_state(discussion, lcpp, macpt_manager):
    enquiry = _s47(discussion, lcpp)
    with pytest.raises(ProtectionError, match="already been recorded"):
        _s47(discussion, lcpp)
    enquiry = _substantiated(enquiry, lcpp)
    with pytest.raises(ProtectionError, match="has ended"):
        _substantiated(enquiry, lcpp)
    conference = _icpc(enquiry, macpt_manager, lcpp)
    with pytest.raises(ProtectionError, match="already been recorded"):
        _icpc(enquiry, macpt_manager, lcpp)
    plan = ProtectionPlan.objects.get(initial_conference=conference)
    core_group_record(plan=plan, by=lcpp, held_on=plan.start_date)
    with pytest.raises(ProtectionError, match="already been recorded"):
        core_group_record(plan=plan, by=lcpp, held_on=plan.start_date)


def test_section_47_needs_an_lcpp_allocated_first(macpt_case, lcpp, macpt_manager):
    discussion = StrategyDiscussion.objects.get(case=macpt_case)
    case_accept(case=macpt_case, manager=macpt_manager)

    with pytest.raises(ProtectionError, match="Allocate the case") as refused:
        _s47(discussion, lcpp)

    assert refused.value.field == "decision"
    discussion.refresh_from_db()
    assert discussion.status == StrategyStatus.DUE


def test_no_section_47_needs_the_reason_and_the_next_step(discussion, lcpp):
    day = last_working_day_before(timezone.localdate(), 1)
    common = {"discussion": discussion, "by": lcpp, "held_at": held_at(day)}
    with pytest.raises(ProtectionError, match="why there is no Section 47") as refused:
        strategy_discussion_record(**common, attendees=ATTENDEES, information=[], decision="NO_S47")
    assert refused.value.field == "no_s47_reason"

    strategy_discussion_record(
        **common,
        attendees=ATTENDEES,
        information=[],
        decision="NO_S47",
        no_s47_reason="An accident, seen by staff",
        next_step="Family Help Assessment by Rugby",
    )
    assert not Section47Enquiry.objects.filter(strategy_discussion=discussion).exists()


def test_only_the_macpt_records_its_work(discussion, rugby_fhlp, team_manager):
    for outsider in (rugby_fhlp, team_manager):
        with pytest.raises(ProtectionError, match="Only members of MACPT North"):
            _s47(discussion, outsider)


def test_an_enquiry_cannot_end_before_the_child_is_seen(discussion, lcpp):
    enquiry = _s47(discussion, lcpp)
    with pytest.raises(ProtectionError, match="before the child has been seen") as refused:
        enquiry_record(enquiry=enquiry, by=lcpp, outcome=EnquiryOutcome.NOT_SUBSTANTIATED)
    assert refused.value.field == "child_seen"
    enquiry = enquiry_record(
        enquiry=enquiry,
        by=lcpp,
        child_seen=True,
        child_seen_on=enquiry.start_date,
        outcome=EnquiryOutcome.NOT_SUBSTANTIATED,
    )
    assert enquiry.icpc_not_required is True
    assert not Conference.objects.filter(enquiry=enquiry).exists()


def test_a_plan_is_led_only_by_a_registered_social_worker(discussion, lcpp, macpt_manager):
    enquiry = _substantiated(_s47(discussion, lcpp), lcpp)
    unregistered = User.objects.create(username="una.unregistered", role=Role.LCPP)
    TeamMembership.objects.create(
        user=unregistered, team=Team.objects.get(slug="macpt-north"), start_date=enquiry.start_date
    )

    with pytest.raises(ProtectionError, match="no Social Work England number") as refused:
        _icpc(enquiry, macpt_manager, unregistered)

    assert refused.value.field == "lead"
    assert not ProtectionPlan.objects.exists()


def test_a_conference_is_never_held_at_a_weekend(discussion, lcpp, macpt_manager):
    enquiry = _substantiated(_s47(discussion, lcpp), lcpp)
    today = timezone.localdate()
    saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)

    with pytest.raises(ProtectionError, match="never at a weekend") as refused:
        _icpc(enquiry, macpt_manager, lcpp, held_on=saturday)

    assert refused.value.field == "held_on"


def test_a_review_continues_the_plan_or_ends_it(discussion, lcpp, macpt_manager):
    enquiry = _substantiated(
        _s47(discussion, lcpp, last_working_day_before(timezone.localdate(), 20)), lcpp
    )
    _icpc(enquiry, macpt_manager, lcpp, held_on=last_working_day_before(timezone.localdate(), 10))
    plan = ProtectionPlan.objects.get()
    review = Conference.objects.get(plan=plan)
    conference_record(
        conference=review,
        by=lcpp,
        held_on=last_working_day_before(timezone.localdate(), 1),
        chair="Ruth Cole",
        attendees="",
        family_views="",
        child_views="",
        decision="END",
    )
    plan.refresh_from_db()
    assert (plan.status, plan.end_reason) == (PlanStatus.ENDED, "NO_LONGER_AT_RISK")
    with pytest.raises(ProtectionError, match="already ended"):
        plan_end(plan=plan, by=lcpp, reason="MOVED_AWAY", end_date=timezone.localdate())


def test_the_macpt_call_is_recorded_once_per_family(macpt_case, practitioner, fc_manager):
    consultation = macpt_case.first_referral.consultation
    team = macpt_case.team
    with pytest.raises(ProtectionError, match="who you spoke to") as refused:
        macpt_call_record(consultation=consultation, team=team, spoke_to=" ", by=practitioner)
    assert refused.value.field == "spoke_to"

    call = macpt_call_record(
        consultation=consultation, team=team, spoke_to="Megan Doyle", by=practitioner
    )
    with pytest.raises(ProtectionError, match="already recorded the call"):
        macpt_call_record(consultation=consultation, team=team, spoke_to="Megan", by=fc_manager)
    assert call.phoned_by == practitioner


def test_one_macpt_alert_per_family_not_per_child(
    refer, rugby_family, second_child, practitioner, fc_manager
):
    from consent.models import ExceptionReason, FamilyTold, Purpose
    from consent.services import consent_exception_record
    from referrals.models import CallPurpose
    from referrals.services import (
        consultation_child_add,
        consultation_child_authorise,
        consultation_child_decide,
        consultation_start,
        consultation_submit,
    )
    from tests.referrals.helpers import fill_in_the_call, level_recorded

    children = [rugby_family["child"], second_child]
    consultation = consultation_start(practitioner=practitioner)
    fill_in_the_call(consultation, practitioner, purpose=CallPurpose.REFERRAL)
    links = []
    for child in children:
        consent_exception_record(
            child=child,
            purpose=Purpose.IMMEDIATE_PROTECTION,
            reason=ExceptionReason.CHILD_PROTECTION,
            rationale="Disclosure",
            decided_by=practitioner,
            family_told=FamilyTold.NOT_YET,
        )
        link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
        links.append(
            consultation_child_decide(
                link=link,
                outcome=Outcome.IMMEDIATE_PROTECTION,
                decided_by=practitioner,
                postcode=rugby_family["postcode"],
                spectrum_decision=level_recorded(
                    child, practitioner, Outcome.IMMEDIATE_PROTECTION, consultation=consultation
                ),
            )
        )
    consultation_submit(consultation=consultation, submitted_by=practitioner)
    for link in links:
        consultation_child_authorise(link=link, manager=fc_manager)
    mail.outbox.clear()

    for case in Case.objects.filter(team__slug="macpt-north"):
        case_arrival_notify.apply(args=[str(case.pk)])

    alerts = [m for m in mail.outbox if m.to == ["macpt.north.urgent@warwickshire.gov.uk"]]
    assert len(alerts) == 1
    assert "2 children in one family" in alerts[0].body
    assert not Case.objects.filter(arrival_notified_at__isnull=True).exists()


def test_a_child_found_here_but_living_elsewhere_gets_the_macpt_and_their_home_authority_is_told(
    refer, found_here, settings
):
    settings.PROTECTION_HOME_AUTHORITY_EMAIL = "cp.coventry@example.gov.uk"

    link = refer(found_here, Outcome.IMMEDIATE_PROTECTION)

    case = Case.objects.get(opened_by=link)
    assert case.team.slug == "macpt-north"
    assert any("Lives outside Warwickshire (E08000026)" in r for r in link.routing_reasons)
    notice = HomeAuthorityNotice.objects.get(case=case)
    assert (notice.la_code, notice.postcode, notice.notified_at) == ("E08000026", "CV1 2AA", None)

    assert home_authority_notify.apply(args=[notice.pk]).get() is True
    assert home_authority_notify.apply(args=[notice.pk]).get() is False  # sent once
    sent = [m for m in mail.outbox if m.to == ["cp.coventry@example.gov.uk"]]
    assert len(sent) == 1 and "E08000026" in sent[0].body
    notice.refresh_from_db()
    assert notice.notified_at is not None


def test_a_strategy_discussion_cannot_be_dated_before_the_referral(discussion, lcpp):
    before = discussion.case.referral_date - timedelta(days=1)
    with pytest.raises(ProtectionError, match="cannot be before it") as refused:
        _s47(discussion, lcpp, day=before)
    assert refused.value.field == "held_at"


def test_the_sweep_warns_the_macpt_managers_once_as_the_icpc_comes_due(
    discussion, lcpp, macpt_manager
):
    from protection.services import protection_clock_sweep

    macpt_manager.email = "megan.doyle@warwickshire.gov.uk"
    macpt_manager.save(update_fields=["email"])
    enquiry = _s47(discussion, lcpp)
    far_ahead = enquiry.icpc_target_date - timedelta(days=21)
    assert protection_clock_sweep(today=far_ahead) == {"escalated": 0}
    mail.outbox.clear()

    assert protection_clock_sweep(today=enquiry.icpc_target_date) == {"escalated": 1}
    assert protection_clock_sweep(today=enquiry.icpc_target_date) == {"escalated": 0}

    (warning,) = mail.outbox
    assert warning.to == ["megan.doyle@warwickshire.gov.uk"]
    assert "ICPC for the Section 47 enquiry" in warning.body
    enquiry.refresh_from_db()
    assert enquiry.escalated_at is not None


def test_the_plan_keeps_how_many_plans_the_child_had_before(
    discussion, lcpp, macpt_manager, client_for
):
    """CIN census NumberOfPreviousCPP, asked on the initial conference form (docs/returns.md)."""
    enquiry = _substantiated(_s47(discussion, lcpp), lcpp)
    conference = Conference.objects.get(enquiry=enquiry)
    form = client_for("lcpp").get(reverse("protection:conference", args=[conference.pk]))
    assert "How many child protection plans has the child had before" in form.content.decode()
    _icpc(enquiry, macpt_manager, lcpp, previous_plans=2)
    assert ProtectionPlan.objects.get().previous_plans == 2
