"""evidence: log-to-drive match overrides and nwipe facts on wipe records; verification
tokens and printed-hash lookup on issued documents

Revision ID: 0011_evidence
Revises: 0011_intakefiles
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_evidence"
down_revision = "0011_intakefiles"
branch_labels = None
depends_on = None


def _sqlite_triggers(create: bool) -> None:
    """wipe_records is append-only (0003): SQLite's batch mode may copy the table, which
    drops its triggers, so they are dropped before and put back after."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS wipe_records_no_{action}")
        if create:
            op.execute(f"CREATE TRIGGER wipe_records_no_{action} BEFORE {action.upper()} ON "
                       "wipe_records BEGIN SELECT RAISE(ABORT, 'wipe_records is append-only'); "
                       "END")


def upgrade():
    _sqlite_triggers(create=False)
    with op.batch_alter_table("wipe_records") as batch:
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("match_override", sa.Text(), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("match_differences", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("override_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_wipe_records_override_by_id_users", "users",
                                 ["override_by_id"], ["id"])
    _sqlite_triggers(create=True)
    with op.batch_alter_table("issued_documents") as batch:
        batch.add_column(sa.Column("verify_token", sa.String(length=32), nullable=True))
        batch.create_index("ix_issued_documents_verify_token", ["verify_token"])
        batch.create_index("ix_issued_documents_content_sha256", ["content_sha256"])


def downgrade():
    with op.batch_alter_table("issued_documents") as batch:
        batch.drop_index("ix_issued_documents_content_sha256")
        batch.drop_index("ix_issued_documents_verify_token")
        batch.drop_column("verify_token")
    _sqlite_triggers(create=False)
    with op.batch_alter_table("wipe_records") as batch:
        batch.drop_constraint("fk_wipe_records_override_by_id_users", type_="foreignkey")
        batch.drop_column("override_by_id")
        batch.drop_column("match_differences")
        batch.drop_column("match_override")
        batch.drop_column("evidence")
    _sqlite_triggers(create=True)
