"""The second wall on PostgreSQL: row-level security policies on every tenant table, keyed by
the transaction-local setting `refurb.workshop_id` (a workshop id, or "network").

Every transaction of every connection of the engine (the ORM session, side connections for
rate limits and job progress) begins with the current scope set, sent with the BEGIN in one
round trip; a change of scope inside a transaction is sent before its next statement
(refurb.workshops.context). The policies apply to the application
when it connects as a role other than a superuser: FORCE ROW LEVEL SECURITY makes them apply
to the tables' owner too (docs/deploy: run the application as a non-superuser owner).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from refurb.workshops.context import apply_setting, transaction_begins, transaction_ends

# The policy's test: the transaction's scope is the whole network, or the row's workshop.
SCOPE_SQL = (
    "(current_setting('refurb.workshop_id', true) = 'network' OR workshop_id = "
    "(CASE WHEN current_setting('refurb.workshop_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('refurb.workshop_id', true)::integer END))"
)
SHARED_SCOPE_SQL = f"(workshop_id IS NULL OR {SCOPE_SQL})"


def policy_statements(table: str, shared: bool = False) -> list[str]:
    """Enable, force and define the policy of one table (used by the migrations)."""
    using = SHARED_SCOPE_SQL if shared else SCOPE_SQL
    # Shared references are read by everyone but written only within one's scope.
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS workshop_isolation ON {table}",
        f"CREATE POLICY workshop_isolation ON {table} USING {using} WITH CHECK {SCOPE_SQL}"
        if shared else
        f"CREATE POLICY workshop_isolation ON {table} USING {using} WITH CHECK {using}",
    ]


def install(app: Flask) -> None:
    from refurb.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return

    # The scope goes out with the server's BEGIN, in the same round trip, before the first
    # statement; a later change of scope is sent before the next statement only.
    event.listen(engine, "begin", transaction_begins)
    event.listen(engine, "before_cursor_execute", _before_statement)
    event.listen(engine, "commit", transaction_ends)
    event.listen(engine, "rollback", transaction_ends)


def _before_statement(connection, *_args) -> None:  # noqa: ANN001
    apply_setting(connection)
