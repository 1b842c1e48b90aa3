"""The hash chain that makes a log table tamper-evident (docs/adr/0004-a-log-nobody-can-rewrite.md).

Each row of a chained log carries its place in the chain (`chain_seq`), the hash of the row
before it (`prev_hash`) and its own hash (`row_hash`): SHA-256 over the previous hash and the
row's values. A PostgreSQL trigger (audit/triggers.py `hash_chain`) fills them in as the row is
inserted, holding a lock for the table until its transaction ends, so two concurrent inserts
queue rather than fork the chain. This module is the other half: the same encoding in Python, so
`manage.py audit_verify` recomputes every hash without trusting anything the database computed.

The encoding, one line per value that is neither NULL nor empty, after the previous hash:
``\\n<column>=<length in characters>:<text>``. Timestamps are microseconds since the Unix epoch
(no time zone or DateStyle can change them), dates ISO 8601, booleans ``true``/``false``.
Skipping empty values means a column added later with an empty default leaves old hashes valid.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction

GENESIS = ""  # the previous hash of a chain's first row
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return str((value - _EPOCH) // _MICROSECOND)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def row_hash(prev_hash: str, columns, values) -> str:
    """The hash of one row: its columns' values (in the model's HASHED_FIELDS order) after the
    previous row's hash."""
    parts = [prev_hash]
    for column, value in zip(columns, values, strict=True):
        text = _text(value)
        if text is not None:
            parts.append(f"{column}={len(text)}:{text}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def hashed_columns(model) -> list[str]:
    """The database columns a model's rows are hashed over, in order."""
    return [model._meta.get_field(name).column for name in model.HASHED_FIELDS]


@dataclass
class ChainReport:
    table: str
    rows: int = 0
    last_seq: int = 0  # the newest row verified, to record outside the database as an anchor
    last_hash: str = GENESIS
    broken_row: str = ""  # the id of the first row that does not verify
    broken_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def chain_verify(model, *, anchor: tuple[int, str] | None = None, chunk_size=5000) -> ChainReport:
    """Walk one chained table in chain order and report the first row that breaks the chain: a
    changed row (its hash no longer matches its values), a removed one (a gap in the sequence or
    a row whose previous hash is not the row before it), or a row written around the trigger (no
    place in the chain). `anchor` is a (row, hash) pair recorded from an earlier run outside the
    database: the chain must still reach that row with that hash, which also shows rows cut from
    the end, or a chain rebuilt from scratch by someone able to recompute every hash.

    Reads one snapshot (REPEATABLE READ), so rows inserted meanwhile neither break nor extend it.
    """
    table = model._meta.db_table
    columns = hashed_columns(model)
    report = ChainReport(table=table)
    select = ", ".join(connection.ops.quote_name(column) for column in ["id", *columns])
    outermost = not connection.in_atomic_block
    expected_seq, prev = 1, GENESIS
    with transaction.atomic():
        if outermost:  # inside a caller's transaction its snapshot rules
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor = connection.chunked_cursor()
        cursor.itersize = chunk_size
        cursor.execute(
            f"SELECT chain_seq, prev_hash, row_hash, {select} FROM {table} "  # noqa: S608 - names from the model
            "ORDER BY chain_seq NULLS FIRST"
        )
        for seq, stored_prev, stored_hash, row_id, *values in cursor:
            problem = None
            if seq is None:
                problem = "has no place in the chain: it was written with the chain trigger off"
            elif seq != expected_seq:
                problem = (
                    f"follows a gap: rows {expected_seq} to {seq - 1} of the chain are missing"
                )
            elif stored_prev != prev:
                problem = "does not follow the row before it (its previous hash differs)"
            elif row_hash(prev, columns, values) != stored_hash:
                problem = "was changed after it was written (its hash no longer matches)"
            elif anchor and seq == anchor[0] and stored_hash != anchor[1]:
                problem = "differs from the anchor recorded for it: the chain was rewritten"
            if problem:
                report.broken_row, report.broken_seq, report.problem = str(row_id), seq, problem
                break
            report.rows += 1
            expected_seq, prev = seq + 1, stored_hash
        cursor.close()
    report.last_seq, report.last_hash = expected_seq - 1, prev
    if not report.problem and anchor and report.last_seq < anchor[0]:
        report.broken_seq = report.last_seq + 1
        report.problem = (
            f"ends at row {report.last_seq} of the chain, before the anchor at row {anchor[0]}: "
            "the last rows were removed"
        )
    return report


def chained_models():
    """Every log model whose table is hash-chained (the append-only logs)."""
    from django.apps import apps

    return [model for model in apps.get_models() if getattr(model, "HASHED_FIELDS", None)]
