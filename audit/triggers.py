"""A PostgreSQL trigger that makes a table append-only for every client, not only the ORM.

Used by migrations of log tables (access log, information-sharing log). SQLite, the no-services
fallback, gets no trigger; the models' AppendOnlyModel base refuses changes there.
TRUNCATE is deliberately not trapped: the test runner empties tables with it between tests. The
application's database role neither owns the log tables nor holds TRUNCATE, UPDATE or DELETE on
them, so it cannot truncate, change, or lift a trigger (audit/roles.py).
"""

from django.db import migrations

_FUNCTION = """
CREATE OR REPLACE FUNCTION family_connect_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> migrations.RunPython:
    trigger = f"{table}_append_only"

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION family_connect_append_only();",
                params=None,
            )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table};", params=None)

    return migrations.RunPython(forward, backward)


def _column_text(column: str, kind: str) -> str:
    """SQL giving a column's value as audit/chain.py `_text` encodes it."""
    value = f'NEW."{column}"'
    if kind == "timestamp":  # microseconds since the epoch: no time zone or DateStyle applies
        return f"(extract(epoch FROM {value}) * 1000000)::bigint::text"
    if kind == "date":
        return f"to_char({value}, 'YYYY-MM-DD')"
    if kind == "boolean":
        return f"CASE WHEN {value} THEN 'true' ELSE 'false' END"
    return f"{value}::text"


def hash_chain(
    table: str, columns: list[tuple[str, str]], *, written_at: str
) -> migrations.RunPython:
    """A BEFORE INSERT trigger putting each new row of `table` on its hash chain (audit/chain.py
    describes the chain and its encoding). `columns` are (column, kind) pairs in hashing order,
    frozen in the migration; kind is "timestamp", "date", "boolean" or "text". `written_at` is the
    column giving the order in which rows already in the table are chained.

    The trigger takes a transaction-scoped advisory lock for the table, then reads the newest
    chained row through the unique index on chain_seq. The lock is held until the inserting
    transaction ends, so concurrent inserts queue and none can fork the chain (a transaction at
    REPEATABLE READ that cannot see the newer row fails on the unique index instead); a rolled-
    back insert leaves no hole. Rows already in the table are chained in order of writing,
    oldest first. Run again with more columns to extend the hash (old rows stay valid while the
    new columns are empty in them).
    """
    function = f"{table}_chain"
    lines = "\n".join(
        f"    v := nullif({_column_text(column, kind)}, '');\n"
        f"    IF v IS NOT NULL THEN body := body || E'\\n{column}=' || length(v) || ':' || v; END IF;"
        for column, kind in columns
    )

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq bigint;
    last_hash text;
    body text := '';
    v text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('family-connect hash chain'), hashtext(TG_TABLE_NAME));
    SELECT chain_seq, row_hash INTO last_seq, last_hash FROM {table}
        WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
{lines}
    NEW.chain_seq := coalesce(last_seq, 0) + 1;
    NEW.prev_hash := coalesce(last_hash, '');
    NEW.row_hash := encode(sha256(convert_to(NEW.prev_hash || body, 'UTF8')), 'hex');
    RETURN NEW;
END;
$$;
DROP TRIGGER IF EXISTS {function} ON {table};
CREATE TRIGGER {function} BEFORE INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
""",  # noqa: S608 - names from the migration, not from users
            params=None,
        )
        _chain_existing_rows(schema_editor, table, columns, written_at)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {function} ON {table};", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}();", params=None)

    return migrations.RunPython(forward, backward)


def _chain_existing_rows(
    schema_editor, table: str, columns: list[tuple[str, str]], written_at: str
) -> None:
    """Chain the rows written before the chain began, oldest first (the migration runs as the
    table's owner, who alone may lift the append-only trigger for it)."""
    from audit.chain import GENESIS, row_hash

    names = [column for column, _ in columns]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE chain_seq IS NULL")  # noqa: S608
        if not cursor.fetchone()[0]:
            return
        cursor.execute(
            f"SELECT chain_seq, row_hash FROM {table} WHERE chain_seq IS NOT NULL "  # noqa: S608
            "ORDER BY chain_seq DESC LIMIT 1"
        )
        seq, prev = cursor.fetchone() or (0, GENESIS)
        quoted = ", ".join(f'"{name}"' for name in names)
        cursor.execute(
            f"SELECT id, {quoted} FROM {table} WHERE chain_seq IS NULL ORDER BY {written_at}, id"  # noqa: S608
        )
        rows = cursor.fetchall()
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        for row_id, *values in rows:
            seq += 1
            digest = row_hash(prev, names, values)
            cursor.execute(
                f"UPDATE {table} SET chain_seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s",  # noqa: S608
                [seq, prev, digest, row_id],
            )
            prev = digest
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
