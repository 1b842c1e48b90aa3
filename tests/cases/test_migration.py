"""Case moved from referrals to cases by migration: the rows already there are kept, waiting in
their team's incoming queue with the level of the outcome that opened them."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("referrals", "0002_child_routing_inputs"),
    ("accounts", "0001_initial"),
    ("cases", None),
]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cases_opened_before_the_move_are_kept_and_wait_to_be_accepted():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE[:2]).apps
        user = old.get_model("accounts", "User").objects.create(username="decider")
        team = old.get_model("locality", "Team").objects.create(
            slug="old-team", name="Old team", team_type="FAMILY_HELP", serves="x", phone="1"
        )
        child = old.get_model("people", "Person").objects.create(
            given_name="Mia", family_name="Old"
        )
        consultation = old.get_model("referrals", "Consultation").objects.create(
            reference="FC-2025-000001",
            practitioner=user,
            received_at=timezone.now(),
            decision_due_at=timezone.now(),
        )
        link = old.get_model("referrals", "ConsultationChild").objects.create(
            consultation=consultation,
            child=child,
            outcome="IMMEDIATE_PROTECTION",
            team=team,
            decided_by=user,
        )
        case_id = uuid.uuid4()
        old.get_model("referrals", "Case").objects.create(
            id=case_id,
            child=child,
            team=team,
            opened_by=link,
            status="UNALLOCATED",
            referral_date=timezone.localdate(),
            assessment_due_date=timezone.localdate(),
            opened_at=timezone.now(),
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)

    from cases.models import Case

    case = Case.objects.get(pk=case_id)
    assert (case.status, case.level, case.first_referral_id) == (
        "INCOMING",
        "IMMEDIATE_PROTECTION",
        link.pk,
    )
    assert case.opened_by.consultation.reference == "FC-2025-000001"
