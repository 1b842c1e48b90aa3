"""The user's teams are read once per request, not kept on the user object: a user object that
outlives a request (a worker's, a service's) sees a membership change at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.selectors import team_ids_of
from locality.models import MembershipRole, Team, TeamMembership


def test_a_new_membership_is_seen_by_the_same_user_object(rugby_fhlp):
    warwick = Team.objects.get(slug="family-help-warwick")
    before = team_ids_of(user=rugby_fhlp)
    assert warwick.pk not in before

    TeamMembership.objects.create(
        user=rugby_fhlp,
        team=warwick,
        role_in_team=MembershipRole.MEMBER,
        start_date=timezone.localdate(),
    )

    assert team_ids_of(user=rugby_fhlp) == before | {warwick.pk}


def test_a_page_reads_the_memberships_once(client_for):
    client = client_for("rugby_fhlp")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:mine"))

    assert response.status_code == 200
    membership_reads = [
        q["sql"] for q in queries.captured_queries if 'FROM "locality_teammembership"' in q["sql"]
    ]
    assert len(membership_reads) == 1, membership_reads
