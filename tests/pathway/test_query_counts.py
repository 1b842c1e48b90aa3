"""The assessment page and the comparison of two versions run a fixed number of SQL statements
whatever the family's size (docs/pathway.md, "Benchmark": at most 15 on PostgreSQL), and still
write one access-log row per person shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from pathway.services import assessment_revisit, version_sign_off, version_submit
from people.models import LivesWith, Person, Relationship
from tests.pathway.test_services import _fill

pytestmark = pytest.mark.django_db
TRANSACTION_STATEMENTS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
STATEMENT_BUDGET = 15


def _statements(client, url) -> tuple[int, object]:
    """The SQL statements one render runs, leaving out transaction control (as the benchmark,
    bench/common.py, counts them)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    return sum(1 for s in sql if not s.upper().startswith(TRANSACTION_STATEMENTS)), response


def _family_of(size, family, by):
    """Mia with ``size - 1`` people around her (the shared family's ties to her ended)."""
    child = family["child"]
    Relationship.objects.filter(to_person=child).update(end_date=timezone.localdate())
    for number in range(size - 1):
        person = Person.objects.create(
            given_name=f"Relative{number}",
            family_name="Dawson",
            date_of_birth=child.date_of_birth,
            created_by=by,
        )
        Relationship.objects.create(from_person=person, to_person=child, kind="SIBLING")
        LivesWith.objects.create(person_a=child, person_b=person, since_date=child.date_of_birth)


@pytest.fixture
def two_versions(fhlp_case, rugby_fhlp, team_manager, rugby_family):
    from pathway.services import assessment_start

    assessment = assessment_start(
        case=fhlp_case, kind="FHA", children=[rugby_family["child"]], started_by=rugby_fhlp
    )
    version = _fill(assessment.versions.get(), rugby_fhlp, rugby_family["child"])
    version_submit(version=version, submitted_by=rugby_fhlp)
    version_sign_off(version=version, manager=team_manager)
    assessment_revisit(assessment=assessment, by=rugby_fhlp, reason="The family moved")
    return assessment


def test_the_assessment_page_and_comparison_run_the_same_statements_for_1_or_8_people(
    two_versions, rugby_family, rugby_fhlp, client_for
):
    client = client_for("rugby_fhlp")
    page = reverse("pathway:assessment", args=[two_versions.pk])
    compare = reverse("pathway:compare", args=[two_versions.pk]) + "?left=1&right=2"
    counts = {}
    for size in (1, 8):
        _family_of(size, rugby_family, rugby_fhlp)
        client.get(page)  # the session's first save and the template cache
        before = set(AccessLog.objects.values_list("pk", flat=True))
        counts[size, "page"], response = _statements(client, page)
        logged = AccessLog.objects.exclude(pk__in=before)
        # One access-log row per person on the family map, in one insert.
        assert len({row.person_id for row in logged}) == len(logged) == size
        # The version is a draft started after Mia's level was weighed: still to record.
        assert "record Mia Dawson&#x27;s level for this version" in response.content.decode()
        counts[size, "compare"], response = _statements(client, compare)
        assert 'data-change="' in response.content.decode()
    assert counts[1, "page"] == counts[8, "page"], counts
    assert counts[1, "compare"] == counts[8, "compare"], counts
    if connection.vendor == "postgresql":  # SQLite has no arrays: a query or two more
        assert max(counts.values()) <= STATEMENT_BUDGET, counts
