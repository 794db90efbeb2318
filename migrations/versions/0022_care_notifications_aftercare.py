"""notifications log, contact consent, support requests and follow-up calls

Revision ID: 0019_care
Revises: 0011_scale

Contact columns are added with plain ADD COLUMN (no batch rebuild of beneficiaries or donors).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_care"
down_revision = "0019_train"
branch_labels = None
depends_on = None

CONTACT_TABLES = ("beneficiaries", "donor_organisations")


def _protect_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION refurb_refuse_change()")
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN EXISTS "
               f"(SELECT 1 FROM {table} WHERE id = NEW.id) "
               f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def upgrade():
    for table in CONTACT_TABLES:
        op.add_column(table, sa.Column("notify_channel", sa.String(length=8), nullable=False,
                                       server_default="none"))
        op.add_column(table, sa.Column("notify_language", sa.String(length=5), nullable=False,
                                       server_default="fr"))
        op.add_column(table, sa.Column("notify_consent_at", sa.DateTime(), nullable=True))

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("subject_ref", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("recipient_kind", sa.String(length=12), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("recipient_label", sa.String(length=200), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("channel IN ('email', 'sms')", name=op.f("ck_notifications_channel_known")),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')",
                           name=op.f("ck_notifications_status_known")),
        sa.CheckConstraint("recipient_kind IN ('beneficiary', 'donor', 'user')",
                           name=op.f("ck_notifications_recipient_kind_known")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notifications_attempts_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notifications_idempotency_key")),
    )
    op.create_index("ix_notifications_template", "notifications", ["template"])
    op.create_index("ix_notifications_created_at", "notifications", ["created_at"])
    op.create_index("ix_notifications_status_next_attempt_at", "notifications",
                    ["status", "next_attempt_at"])

    op.create_table(
        "support_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("warranty_until", sa.Date(), nullable=False),
        sa.Column("in_warranty", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("replacement_device_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'in_repair', 'closed')",
                           name=op.f("ck_support_requests_status_known")),
        sa.CheckConstraint("decision IS NULL OR decision IN ('warranty_repair', 'exchange', "
                           "'paid_repair', 'refused')",
                           name=op.f("ck_support_requests_decision_known")),
        sa.CheckConstraint("source IN ('call', 'scan', 'agreement')",
                           name=op.f("ck_support_requests_source_known")),
        sa.CheckConstraint("decision IS NULL OR decision IN ('paid_repair', 'refused') "
                           "OR in_warranty", name=op.f("ck_support_requests_free_only_in_warranty")),
        sa.ForeignKeyConstraint(["allocation_id"], ["allocations.id"],
                                name=op.f("fk_support_requests_allocation_id_allocations")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_support_requests_device_id_devices")),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_support_requests_work_order_id_work_orders")),
        sa.ForeignKeyConstraint(["replacement_device_id"], ["devices.id"],
                                name=op.f("fk_support_requests_replacement_device_id_devices")),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"],
                                name=op.f("fk_support_requests_opened_by_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_support_requests_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_requests")),
    )
    op.create_index("ix_support_requests_allocation_id", "support_requests", ["allocation_id"])
    op.create_index("ix_support_requests_device_id", "support_requests", ["device_id"])

    op.create_table(
        "followup_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=False),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("outcome IN ('reached', 'unreachable', 'declined')",
                           name=op.f("ck_followup_calls_outcome_known")),
        sa.ForeignKeyConstraint(["allocation_id"], ["allocations.id"],
                                name=op.f("fk_followup_calls_allocation_id_allocations")),
        sa.ForeignKeyConstraint(["called_by_id"], ["users.id"],
                                name=op.f("fk_followup_calls_called_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_calls")),
    )
    op.create_index("ix_followup_calls_allocation_id", "followup_calls", ["allocation_id"])
    _protect_append_only("followup_calls")


def downgrade():
    op.drop_table("followup_calls")
    op.drop_table("support_requests")
    op.drop_table("notifications")
    # Plain DROP COLUMN (SQLite 3.35+): a batch rebuild of beneficiaries would drop a table
    # other tables point to.
    for table in CONTACT_TABLES:
        for column in ("notify_consent_at", "notify_language", "notify_channel"):
            op.drop_column(table, column)
