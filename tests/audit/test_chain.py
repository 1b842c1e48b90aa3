"""The hash chain over the logs, and `manage.py audit_verify` naming the first broken row. The
tampering is done as the tables' owner (the test connection), the one role able to lift the
append-only trigger: the chain is what still shows it."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit.chain import chain_verify, hashed_columns, row_hash
from audit.models import AccessAction, AccessLog
from consent.models import LawfulBasis, SharingDecision, SharingRecord

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the chain is kept on PostgreSQL only"
)


def _log(user, reason="", **fields):
    return AccessLog.objects.create(
        user=user,
        role=user.role,
        action=AccessAction.VIEW,
        record_type="person",
        view_name="test",
        reason=reason,
        **fields,
    )


@pytest.fixture
def five_rows(practitioner):
    return [_log(practitioner, reason=f"row {n} – Zoë’s 😀") for n in range(1, 6)]


def _as_owner(table, sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no pending checks
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _verify(*args):
    """audit_verify's output and whether it passed."""
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError:
        return out.getvalue(), err.getvalue(), False
    return out.getvalue(), err.getvalue(), True


def test_each_row_carries_the_hash_of_the_row_before(five_rows):
    rows = list(AccessLog.objects.order_by("chain_seq"))

    assert [row.chain_seq for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == ""
    assert [row.prev_hash for row in rows[1:]] == [row.row_hash for row in rows[:-1]]


def test_an_untouched_log_verifies(five_rows):
    out, err, ok = _verify()

    assert ok, err
    assert "access log (audit_accesslog): 5 rows verified" in out


def test_a_row_changed_by_the_owner_is_named(five_rows):
    changed = five_rows[2]
    _as_owner(
        "audit_accesslog",
        "UPDATE audit_accesslog SET reason = 'nothing to see' WHERE id = %s",
        [changed.pk],
    )

    out, err, ok = _verify()

    assert not ok
    assert f"BROKEN at row 3 of the chain (id {changed.pk})" in err
    assert "was changed after it was written" in err


def test_a_changed_hash_is_named_too(five_rows):
    # Recomputing a row's own hash does not help: the next row still names the old one.
    changed = five_rows[1]
    _as_owner(
        "audit_accesslog",
        "UPDATE audit_accesslog SET row_hash = repeat('0', 64) WHERE id = %s",
        [changed.pk],
    )

    report = chain_verify(AccessLog)

    assert (report.broken_row, report.broken_seq) == (str(changed.pk), 2)


def test_a_deleted_row_is_named_by_the_gap_it_leaves(five_rows):
    _as_owner("audit_accesslog", "DELETE FROM audit_accesslog WHERE id = %s", [five_rows[1].pk])

    report = chain_verify(AccessLog)

    assert (report.broken_row, report.broken_seq) == (str(five_rows[2].pk), 3)
    assert "rows 2 to 2 of the chain are missing" in report.problem


def test_rows_cut_from_the_end_are_seen_against_an_anchor_kept_outside(five_rows):
    out, err, ok = _verify()
    anchor = out.split("anchor ")[1].split()[0]  # audit_accesslog:5:<hash>, as printed
    _as_owner("audit_accesslog", "DELETE FROM audit_accesslog WHERE chain_seq > 3")

    out, err, ok = _verify("--anchor", anchor)

    assert not ok
    assert "ends at row 3 of the chain, before the anchor at row 5" in err


def test_a_chain_rebuilt_with_fresh_hashes_differs_from_its_anchor(five_rows):
    out, err, ok = _verify()
    anchor = out.split("anchor ")[1].split()[0]
    # The owner rewrites row 2 and recomputes every hash from there, as the trigger would.
    _as_owner(
        "audit_accesslog", "UPDATE audit_accesslog SET reason = 'rewritten' WHERE chain_seq = 2"
    )
    rows = list(AccessLog.objects.order_by("chain_seq"))
    prev = rows[0].row_hash
    for row in rows[1:]:
        digest = row_hash(
            prev,
            hashed_columns(AccessLog),
            [
                getattr(row, f.attname)
                for f in (AccessLog._meta.get_field(n) for n in AccessLog.HASHED_FIELDS)
            ],
        )
        _as_owner(
            "audit_accesslog",
            "UPDATE audit_accesslog SET prev_hash = %s, row_hash = %s WHERE id = %s",
            [prev, digest, row.pk],
        )
        prev = digest
    assert chain_verify(AccessLog).intact  # a consistent forgery, without the anchor

    out, err, ok = _verify("--anchor", anchor)

    assert not ok
    assert "BROKEN at row 5 of the chain" in err
    assert "differs from the anchor recorded for it" in err


def test_a_row_written_around_the_chain_trigger_is_named(five_rows, practitioner):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_chain")
    sneaked = _log(practitioner, reason="written with the trigger off")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_chain")

    report = chain_verify(AccessLog)

    assert report.broken_row == str(sneaked.pk)
    assert "chain trigger off" in report.problem


def test_the_sharing_log_is_chained_and_verified_the_same_way(practitioner):
    records = [
        SharingRecord.objects.create(
            what=f"Feedback letter {n}",
            agency="Rugby school",
            purpose="Safeguarding feedback",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
            decision=SharingDecision.SHARED,
            reason="The caller asked to be told",
            decided_by=practitioner,
        )
        for n in range(3)
    ]
    _as_owner(
        "consent_sharingrecord",
        "UPDATE consent_sharingrecord SET agency = 'Somewhere else' WHERE id = %s",
        [records[0].pk],
    )

    out, err, ok = _verify()

    assert not ok
    assert (
        f"information-sharing record (consent_sharingrecord): BROKEN at row 1 of the chain (id {records[0].pk})"
        in err
    )


def test_a_rolled_back_insert_leaves_no_hole(practitioner):
    _log(practitioner)
    with pytest.raises(RuntimeError), transaction.atomic():
        _log(practitioner)
        raise RuntimeError("the request failed after logging")
    _log(practitioner)

    report = chain_verify(AccessLog)

    assert report.intact, report.problem
    assert report.rows == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_inserts_queue_on_the_chain_head_and_never_fork_it(make_persona):
    user = make_persona("practitioner")
    threads, per_thread = 6, 40
    start = threading.Barrier(threads)
    errors = []

    def write():
        try:
            start.wait()
            for n in range(per_thread):
                if n % 4 == 0:  # some in a transaction of several rows, holding the head longer
                    with transaction.atomic():
                        AccessLog.objects.bulk_create(
                            [
                                AccessLog(
                                    user=user,
                                    role=user.role,
                                    action="VIEW",
                                    record_type="person",
                                    view_name="t",
                                )
                                for _ in range(3)
                            ]
                        )
                else:
                    _log(user)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=write) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    report = chain_verify(AccessLog)
    assert errors == []
    assert report.intact, report.problem
    assert (
        report.rows
        == AccessLog.objects.count()
        == threads * (per_thread // 4 * 3 + per_thread * 3 // 4)
    )
