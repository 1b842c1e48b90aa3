"""The application's PostgreSQL role: everything it needs, and on the log tables only INSERT and
SELECT (docs/adr/0004-a-log-nobody-can-rewrite.md).

Migrations run as the tables' owner. The app connects as a second role that owns nothing, so it
cannot TRUNCATE a log, lift its triggers (ALTER TABLE ... DISABLE TRIGGER needs the owner) or
UPDATE or DELETE its rows, nor replace the function that chains them. `manage.py db_app_role` applies this after every `migrate`.
"""

from django.db import connection
from psycopg2 import sql

from audit.chain import chained_models


def log_tables() -> list[str]:
    return [model._meta.db_table for model in chained_models()]


def app_role_ensure(*, role: str, password: str) -> bool:
    """Create the app's login role if it is missing (the owner needs CREATEROLE) and set its
    password; refuse a role that is a superuser or owns any table. True when it was created."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found and found[0]:
            raise ValueError(f"{role} is a superuser: the app must connect as an ordinary role")
        statement = (
            "ALTER ROLE {} LOGIN PASSWORD %s" if found else "CREATE ROLE {} LOGIN PASSWORD %s"
        )
        cursor.execute(
            sql.SQL(statement).format(sql.Identifier(role)).as_string(cursor.cursor), [password]
        )
        return not found


def app_role_grant(*, role: str) -> None:
    """Grant the app's role what it needs on every table and sequence, then take back all but
    INSERT and SELECT on the log tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s",
            [schema, role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise ValueError(f"{role} owns tables ({', '.join(owned)}): it must own none")
        ident = sql.Identifier(role)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), ident),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), ident),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
                sql.Identifier(schema), ident
            ),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                sql.Identifier(schema), ident
            ),
        ]
        for table in log_tables():
            statements += [
                sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), ident),
                sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(sql.Identifier(table), ident),
            ]
        for statement in statements:
            cursor.execute(statement.as_string(cursor.cursor))
