"""Demo cases (synthetic only): every team persona signs in to a caseload. It lives in the
project package because it drives both the front door and the cases app (docs/adr/0005).

Each case is made the way a real one is: a consultation taken by the demo practitioner, consent
from the child's parent, the outcome routed by the family's postcode, authorised by the demo
Family Connect manager, then accepted and allocated by the team's manager. Adds nothing once any
case exists. Run only by ``demo_setup`` (DEBUG only).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import Role, User
from cases.models import Case
from cases.services import case_accept, case_allocate, case_note_record, case_task_set
from locality.models import MembershipRole, Team, TeamMembership
from people.models import Person, Relationship

# Extra synthetic staff, so managers have a choice of worker (none of them is a login).
DEMO_STAFF = [
    ("family-help-rugby", Role.SOCIAL_WORKER, "Social worker", MembershipRole.MEMBER, "SW203345"),
    (
        "family-help-rugby",
        Role.EARLY_SUPPORT_OFFICER,
        "Early Support Officer",
        MembershipRole.MEMBER,
        "",
    ),
    ("family-help-warwick", Role.TEAM_MANAGER, "Team manager", MembershipRole.MANAGER, "SW150077"),
]


def _staff_ensure(fake) -> dict:
    made = {}
    start = timezone.localdate().replace(month=1, day=1)
    for number, (team_slug, role, title, role_in_team, swe) in enumerate(DEMO_STAFF):
        user, _ = User.objects.get_or_create(
            username=f"demo.staff.{number}",
            defaults={
                "first_name": fake.first_name(),
                "last_name": fake.last_name(),
                "role": role,
                "job_title": title,
                "email": f"demo.staff.{number}@example.org",
                "social_work_england_number": swe,
                "is_active": True,
            },
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        TeamMembership.objects.get_or_create(
            user=user,
            team=Team.objects.get(slug=team_slug),
            defaults={"role_in_team": role_in_team, "start_date": start},
        )
        made[(team_slug, role)] = user
    return made


def _children_in(la_code: str, *, under: int = 13):
    today = timezone.localdate()
    return list(
        Person.objects.filter(
            addresses__postcode__in=_postcodes(la_code),
            date_of_birth__gt=today.replace(year=today.year - under),
            date_of_birth__lt=today,
        )
        .distinct()
        .order_by("family_name", "given_name")
    )


def _postcodes(la_code):
    from locality.models import Postcode

    return Postcode.objects.filter(la_code=la_code).values("postcode")


DEMO_LEVEL = {
    "EARLY_SUPPORT_REFERRAL": "EARLY_SUPPORT",
    "FAMILY_HELP_ASSESSMENT": "FAMILY_HELP",
    "IMMEDIATE_PROTECTION": "IMMEDIATE_PROTECTION",
}


def level_recorded_for_referral(child, outcome, *, practitioner, consultation=None):
    """A referral rests on a recorded level of need: one indicator at the outcome's level (the
    demo's referrals, and tests that make one, record it so)."""
    from spectrum.selectors import decision_current_for_person, framework_current
    from spectrum.services import framework_v1_ensure, spectrum_decision_record

    framework = framework_current()
    if framework is None:  # an emptied test database: the data migration's version again
        framework_v1_ensure()
        framework = framework_current()
    level = DEMO_LEVEL[outcome]
    indicator = framework.indicators.filter(level=level).first()
    return spectrum_decision_record(
        person=child,
        framework=framework,
        indicator_ids=[indicator.pk],
        decided_level=level,
        rationale="Recorded for the referral during the call.",
        decided_by=practitioner,
        supersedes=decision_current_for_person(person=child),
        consultation=consultation,
    )


def _refer(child, outcome, *, practitioner, manager, fake):
    from consent.models import Capacity, ConsentStatus, ExceptionReason, FamilyTold, Method, Purpose
    from consent.services import consent_exception_record, consent_record_answer
    from referrals.models import CallPurpose
    from referrals.services import (
        consultation_child_add,
        consultation_child_authorise,
        consultation_child_decide,
        consultation_draft_save,
        consultation_start,
        consultation_submit,
    )

    parent = (
        Relationship.objects.filter(to_person=child, parental_responsibility=True)
        .select_related("from_person")
        .first()
    )
    if outcome == "IMMEDIATE_PROTECTION":
        consent_exception_record(
            child=child,
            purpose=Purpose.IMMEDIATE_PROTECTION,
            reason=ExceptionReason.CHILD_PROTECTION,
            rationale="A disclosure of harm at school: asking first would put the child at risk.",
            decided_by=practitioner,
            family_told=FamilyTold.NOT_YET,
        )
    else:
        consent_record_answer(
            child=child,
            purpose=Purpose.REFERRAL,
            status=ConsentStatus.GIVEN,
            recorded_by=practitioner,
            given_by=parent.from_person if parent else None,
            capacity=Capacity.PARENTAL_RESPONSIBILITY,
            method=Method.VERBAL,
        )
    consultation = consultation_start(
        practitioner=practitioner,
        received_at=timezone.now() - timedelta(days=fake.random_int(3, 20)),
    )
    consultation = consultation_draft_save(
        consultation=consultation,
        changes={
            "caller_name": fake.name(),
            "caller_role": "Designated safeguarding lead",
            "caller_agency_type": "SCHOOL",
            "caller_organisation": f"{fake.last_name()} Primary School",
            "caller_email": fake.email(domain="school.example.org"),
            "purpose": CallPurpose.REFERRAL,
            "concerns": fake.paragraph(nb_sentences=3),
            "safe_now": "YES",
            "strengths": "Mum is worried and wants help; the school knows the family well.",
        },
        version=consultation.version,
        saved_by=practitioner,
    )
    link = consultation_child_add(consultation=consultation, child=child, added_by=practitioner)
    link = consultation_child_decide(
        link=link,
        outcome=outcome,
        decided_by=practitioner,
        spectrum_decision=level_recorded_for_referral(child, outcome, practitioner=practitioner),
    )
    consultation_submit(consultation=consultation, submitted_by=practitioner)
    consultation_child_authorise(link=link, manager=manager)
    return Case.objects.filter(opened_by=link).first()


@transaction.atomic
def demo_cases_ensure(*, seed: int = 2026) -> int:
    if Case.objects.exists():
        return 0
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    staff = _staff_ensure(fake)
    practitioner = User.objects.get(username="priya.practitioner")
    fc_manager = User.objects.get(username="martin.manager")
    rugby_manager = User.objects.get(username="tanya.teammanager")
    made = 0

    def work(case, worker, manager):
        nonlocal made
        case_accept(case=case, manager=manager)
        if worker is not None:
            case_allocate(case=case, worker=worker, manager=manager)
            case_note_record(
                case=case,
                by=worker,
                kind="HOME_VISIT",
                occurred_at=timezone.now(),
                text=fake.paragraph(nb_sentences=2),
                who_was_seen="The child and their parent",
                child_seen=True,
                child_seen_alone=fake.boolean(),
            )
            case_task_set(
                case=case,
                by=manager,
                title="Start the Family Help Assessment with the family",
                due_date=timezone.localdate() + timedelta(days=5),
                assigned_to=worker,
            )
        made += 1

    rugby = _children_in("E07000220")
    rhiannon = User.objects.get(username="rhiannon.rugby")
    for child, worker in zip(
        rugby,
        [rhiannon, "NEW", rhiannon, staff[("family-help-rugby", Role.SOCIAL_WORKER)], None],
        strict=False,
    ):
        case = _refer(
            child,
            "FAMILY_HELP_ASSESSMENT",
            practitioner=practitioner,
            manager=fc_manager,
            fake=fake,
        )
        if worker == "NEW":
            made += 1  # left in the incoming queue for the manager to accept
        else:
            work(case, worker, rugby_manager)

    warwick_manager = staff[("family-help-warwick", Role.TEAM_MANAGER)]
    william = User.objects.get(username="william.warwick")
    for child in _children_in("E07000222")[:2]:
        case = _refer(
            child,
            "FAMILY_HELP_ASSESSMENT",
            practitioner=practitioner,
            manager=fc_manager,
            fake=fake,
        )
        work(case, william, warwick_manager)

    leon, megan = User.objects.get(username="leon.lcpp"), User.objects.get(username="megan.macpt")
    north = [c for c in _children_in("E07000219") if not c.cases.exists()][:2]
    for index, child in enumerate(north):
        case = _refer(
            child, "IMMEDIATE_PROTECTION", practitioner=practitioner, manager=fc_manager, fake=fake
        )
        work(case, leon if index == 0 else None, megan)
    return made
