import logging
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import rules
from accounts.models import Role, User
from cases.selectors import open_cases_for_children
from cases.services import CaseError, case_open, case_pass_to_worker
from consent.models import Purpose
from consent.selectors import consent_check
from familyfirst.clocks import add_working_days, add_working_days_to_date
from letters.services import letter_job_create
from locality.models import Team
from locality.selectors import routing_resolve
from locality.services import routing_override_record
from people.selectors import home_postcode
from protection.services import out_of_county_team, protection_case_opened
from referrals.models import (
    OPENS_REFERRAL,
    ROUTING_LEVEL,
    AuthorisationStatus,
    CallPurpose,
    Consultation,
    ConsultationChild,
    ConsultationReferenceCounter,
    ConsultationStatus,
    Outcome,
)
from spectrum.selectors import decision_is_superseded, person_is_child
from spectrum.services import spectrum_decision_authorise, spectrum_decision_consultation_link

logger = logging.getLogger(__name__)

DRAFT_FIELDS = [
    "typed_not_saved",
    "channel",
    "received_at",
    "purpose",
    "purpose_detail",
    "caller_name",
    "caller_role",
    "caller_agency_type",
    "caller_organisation",
    "caller_phone",
    "caller_email",
    "caller_relationship",
    "caller_anonymous",
    "concerns",
    "child_location_now",
    "safe_now",
    "family_knows",
    "child_views",
    "strengths",
    "action_plan",
]


class ConsultationError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DraftConflict(ConsultationError):
    """Someone else saved the consultation since this copy was loaded."""


def _next_reference(received_at) -> str:
    """The next FC-<year>-<number>, taken under a lock on the year's counter row that is held
    until the caller's transaction ends, so it cannot be given twice. A number above the
    counter (a consultation imported or written some other way) is stepped over."""
    year = timezone.localtime(received_at).year
    prefix = f"FC-{year}-"
    ConsultationReferenceCounter.objects.get_or_create(year=year)
    counter = ConsultationReferenceCounter.objects.select_for_update().get(year=year)
    newest = (
        Consultation.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    newest_number = int(newest.removeprefix(prefix)) if newest else 0
    counter.last_number = max(counter.last_number, newest_number) + 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}{counter.last_number:06d}"


@transaction.atomic
def consultation_start(
    *, practitioner, received_at=None, channel: str = "TELEPHONE"
) -> Consultation:
    if not rules.can_take_consultations(practitioner):
        raise ConsultationError("Only Family Connect staff take consultations")
    received_at = received_at or timezone.now()
    return Consultation.objects.create(
        reference=_next_reference(received_at),
        practitioner=practitioner,
        channel=channel,
        received_at=received_at,
        decision_due_at=add_working_days(received_at, 1),
        updated_by=practitioner,
    )


@transaction.atomic
def consultation_draft_save(
    *, consultation: Consultation, changes: dict, version: int, saved_by
) -> Consultation:
    """Save what has been typed so far. ``version`` is the version the typist started from: if
    someone else has saved since, nothing is overwritten and DraftConflict says who."""
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise ConsultationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    if consultation.status != ConsultationStatus.DRAFT:
        raise ConsultationError(
            "This consultation has been submitted and can no longer be changed here"
        )
    changes = dict(changes)
    if changes.get("received_at"):
        # The clock follows the time received: a call logged late keeps its real due time.
        changes["decision_due_at"] = add_working_days(changes["received_at"], 1)
    elif "received_at" in changes:
        del changes["received_at"]
    updated = Consultation.objects.filter(
        pk=consultation.pk, version=version, status=ConsultationStatus.DRAFT
    ).update(**changes, version=F("version") + 1, updated_by=saved_by, updated_at=timezone.now())
    if updated and "decision_due_at" in changes:
        _links_due_in_step(consultation_id=consultation.pk, due_at=changes["decision_due_at"])
    if not updated:
        current = Consultation.objects.select_related("updated_by").get(pk=consultation.pk)
        if current.status != ConsultationStatus.DRAFT:
            raise ConsultationError(
                f"{current.updated_by} submitted this consultation while you were typing; "
                "it can no longer be changed here."
            )
        raise DraftConflict(
            f"{current.updated_by} saved this consultation at {timezone.localtime(current.updated_at):%H:%M} "
            "while you were typing. Your words have not been lost: copy them, reload, and add them again."
        )
    return Consultation.objects.get(pk=consultation.pk)


def _links_due_in_step(*, consultation_id, due_at) -> None:
    """The consultation's clock moved: its children's copies of the due time (which order the
    authorisation queue, ConsultationChild.decision_due_at) move with it, in the same
    transaction. Every service that changes ``Consultation.decision_due_at`` calls this."""
    ConsultationChild.objects.filter(consultation_id=consultation_id).update(decision_due_at=due_at)


@transaction.atomic
def consultation_child_add(*, consultation: Consultation, child, added_by) -> ConsultationChild:
    link, _ = ConsultationChild.objects.get_or_create(
        consultation=consultation,
        child=child,
        defaults={"decision_due_at": consultation.decision_due_at},
    )
    return link


@transaction.atomic
def consultation_child_decide(
    *,
    link: ConsultationChild,
    outcome: str,
    decided_by,
    spectrum_decision=None,
    services_signposted: str = "",
    outcome_rationale: str = "",
    concerns: tuple | list = (),
    severe_disability: bool = False,
    postcode: str = "",
    chosen_team: Team | None = None,
    override_reason: str = "",
) -> ConsultationChild:
    """Agree the outcome for one child: routes it, applies the consent gate, and marks whether a
    manager must authorise it."""
    link = (
        ConsultationChild.objects.select_for_update(of=("self",))
        .select_related("consultation", "child")
        .get(pk=link.pk)
    )
    if link.authorisation == AuthorisationStatus.AUTHORISED:
        raise ConsultationError("This outcome has been authorised and can no longer be changed")
    if link.consultation.status != ConsultationStatus.DRAFT:
        raise ConsultationError("This consultation has been submitted: outcomes cannot change now")
    if outcome not in Outcome.values:
        raise ConsultationError("Choose an outcome", field="outcome")
    if outcome == Outcome.ADVICE and not services_signposted.strip():
        raise ConsultationError("Enter the services you signposted", field="services_signposted")
    if outcome == Outcome.PASS_TO_WORKER and not open_cases_for_children(child_ids=[link.child_id]):
        raise ConsultationError(
            f"{link.child} is not open to a team, so there is no worker to pass to. "
            "Choose another outcome.",
            field="outcome",
        )
    link.outcome, link.services_signposted, link.outcome_rationale = (
        outcome,
        services_signposted,
        outcome_rationale,
    )
    received_on = timezone.localdate(link.consultation.received_at)
    if outcome in OPENS_REFERRAL:
        # Who is a child: a referral (and the routing behind it) is only for a child.
        if not person_is_child(person=link.child, on=received_on):
            raise ConsultationError(
                f"{link.child} is 18 or over, or has no date of birth recorded: a referral is "
                "only for a child. Check their date of birth, or choose advice or single agency "
                "support.",
                field="outcome",
            )
    if spectrum_decision is not None and spectrum_decision.consultation_id is None:
        # Made while this call was open (from the Spectrum step): it belongs to this consultation.
        if spectrum_decision.decided_at >= link.consultation.created_at:
            spectrum_decision_consultation_link(
                decision=spectrum_decision, consultation=link.consultation
            )
    link.spectrum_decision = spectrum_decision
    link.decided_by = decided_by
    link.main_concern = concerns[0] if concerns else ""
    link.severe_disability = severe_disability
    link.team = link.suggested_team = link.routing_override = None
    link.routing_reasons = []
    if outcome in OPENS_REFERRAL:
        purpose = (
            Purpose.IMMEDIATE_PROTECTION
            if outcome == Outcome.IMMEDIATE_PROTECTION
            else Purpose.REFERRAL
        )
        gate = consent_check(child=link.child, purpose=purpose)
        if not gate.allowed:
            raise ConsultationError(gate.reason, field="outcome")
        if spectrum_decision is None or spectrum_decision.person_id != link.child_id:
            raise ConsultationError(
                f"Record {link.child}'s level of need (the Spectrum of Support step) before "
                "agreeing a referral",
                field="outcome",
            )
        postcode = postcode or home_postcode(person=link.child)
        if not postcode:
            raise ConsultationError(
                "Enter the child's home postcode to find the team", field="postcode"
            )
        result = routing_resolve(
            postcode=postcode,
            level=ROUTING_LEVEL[outcome],
            concerns=list(concerns),
            severe_disability=severe_disability,
            date_of_birth=link.child.date_of_birth,
            expected_date_of_birth=link.child.expected_date_of_birth,
        )
        link.routing_postcode, link.suggested_team, link.routing_reasons = (
            postcode,
            result.team,
            list(result.reasons),
        )
        link.team = result.team
        if outcome == Outcome.IMMEDIATE_PROTECTION and result.outside_county:
            # Section 47 applies where a child lives or is found: never refused for the postcode;
            # the home authority is recorded and told when it is authorised (docs/protection.md).
            link.team = out_of_county_team(chosen_team)
            link.routing_reasons.append(
                f"Lives outside Warwickshire ({result.la_code or 'authority not known'}): "
                f"{link.team} responds where the child is found, and the home authority is told."
            )
        elif chosen_team is not None and (result.team is None or chosen_team.pk != result.team.pk):
            link.routing_override = routing_override_record(
                suggestion=result,
                chosen_team=chosen_team,
                reason=override_reason,
                overridden_by=decided_by,
            )
            link.team = chosen_team
        if link.team is None:
            raise ConsultationError(
                " ".join(result.reasons) or "No team was found", field="postcode"
            )
    link.urgent = outcome == Outcome.IMMEDIATE_PROTECTION
    link.decision_due_at = link.consultation.decision_due_at
    needs_authorisation = (
        outcome in OPENS_REFERRAL or link.consultation.purpose == CallPurpose.REFERRAL
    )
    link.authorisation = (
        AuthorisationStatus.AWAITING if needs_authorisation else AuthorisationStatus.NOT_NEEDED
    )
    link.save()
    return link


@transaction.atomic
def consultation_child_remove(*, link: ConsultationChild, removed_by) -> None:
    """Take a child added by mistake out of a draft (before any outcome is authorised)."""
    link = (
        ConsultationChild.objects.select_for_update(of=("self",))
        .select_related("consultation")
        .get(pk=link.pk)
    )
    if link.consultation.status != ConsultationStatus.DRAFT:
        raise ConsultationError("Children can only be removed while the consultation is a draft")
    if link.authorisation == AuthorisationStatus.AUTHORISED:
        raise ConsultationError("This child's outcome has been authorised and cannot be removed")
    link.delete()


def consultation_missing(*, consultation: Consultation, links) -> list[tuple[str, str]]:
    """What must be recorded before the consultation can be submitted: (step, message) pairs."""
    missing = []
    if not consultation.caller_anonymous and not consultation.caller_name.strip():
        missing.append(
            ("caller", "Enter the caller's name, or record that they asked to stay anonymous")
        )
    if not consultation.caller_agency_type:
        missing.append(("caller", "Choose the type of agency the caller is from"))
    if not consultation.purpose:
        missing.append(("caller", "Choose why they are calling"))
    if "received_at" in (consultation.typed_not_saved or {}):
        missing.append(("caller", "Finish when it was received: the day, month, year and time"))
    if not links:
        missing.append(("children", "Add at least one child"))
    if not consultation.concerns.strip():
        missing.append(("concerns", "Enter the worries the caller described"))
    if not consultation.safe_now:
        missing.append(("concerns", "Say whether the child is safe now"))
    for link in links:
        if not link.outcome:
            missing.append(("outcome", f"Agree an outcome for {link.child}"))
        elif link.authorisation == AuthorisationStatus.RETURNED:
            missing.append(
                ("outcome", f"Review the outcome for {link.child}: a manager returned it")
            )
    return missing


@transaction.atomic
def consultation_submit(*, consultation: Consultation, submitted_by) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status != ConsultationStatus.DRAFT:
        raise ConsultationError("This consultation has already been submitted")
    links = list(consultation.children.select_related("child"))
    missing = consultation_missing(consultation=consultation, links=links)
    if missing:
        raise ConsultationError(
            ". ".join(message for _step, message in missing) + ".", field=missing[0][0]
        )
    now = timezone.now()
    waiting = any(link.authorisation == AuthorisationStatus.AWAITING for link in links)
    consultation.status = (
        ConsultationStatus.AWAITING_AUTHORISATION if waiting else ConsultationStatus.COMPLETE
    )
    consultation.decided_at = now
    consultation.completed_at = None if waiting else now
    consultation.save(update_fields=["status", "decided_at", "completed_at"])
    for link in links:
        if link.authorisation == AuthorisationStatus.NOT_NEEDED:
            _pass_to_worker_if_chosen(link, by=submitted_by)
    if consultation.status == ConsultationStatus.COMPLETE:
        letter_job_create(consultation=consultation, requested_by=submitted_by)
    return consultation


def _pass_to_worker_if_chosen(link: ConsultationChild, *, by) -> None:
    if link.outcome != Outcome.PASS_TO_WORKER:
        return
    try:
        case_pass_to_worker(referral=link, child_id=link.child_id, by=by)
    except CaseError as error:
        # The case closed between the outcome being agreed and now: say so, change nothing.
        raise ConsultationError(
            f"{link.child}: {error.message}. Choose another outcome.", field="outcome"
        ) from error


@transaction.atomic
def consultation_child_authorise(
    *, link: ConsultationChild, manager, note: str = ""
) -> ConsultationChild:
    """A Family Connect manager authorises an outcome; a referral opens a case in the team's queue."""
    link = (
        ConsultationChild.objects.select_for_update(of=("self",))
        .select_related("consultation", "team")
        .get(pk=link.pk)
    )
    if not rules.can_authorise_consultations(manager):
        raise ConsultationError("Only a Family Connect manager can authorise")
    if link.decided_by_id == manager.pk:
        raise ConsultationError("Nobody can authorise their own decision. Ask another manager.")
    if link.authorisation != AuthorisationStatus.AWAITING:
        raise ConsultationError("This outcome is not waiting for authorisation")
    now = timezone.now()
    link.authorisation, link.authorised_by, link.authorised_at, link.manager_note = (
        AuthorisationStatus.AUTHORISED,
        manager,
        now,
        note,
    )
    link.save(update_fields=["authorisation", "authorised_by", "authorised_at", "manager_note"])
    _authorise_level_with_outcome(link, manager=manager, at=now)
    if link.outcome in OPENS_REFERRAL:
        # A child already open to the team joins that case: no second case, no failure.
        referral_date = timezone.localdate(link.consultation.received_at)
        opened = case_open(
            referral=link,
            child_id=link.child_id,
            team=link.team,
            level=ROUTING_LEVEL[link.outcome],
            urgent=link.urgent,
            referral_date=referral_date,
            assessment_due_date=add_working_days_to_date(
                referral_date, settings.ASSESSMENT_WORKING_DAYS
            ),
            by=manager,
        )
        if link.outcome == Outcome.IMMEDIATE_PROTECTION:
            protection_case_opened(
                case=opened.case,
                received_at=link.consultation.received_at,
                postcode=link.routing_postcode,
                by=manager,
            )
    _pass_to_worker_if_chosen(link, by=manager)
    consultation = link.consultation
    if not consultation.children.filter(authorisation=AuthorisationStatus.AWAITING).exists():
        consultation.status, consultation.completed_at = ConsultationStatus.COMPLETE, now
        consultation.save(update_fields=["status", "completed_at"])
        letter_job_create(consultation=consultation, requested_by=manager)
    return link


def _authorise_level_with_outcome(link: ConsultationChild, *, manager, at) -> None:
    """Authorising an outcome authorises the level of need it rests on, when that decision is
    still waiting and the manager did not make it (nobody authorises their own decision)."""
    decision = link.spectrum_decision
    if decision is None or decision.is_authorised or decision.decided_by_id == manager.pk:
        return
    if decision_is_superseded(decision=decision):
        return
    spectrum_decision_authorise(decision=decision, authorised_by=manager, at=at)


@transaction.atomic
def consultation_child_return(*, link: ConsultationChild, manager, note: str) -> ConsultationChild:
    """A Family Connect manager sends an outcome waiting for authorisation back to the
    practitioner. Only a waiting outcome: an authorised one has opened its case and sent its
    letter, so it stays as it is."""
    link = (
        ConsultationChild.objects.select_for_update(of=("self",))
        .select_related("consultation")
        .get(pk=link.pk)
    )
    if not rules.can_authorise_consultations(manager):
        raise ConsultationError("Only a Family Connect manager can return a decision")
    if link.authorisation != AuthorisationStatus.AWAITING:
        raise ConsultationError(
            f"This outcome is not waiting for authorisation ({link.get_authorisation_display().lower()}), "
            "so it cannot be returned"
        )
    if not note.strip():
        raise ConsultationError("Say what needs to change", field="note")
    link.authorisation, link.manager_note = AuthorisationStatus.RETURNED, note.strip()
    link.save(update_fields=["authorisation", "manager_note"])
    Consultation.objects.filter(pk=link.consultation_id).update(status=ConsultationStatus.DRAFT)
    return link


def consultations_clock_sweep(*, now=None) -> dict:
    """Warn the manager before a decision becomes overdue, and mark breaches.

    A consultation is marked warned only once the mail server has accepted the warning: the rows
    are held (FOR UPDATE, skipping any another sweep holds, so two sweeps never warn twice) while
    the mail goes, and an SMTP failure leaves them unmarked for the next sweep to warn again."""
    now = now or timezone.now()
    warn_before = timedelta(minutes=settings.DECISION_WARNING_MINUTES)
    open_statuses = [ConsultationStatus.DRAFT, ConsultationStatus.AWAITING_AUTHORISATION]
    breached = Consultation.objects.filter(
        status__in=open_statuses, breached_at__isnull=True, decision_due_at__lte=now
    ).update(breached_at=now)
    warned = []
    try:
        with transaction.atomic():
            warned = list(
                Consultation.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status__in=open_statuses,
                    escalated_at__isnull=True,
                    decision_due_at__lte=now + warn_before,
                )
                .select_related("practitioner")
                .order_by("decision_due_at")
            )
            if warned:
                _clock_warning_send(warned)
                Consultation.objects.filter(pk__in=[c.pk for c in warned]).update(escalated_at=now)
    except (SMTPException, OSError):
        logger.exception(
            "Clock sweep: the mail server did not take the warning for %s consultation(s); "
            "they stay unwarned for the next sweep",
            len(warned),
        )
        return {"warned": 0, "breached": breached, "unsent": len(warned)}
    logger.info("Clock sweep: warned %s, marked %s breached", len(warned), breached)
    return {"warned": len(warned), "breached": breached}


def _clock_warning_send(consultations) -> None:
    managers = list(
        User.objects.filter(role=Role.FC_MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    lines = [
        f"{c.reference}: due {timezone.localtime(c.decision_due_at):%a %d %b %H:%M}, with {c.practitioner}"
        for c in consultations
    ]
    send_mail(
        subject=f"Family Connect: {len(consultations)} decision(s) due soon or overdue",
        message="These consultations need a decision:\n\n" + "\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=managers,
    )
