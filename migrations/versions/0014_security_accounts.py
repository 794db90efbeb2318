"""security: session generation per account, sign-in log (append-only), lockout columns gone

Revision ID: 0011_security_accounts
Revises: 0011_evidence

The per-account lockout (failed_login_count, locked_until) let anyone lock a real user out;
throttling now counts the sign-in log per (account, client address) and per address.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_security_accounts"
down_revision = "0011_evidence"
branch_labels = None
depends_on = None


def protect_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (as in 0001)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refurb_refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def upgrade():
    # Native ALTER TABLE on both engines (SQLite 3.35+): a batch copy of `users` would have to
    # drop a table every other table points to.
    op.add_column("users", sa.Column("session_generation", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.execute("ALTER TABLE users DROP COLUMN failed_login_count")
    op.execute("ALTER TABLE users DROP COLUMN locked_until")

    op.create_table(
        "sign_in_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.Column("client_network", sa.String(length=49), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.CheckConstraint("outcome IN ('success', 'failure', 'throttled')",
                           name=op.f("ck_sign_in_log_outcome_known")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sign_in_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_log")),
    )
    op.create_index("ix_sign_in_log_occurred_at", "sign_in_log", ["occurred_at"])
    op.create_index("ix_sign_in_log_user_id", "sign_in_log", ["user_id"])
    op.create_index("ix_sign_in_log_pair", "sign_in_log",
                    ["account_key", "client_network", "occurred_at"])
    op.create_index("ix_sign_in_log_network", "sign_in_log", ["client_network", "occurred_at"])
    protect_append_only("sign_in_log")


def downgrade():
    op.drop_table("sign_in_log")  # its triggers go with it
    op.add_column("users", sa.Column("failed_login_count", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.add_column("users", sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.execute("ALTER TABLE users DROP COLUMN session_generation")
