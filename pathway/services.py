"""Every change to an assessment, each checking the current state first (docs/pathway.md).

Each service locks the version row (``SELECT ... FOR UPDATE``), re-reads its status, and refuses
with a ``PathwayError`` naming what is wrong; the views show the message beside the form. A
draft is saved part by part, each save quoting the revision it started from, so two people typing
into one draft never overwrite each other silently (``DraftConflict``, as the consultation does).
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import rules
from accounts.models import User
from cases.models import OPEN_STATUSES, Case
from cases.selectors import team_ids_of, team_is_managed_by
from consent.models import LawfulBasis, SharingDecision
from consent.services import sharing_record
from familyfirst.clocks import add_working_days_to_date
from locality.models import MembershipRole, TeamMembership
from pathway.models import (
    AgencyInvolved,
    Assessment,
    AssessmentFactor,
    AssessmentKind,
    AssessmentVersion,
    ChronologyEntry,
    FamilyCopy,
    FamilyCopyMethod,
    FamilyCopyStatus,
    PlanItem,
    SituationEntry,
    UnderstandingEntry,
    VersionStatus,
)
from pathway.selectors import version_spectrum_decisions, version_spectrum_missing
from people.models import Person
from people.services import (
    chronology_event_record,
    relationship_record,
    relationship_with_household_record,
)
from spectrum.models import LEVEL_RANK

logger = logging.getLogger(__name__)


class PathwayError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DraftConflict(PathwayError):
    """Someone else saved the draft after this form was opened: nothing was overwritten."""


# Who may do what -----------------------------------------------------------------------------


def can_write_assessment(*, user, case: Case) -> bool:
    """A case worker of the case's team (or its allocated worker), while the case is open."""
    if not rules.can_work_cases(user) or case.status not in OPEN_STATUSES:
        return False
    return case.allocated_to_id == user.pk or case.team_id in team_ids_of(user=user)


def can_sign_off(*, user, version: AssessmentVersion) -> bool:
    case = version.assessment.case
    return (
        rules.can_manage_cases(user)
        and team_is_managed_by(team=case.team, user=user)
        and user.pk not in {version.author_id, version.submitted_by_id}
    )


def _require_writer(user, case: Case) -> None:
    if not can_write_assessment(user=user, case=case):
        raise PathwayError(
            "Only a worker in the case's team can change its assessments while the case is open"
        )


def _locked(version: AssessmentVersion) -> AssessmentVersion:
    return (
        AssessmentVersion.objects.select_for_update(of=("self",))
        .select_related("assessment__case__team", "assessment__case__child")
        .get(pk=version.pk)
    )


def _chronology(assessment: Assessment, *, title: str, summary: str, by, kind: str) -> None:
    """The system events: each child's own chronology carries the assessment's milestones."""
    now = timezone.now()
    for child in assessment.children.all():
        chronology_event_record(
            person=child,
            occurred_at=now,
            kind=f"ASSESSMENT_{kind}",
            title=title,
            summary=summary,
            source_type="pathway.assessment",
            source_id=assessment.pk,
            recorded_by=by,
        )


# Starting ------------------------------------------------------------------------------------


def assessment_due_date(*, case: Case, kind: str, start_date: date) -> date:
    """A Family Help Assessment is due 45 working days from the referral (the case's own clock);
    an Early Support Assessment or a re-assessment, 45 working days from its start."""
    if kind == AssessmentKind.FAMILY_HELP and case.first_referral_id:
        return case.assessment_due_date
    return add_working_days_to_date(start_date, settings.ASSESSMENT_WORKING_DAYS)


@transaction.atomic
def assessment_start(
    *, case: Case, kind: str, children, started_by, start_date: date | None = None
) -> Assessment:
    case = Case.objects.select_for_update(of=("self",)).select_related("team").get(pk=case.pk)
    _require_writer(started_by, case)
    if kind not in AssessmentKind.values:
        raise PathwayError("Choose the kind of assessment", field="kind")
    children = list(children)
    if not children:
        raise PathwayError("Choose at least one child the assessment is for", field="children")
    if case.child_id not in {child.pk for child in children}:
        raise PathwayError(
            f"The assessment must include {case.child}, whose case this is", field="children"
        )
    if AssessmentVersion.objects.filter(assessment__case=case).exclude(
        status=VersionStatus.SIGNED_OFF
    ):
        raise PathwayError(
            "This case already has an assessment in progress: finish or sign it off first",
            field="kind",
        )
    today = timezone.localdate()
    start_date = start_date or today
    if start_date > today:
        raise PathwayError("The start date cannot be in the future", field="start_date")
    now = timezone.now()
    assessment = Assessment.objects.create(
        case=case,
        kind=kind,
        start_date=start_date,
        due_date=assessment_due_date(case=case, kind=kind, start_date=start_date),
        started_by=started_by,
        started_at=now,
    )
    assessment.children.set(children)
    AssessmentVersion.objects.create(
        assessment=assessment,
        number=1,
        author=started_by,
        created_at=now,
        updated_at=now,
        updated_by=started_by,
    )
    _chronology(
        assessment,
        title=f"{assessment.get_kind_display()} started",
        summary=f"Started by {started_by} in {case.team}",
        by=started_by,
        kind="STARTED",
    )
    return assessment


# Saving a draft ------------------------------------------------------------------------------


@dataclass
class Rows:
    """One part's rows as the form gives them: each a dict with a ``key`` and its fields. A row
    whose text is empty removes that entry; a key not given leaves its entry as it was."""

    situation: list = field(default_factory=list)
    understanding: list = field(default_factory=list)
    plan: list = field(default_factory=list)


VERSION_FIELDS = {
    "situation": ["child_views_how", "context_housing", "context_income", "context_other"],
    "understanding": [],
    "plan": [],
    "review": ["family_agreement", "family_words", "factors", "spectrum_level", "spectrum_reason"],
}


def _check_factors(factors) -> list:
    factors = [code for code in dict.fromkeys(factors or []) if code]
    unknown = [code for code in factors if code not in AssessmentFactor.values]
    if unknown:
        raise PathwayError("Choose factors from the list", field="factors")
    if AssessmentFactor.F21 in factors and len(factors) > 1:
        raise PathwayError(
            "“No factors identified” cannot be chosen with other factors", field="factors"
        )
    return factors


def _upsert(model, version, rows, fields, *, links=None):
    existing = {entry.key: entry for entry in model.objects.filter(version=version)}
    saved = {}
    for position, row in enumerate(rows):
        key = row["key"]
        values = {name: row.get(name) for name in fields}
        entry = existing.get(key)
        if not any(str(values.get(name) or "").strip() for name in fields if name in TEXTS):
            if entry is not None:
                entry.delete()
            continue
        if entry is None:
            entry = model.objects.create(version=version, key=key, position=position, **values)
        else:
            changed = [n for n, v in values.items() if getattr(entry, n) != v]
            if entry.position != position:
                entry.position = position
                changed.append("position")
            for name in changed:
                if name != "position":
                    setattr(entry, name, values[name])
            if changed:
                entry.save(update_fields=changed)
        saved[key] = entry
        if links is not None:
            links[entry] = row.get("rests_on") or []
    return saved


TEXTS = {"text", "need", "outcome"}


@transaction.atomic
def version_draft_save(
    *, version: AssessmentVersion, part: str, revision: int, values: dict, rows, saved_by
) -> AssessmentVersion:
    """Save one part of a draft: ``values`` are the version's own fields for that part, ``rows``
    its entries. Refused if the draft is no longer a draft, or was saved by someone else since
    ``revision`` (nothing is overwritten: the form keeps the words typed)."""
    version = _locked(version)
    _require_writer(saved_by, version.assessment.case)
    if version.status != VersionStatus.DRAFT:
        raise PathwayError(
            f"Version {version.number} has been {version.get_status_display().lower()}: "
            "it can no longer be changed here"
        )
    if version.revision != revision:
        raise DraftConflict(
            f"{version.updated_by} saved this assessment at "
            f"{timezone.localtime(version.updated_at):%H:%M} while you were typing. "
            "Your words have not been lost: they are still in the form. "
            "Check what they saved, then save again to keep yours."
        )
    updates = {}
    for name in VERSION_FIELDS[part]:
        if name in values:
            value = values[name]
            if name == "factors":
                value = _check_factors(value)
            updates[name] = value if value is not None else ""
    if part == "situation":
        _upsert(SituationEntry, version, rows, ["topic", "voice", "nature", "person_id", "text"])
    elif part == "understanding":
        situation_by_key = {e.key: e for e in SituationEntry.objects.filter(version=version)}
        links = {}
        _upsert(UnderstandingEntry, version, rows, ["kind", "text"], links=links)
        for entry, keys in links.items():
            wanted = [situation_by_key[k] for k in keys if k in situation_by_key]
            if {e.pk for e in wanted} != set(entry.rests_on.values_list("pk", flat=True)):
                entry.rests_on.set(wanted)
    elif part == "plan":
        _upsert(PlanItem, version, rows, ["need", "outcome", "for_person_id"])
    now = timezone.now()
    AssessmentVersion.objects.filter(pk=version.pk).update(
        **updates, revision=F("revision") + 1, updated_at=now, updated_by=saved_by
    )
    version.refresh_from_db()
    return version


# Submitting, returning, signing off ---------------------------------------------------------


def version_missing(
    *, version: AssessmentVersion, content=None, children=None
) -> list[tuple[str, str]]:
    """What the version still needs before it can be submitted: (part, message) pairs. Given the
    version's ``content`` (pathway.selectors.version_content) it reads nothing more."""
    missing = []
    if content is not None:
        topics = {topic for topic, entries in content.situation.items() if entries}
        has_understanding = any(content.understanding.values())
        has_plan = bool(content.plan)
    else:
        topics = set(version.situation_entries.values_list("topic", flat=True))
        has_understanding = version.understanding_entries.exists()
        has_plan = version.plan_items.exists()
    if "NOW" not in topics:
        missing.append(("situation", "Situation: record what is happening now"))
    if "AFFECTED" not in topics:
        missing.append(("situation", "Situation: record who is affected and how"))
    if not has_understanding:
        missing.append(("understanding", "Understanding: record at least one entry"))
    if not has_plan:
        missing.append(("plan", "Plan: record what needs to happen and what it should achieve"))
    if not version.family_agreement:
        missing.append(("review", "Agreement: record whether the family agree"))
    if not version.factors:
        missing.append(("review", "Factors: choose the factors identified (or none identified)"))
    for child in _children_without_decision(version, children):
        missing.append(("review", f"Spectrum of Support: record {child}'s level for this version"))
    return missing


def _children_without_decision(version: AssessmentVersion, children=None) -> list:
    """The assessment's children with no Spectrum decision recorded since this version began
    (one query when the page already holds the ``children``)."""
    if children is not None:
        missing = version_spectrum_missing(version=version, child_ids=[c.pk for c in children])
        return [child for child in children if child.pk in missing]
    assessment = version.assessment
    child_ids = getattr(assessment, "child_ids", None)
    if child_ids is None:
        child_ids = list(assessment.children.values_list("pk", flat=True))
    missing = version_spectrum_missing(version=version, child_ids=child_ids)
    if not missing:
        return []
    return list(Person.objects.filter(pk__in=missing).order_by("date_of_birth", "given_name"))


def spectrum_recorder_allows(*, user, person_id) -> bool:
    """Registered with spectrum.scope: a case worker who may write a case's assessments may record
    the Spectrum decision of a child that an assessment still being drafted on it names."""
    if not rules.can_work_cases(user):
        return False
    drafting = Assessment.objects.filter(
        children=person_id, versions__status=VersionStatus.DRAFT
    ).select_related("case")
    return any(can_write_assessment(user=user, case=each.case) for each in drafting)


@transaction.atomic
def version_submit(*, version: AssessmentVersion, submitted_by) -> AssessmentVersion:
    version = _locked(version)
    _require_writer(submitted_by, version.assessment.case)
    if version.status != VersionStatus.DRAFT:
        raise PathwayError(f"Version {version.number} has already been submitted")
    missing = version_missing(version=version)
    if missing:
        raise PathwayError("Before submitting: " + "; ".join(message for _, message in missing))
    now = timezone.now()
    version.status = VersionStatus.SUBMITTED
    version.submitted_at = now
    version.submitted_by = submitted_by
    version.returned_note = ""
    version.save(update_fields=["status", "submitted_at", "submitted_by", "returned_note"])
    transaction.on_commit(lambda: _tell_managers_submitted(version.pk))
    return version


def _managers_of(team):
    return User.objects.filter(
        is_active=True,
        memberships__in=TeamMembership.objects.current(on=timezone.localdate()).filter(
            team=team, role_in_team=MembershipRole.MANAGER
        ),
    ).exclude(email="")


def _tell_managers_submitted(version_id) -> None:
    version = AssessmentVersion.objects.select_related("assessment__case__team").get(pk=version_id)
    case = version.assessment.case
    try:
        send_mail(
            subject=f"{settings.SERVICE_NAME}: an assessment is waiting for your sign-off",
            message=(
                f"Version {version.number} of a {version.assessment.get_kind_display()} in "
                f"{case.team} was submitted for sign-off. Open Family Connect to read it."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=list(_managers_of(case.team).values_list("email", flat=True)),
        )
    except Exception:
        # The version shows as waiting on the team's page; the mail is only a nudge.
        logger.exception("Could not tell the managers about assessment version %s", version_id)


@transaction.atomic
def version_return(*, version: AssessmentVersion, manager, note: str) -> AssessmentVersion:
    version = _locked(version)
    if not can_sign_off(user=manager, version=version):
        raise PathwayError(
            "Only a manager of the case's team who did not write it can return an assessment"
        )
    if version.status != VersionStatus.SUBMITTED:
        raise PathwayError(f"Version {version.number} is not waiting for sign-off")
    if not note.strip():
        raise PathwayError("Say what needs to change before it can be signed off", field="note")
    version.status = VersionStatus.DRAFT
    version.returned_note = note.strip()
    version.submitted_at = None
    version.submitted_by = None
    version.save(update_fields=["status", "returned_note", "submitted_at", "submitted_by"])
    return version


@transaction.atomic
def version_sign_off(*, version: AssessmentVersion, manager, note: str = "") -> AssessmentVersion:
    version = _locked(version)
    if not (
        rules.can_manage_cases(manager)
        and team_is_managed_by(team=version.assessment.case.team, user=manager)
    ):
        raise PathwayError("Only a manager of the case's team can sign off its assessments")
    if manager.pk in {version.author_id, version.submitted_by_id}:
        raise PathwayError(
            "You wrote or submitted this assessment, so another manager must sign it off"
        )
    if version.status != VersionStatus.SUBMITTED:
        raise PathwayError(f"Version {version.number} is not waiting for sign-off")
    child_ids = list(version.assessment.children.values_list("pk", flat=True))
    decisions = version_spectrum_decisions(version=version, child_ids=child_ids)
    without = [pk for pk, decision in decisions.items() if decision is None]
    if without:
        names = ", ".join(
            str(p) for p in Person.objects.filter(pk__in=without).order_by("given_name")
        )
        raise PathwayError(
            f"No Spectrum of Support level was recorded for {names} since version "
            f"{version.number} was started: return it so the worker records it",
            field="decision",
        )
    chosen = sorted(decisions.values(), key=lambda d: LEVEL_RANK[d.decided_level])
    now = timezone.now()
    version.spectrum_decisions.set(chosen)
    version.spectrum_level = chosen[-1].decided_level
    version.spectrum_reason = "\n".join(
        f"{d.person}: {d.rationale or 'the level the indicators suggest'}" for d in chosen
    )
    version.status = VersionStatus.SIGNED_OFF
    version.signed_off_at = now
    version.signed_off_by = manager
    version.sign_off_note = note.strip()
    version.save(
        update_fields=[
            "status",
            "signed_off_at",
            "signed_off_by",
            "sign_off_note",
            "spectrum_level",
            "spectrum_reason",
        ]
    )
    assessment = version.assessment
    Assessment.objects.filter(pk=assessment.pk, authorised_date__isnull=True).update(
        authorised_date=timezone.localdate(now)
    )
    _chronology(
        assessment,
        title=f"{assessment.get_kind_display()} version {version.number} signed off",
        summary=(
            f"Signed off by {manager}. Spectrum of Support level now: "
            f"{version.get_spectrum_level_display()}"
        ),
        by=manager,
        kind="SIGNED_OFF",
    )
    return version


@transaction.atomic
def assessment_revisit(*, assessment: Assessment, by, reason: str) -> AssessmentVersion:
    """Start the next version from the latest signed-off one: a copy of every field and entry,
    keeping each entry's key so the two versions can be compared."""
    Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_writer(by, assessment.case)
    latest = assessment.versions.order_by("-number").first()
    if latest.status != VersionStatus.SIGNED_OFF:
        raise PathwayError(
            f"Version {latest.number} is still {latest.get_status_display().lower()}: "
            "it must be signed off before the assessment is revisited"
        )
    if not reason.strip():
        raise PathwayError(
            "Say what has changed and why the assessment is revisited", field="reason"
        )
    now = timezone.now()
    copied = {
        name: getattr(latest, name)
        for name in [*VERSION_FIELDS["situation"], *VERSION_FIELDS["review"]]
    }
    new = AssessmentVersion.objects.create(
        assessment=assessment,
        number=latest.number + 1,
        author=by,
        created_at=now,
        updated_at=now,
        updated_by=by,
        revisit_reason=reason.strip(),
        **copied,
    )
    situation = {}
    for entry in latest.situation_entries.all():
        old_pk = entry.pk
        entry.pk = None
        entry.version = new
        entry.save()
        situation[old_pk] = entry
    for entry in latest.understanding_entries.prefetch_related("rests_on"):
        rests_on = [situation[s.pk] for s in entry.rests_on.all()]
        entry.pk = None
        entry.version = new
        entry.save()
        entry.rests_on.set(rests_on)
    PlanItem.objects.bulk_create(
        PlanItem(
            version=new,
            key=item.key,
            need=item.need,
            outcome=item.outcome,
            for_person_id=item.for_person_id,
            position=item.position,
        )
        for item in latest.plan_items.all()
    )
    _chronology(
        assessment,
        title=f"{assessment.get_kind_display()} revisited (version {new.number})",
        summary=reason.strip(),
        by=by,
        kind="REVISITED",
    )
    return new


# The significant-events chronology ----------------------------------------------------------


def _entry_check(*, occurred_on: date, what: str, source: str, impact: str) -> None:
    if occurred_on > timezone.localdate():
        raise PathwayError("The date of the event cannot be in the future", field="occurred_on")
    for name, value, message in [
        ("what", what, "Say what happened"),
        ("source", source, "Say who told us or where it is recorded"),
        ("impact", impact, "Say what impact it had on the child"),
    ]:
        if not (value or "").strip():
            raise PathwayError(message, field=name)


@transaction.atomic
def chronology_entry_record(
    *, case: Case, occurred_on, what, source, impact, about_person=None, by
) -> ChronologyEntry:
    _require_writer(by, case)
    _entry_check(occurred_on=occurred_on, what=what, source=source, impact=impact)
    now = timezone.now()
    return ChronologyEntry.objects.create(
        case=case,
        occurred_on=occurred_on,
        what=what.strip(),
        source=source.strip(),
        impact=impact.strip(),
        about_person=about_person,
        recorded_by=by,
        recorded_at=now,
        updated_by=by,
        updated_at=now,
    )


@transaction.atomic
def chronology_entry_update(
    *, entry: ChronologyEntry, occurred_on, what, source, impact, about_person=None, by
) -> ChronologyEntry:
    entry = ChronologyEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    _require_writer(by, entry.case)
    if entry.removed_at:
        raise PathwayError("This event was removed from the chronology")
    _entry_check(occurred_on=occurred_on, what=what, source=source, impact=impact)
    entry.occurred_on = occurred_on
    entry.what, entry.source, entry.impact = what.strip(), source.strip(), impact.strip()
    entry.about_person = about_person
    entry.updated_by, entry.updated_at = by, timezone.now()
    entry.save()
    return entry


@transaction.atomic
def chronology_entry_remove(*, entry: ChronologyEntry, by) -> ChronologyEntry:
    entry = ChronologyEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    _require_writer(by, entry.case)
    if entry.removed_at:
        raise PathwayError("This event was already removed")
    entry.removed_at = timezone.now()
    entry.updated_by, entry.updated_at = by, entry.removed_at
    entry.save(update_fields=["removed_at", "updated_by", "updated_at"])
    return entry


# The family map ------------------------------------------------------------------------------


@transaction.atomic
def agency_record(*, case: Case, name: str, role: str, tie: str, by) -> AgencyInvolved:
    _require_writer(by, case)
    if not name.strip():
        raise PathwayError("Enter the agency's name", field="name")
    if tie not in AgencyInvolved.Tie.values:
        raise PathwayError("Choose how the family get on with the agency", field="tie")
    return AgencyInvolved.objects.create(
        case=case,
        name=name.strip(),
        role=role.strip(),
        tie=tie,
        recorded_by=by,
        recorded_at=timezone.now(),
    )


def family_relationship_record(
    *, case: Case, from_person, to_person, kind, parental_responsibility, by, family_network=False
):
    """A relationship between two people on the family map, or someone just found or added for
    it (people.services checks it); ``family_network`` draws them on the ecomap."""
    _require_writer(by, case)
    return relationship_record(
        from_person=from_person,
        to_person=to_person,
        kind=kind,
        parental_responsibility=parental_responsibility,
        family_network=family_network,
        created_by=by,
    )


def family_newcomer_record(
    *,
    case: Case,
    person,
    child,
    kind,
    parental_responsibility,
    lives_with,
    family_network,
    by,
    child_ids,
):
    """Someone just recorded from the family map (people.picker.picker_person_create, in its
    transaction) joins the family: their relationship with a child on the assessment and, when
    they live together, the child's household, through people's services. Tied to a child, they
    are in the case worker's scope (cases.selectors.people_on_cases_visible_to)."""
    _require_writer(by, case)
    if child.pk not in set(child_ids):
        raise PathwayError("Choose a child on this assessment", field="child")
    return relationship_with_household_record(
        from_person=person,
        to_person=child,
        kind=kind,
        parental_responsibility=parental_responsibility,
        family_network=family_network,
        lives_with=lives_with,
        created_by=by,
    )


# The family's copy ---------------------------------------------------------------------------


@transaction.atomic
def family_copy_request(
    *, version: AssessmentVersion, method: str, recipient_name: str, recipient_email: str, by
) -> FamilyCopy:
    version = _locked(version)
    _require_writer(by, version.assessment.case)
    if version.status != VersionStatus.SIGNED_OFF:
        raise PathwayError("Only a signed-off assessment can be shared with the family")
    if method not in FamilyCopyMethod.values:
        raise PathwayError("Choose how the family will get their copy", field="method")
    if not recipient_name.strip():
        raise PathwayError("Enter who the copy is for", field="recipient_name")
    if method == FamilyCopyMethod.EMAIL and not recipient_email.strip():
        raise PathwayError("Enter the email address to send it to", field="recipient_email")
    copy = FamilyCopy.objects.create(
        version=version,
        method=method,
        recipient_name=recipient_name.strip(),
        recipient_email=recipient_email.strip() if method == FamilyCopyMethod.EMAIL else "",
        requested_by=by,
        requested_at=timezone.now(),
    )
    transaction.on_commit(lambda: family_copy_publish(copy.pk))
    return copy


def family_copy_publish(copy_id, *, countdown: float | None = None) -> None:
    from pathway.tasks import family_copy_run

    family_copy_run.apply_async(args=[str(copy_id)], countdown=countdown)


def _log_sharing(copy: FamilyCopy, *, how: str) -> None:
    version = copy.version
    for child in version.assessment.children.all():
        sharing_record(
            what=(
                f"{version.assessment.get_kind_display()}, version {version.number} "
                f"(signed off {timezone.localdate(version.signed_off_at):%d %B %Y}), {how}"
            ),
            agency="The family",
            recipient=" ".join(filter(None, [copy.recipient_name, copy.recipient_email])),
            purpose="Giving the family their own copy of the assessment written with them",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            decision=SharingDecision.SHARED,
            reason="The family are given the assessment they took part in, in plain language",
            decided_by=copy.requested_by,
            child=child,
            source_type="pathway.familycopy",
            source_id=copy.pk,
        )


FAMILY_COPY_MAX_ATTEMPTS = 3


def family_copy_work(*, copy_id) -> float | None:
    """Render the PDF and deliver it; idempotent (a copy already sent or ready is left alone).
    Returns the seconds to wait before trying again, or None. Marked sent only once the mail
    server has accepted the message; each sharing is written to the sharing log once."""
    from django.core.mail import EmailMessage

    from pathway.pdf import family_copy_render

    with transaction.atomic():
        copy = (
            FamilyCopy.objects.select_for_update(skip_locked=True)
            .filter(pk=copy_id, status=FamilyCopyStatus.QUEUED)
            .select_related("version__assessment__case", "requested_by")
            .first()
        )
        if copy is None:
            return None
        if not copy.pdf:
            pdf, sha256 = family_copy_render(version=copy.version)
            copy.pdf, copy.pdf_sha256 = pdf, sha256
            copy.save(update_fields=["pdf", "pdf_sha256"])
        if copy.method == FamilyCopyMethod.PRINT:
            copy.status = FamilyCopyStatus.READY
            copy.save(update_fields=["status"])
            _log_sharing(copy, how="printed to be handed to the family")
            return None
        message = EmailMessage(
            subject="Your family's assessment",
            body=(
                f"Dear {copy.recipient_name},\n\nAttached is the assessment we wrote with you. "
                "If anything in it is wrong or you want to talk about it, contact your worker, "
                f"{copy.requested_by}.\n\n{settings.SERVICE_NAME}, Warwickshire County Council"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[copy.recipient_email],
        )
        message.attach("assessment.pdf", bytes(copy.pdf), "application/pdf")
        copy.attempts += 1
        try:
            message.send()
        except Exception as error:  # the mail server refused or is down: try again later
            copy.last_error = str(error)[:500]
            if copy.attempts >= FAMILY_COPY_MAX_ATTEMPTS:
                copy.status = FamilyCopyStatus.FAILED
            copy.save(update_fields=["attempts", "last_error", "status"])
            if copy.status == FamilyCopyStatus.FAILED:
                return None
            return settings.LETTER_RETRY_BASE_SECONDS * (4 ** (copy.attempts - 1))
        copy.status = FamilyCopyStatus.SENT
        copy.sent_at = timezone.now()
        copy.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        _log_sharing(copy, how=f"emailed to {copy.recipient_email}")
    return None


# The clock -----------------------------------------------------------------------------------

DUE_WARNING_WORKING_DAYS = 5


def assessments_due_warning_send(*, today: date | None = None) -> int:
    """Warn the team's managers, once, about each assessment not yet signed off that is due
    within ``DUE_WARNING_WORKING_DAYS`` working days (or already overdue). A warning is marked
    sent only after the mail server accepts it; if it is down, the next run tries again."""
    today = today or timezone.localdate()
    horizon = add_working_days_to_date(today, DUE_WARNING_WORKING_DAYS)
    sent = 0
    candidates = (
        Assessment.objects.filter(
            due_warning_sent_at__isnull=True,
            authorised_date__isnull=True,
            due_date__lte=horizon,
            case__status__in=OPEN_STATUSES,
        )
        .values_list("pk", flat=True)
        .order_by("due_date")
    )
    for pk in list(candidates):
        with transaction.atomic():
            assessment = (
                Assessment.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, due_warning_sent_at__isnull=True, authorised_date__isnull=True)
                .select_related("case__team", "case__allocated_to")
                .first()
            )
            if assessment is None:
                continue
            case = assessment.case
            recipients = list(_managers_of(case.team).values_list("email", flat=True))
            if not recipients:
                continue
            overdue = assessment.due_date < today
            try:
                send_mail(
                    subject=(
                        f"{settings.SERVICE_NAME}: an assessment is "
                        f"{'overdue' if overdue else 'due soon'}"
                    ),
                    message=(
                        f"A {assessment.get_kind_display()} in {case.team}"
                        f"{', held by ' + str(case.allocated_to) if case.allocated_to else ''} "
                        f"is due on {assessment.due_date:%d %B %Y} and is not signed off yet. "
                        "Open the team's caseload in Family Connect to see it."
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
            except Exception:
                logger.exception("Could not warn the managers about assessment %s", pk)
                continue
            assessment.due_warning_sent_at = timezone.now()
            assessment.save(update_fields=["due_warning_sent_at"])
            sent += 1
    return sent
