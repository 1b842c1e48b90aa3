"""The one rule for who may see a restricted person, and for break-glass access.

A restricted person (``Person.restricted``) is seen only by:

- **Family Connect managers**, who hold the front door's restricted records;
- **the team manager of a team holding an open case for the person** (a case's team, read
  through ``Person.cases``; closed cases do not count);
- **named workers**: a user given an open ``RestrictionGrant`` for that person by a manager;
- **a worker in a break-glass access** for that person that has not expired
  (``BreakGlassAccess``), which also reaches records outside the worker's usual scope.

Every queryset that can reach a person applies this rule: ``people.selectors.people_visible_to``
for people, and ``people_hidden_from`` for anything naming a person (consultations exclude
those naming a hidden child; letters follow their consultation). Cases apply it the same way.
"""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts import rules
from accounts.models import Role
from locality.models import MembershipRole
from people.models import BreakGlassAccess, Person, RestrictionGrant

# A case's open states (cases.models.OPEN_STATUSES, docs/cases.md). Named here rather than
# imported: the people app sits below cases and never imports it (docs/adr/0005).
OPEN_CASE_STATUSES = ("INCOMING", "UNALLOCATED", "ALLOCATED")


def _managed_team_ids(user):
    return (
        user.memberships.current(on=timezone.localdate())
        .filter(role_in_team=MembershipRole.MANAGER)
        .values("team_id")
    )


def break_glass_person_ids(*, user, now=None):
    """The people this user holds an unexpired break-glass access for (a subquery)."""
    return BreakGlassAccess.objects.filter(user=user, expires_at__gt=now or timezone.now()).values(
        "person_id"
    )


def restriction_q(*, user) -> Q:
    """A filter over ``Person``: true for everyone the restriction rule lets this user see
    (every unrestricted person, and the restricted people above). Apply it to any person
    queryset, or use ``people_hidden_from`` to exclude records naming a hidden person."""
    visible = Q(restricted=False)
    if not rules.has_a_role(user):
        return visible
    if rules.can_see_restricted_records(user):
        return Q()
    if rules.has_role(user, {Role.TEAM_MANAGER}):
        visible |= Q(
            pk__in=Person.objects.filter(
                cases__team__in=_managed_team_ids(user),
                cases__status__in=OPEN_CASE_STATUSES,
                restricted=True,
            ).values("pk")
        )
    visible |= Q(
        pk__in=RestrictionGrant.objects.filter(user=user, ended_at__isnull=True).values("person")
    )
    if _may_hold_break_glass(user):
        visible |= Q(pk__in=break_glass_person_ids(user=user))
    return visible


def _may_hold_break_glass(user) -> bool:
    """False when the user's row says no break-glass access is open (costs no query)."""
    until = getattr(user, "break_glass_until", None)
    return until is not None and until > timezone.now()


def people_hidden_from(*, user):
    """The restricted people this user may not see: exclude anything naming one of them, e.g.
    ``Consultation.objects.exclude(children__child__in=people_hidden_from(user=user))``."""
    if rules.can_see_restricted_records(user):
        return Person.objects.none().values("pk")
    return Person.objects.filter(restricted=True).exclude(restriction_q(user=user)).values("pk")


def restriction_allows(*, user, person: Person) -> bool:
    """May this user see this one person, as far as restriction goes?"""
    if not person.restricted:
        return True
    return Person.objects.filter(restriction_q(user=user), pk=person.pk).exists()


def restriction_review_date(*, on: dt.date | None = None) -> dt.date:
    """When a restriction set today is due for review (``RESTRICTION_REVIEW_DAYS``, 90)."""
    return (on or timezone.localdate()) + dt.timedelta(days=settings.RESTRICTION_REVIEW_DAYS)


def break_glass_reasons(*, user) -> dict:
    """For each person the user holds an unexpired break-glass access for, the reason every
    read of them is logged with (``people.middleware`` hands this to the access log)."""
    if not rules.can_break_glass(user):
        return {}
    if not _may_hold_break_glass(user):
        return {}
    accesses = BreakGlassAccess.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "started_at"
    )
    return {access.person_id: access.log_reason for access in accesses}


__all__ = [
    "break_glass_person_ids",
    "break_glass_reasons",
    "people_hidden_from",
    "restriction_allows",
    "restriction_q",
    "restriction_review_date",
]
