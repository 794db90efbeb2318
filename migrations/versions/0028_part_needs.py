"""part needs: machines waiting for a part

Revision ID: 0021_part_needs
Revises: 0021_serial_key
Create Date: 2026-12-06 12:30:00

One row per part a machine waits for (open, then fitted or cancelled). Workshop data: the
table carries `workshop_id` and, on PostgreSQL, the row-level security policy of 0024.
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_part_needs"
down_revision = "0021_serial_key"
branch_labels = None
depends_on = None

# Tenant tables this revision adds (tests/workshops compares them with the models).
TENANT_TABLES = ("part_needs",)

# The same text as 0024_tenancy_workshops.SCOPE_SQL and refurb.workshops.row_security.
SCOPE_SQL = (
    "(current_setting('refurb.workshop_id', true) = 'network' OR workshop_id = "
    "(CASE WHEN current_setting('refurb.workshop_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('refurb.workshop_id', true)::integer END))"
)
CATEGORIES = ("ram", "drive", "battery", "charger", "keyboard", "screen", "fan", "cable", "other")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        "part_needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_part_needs_quantity_positive")),
        sa.CheckConstraint(_in("status", ("open", "fitted", "cancelled")),
                           name=op.f("ck_part_needs_status_known")),
        sa.CheckConstraint(_in("category", CATEGORIES), name=op.f("ck_part_needs_category_known")),
        sa.CheckConstraint("part_id IS NOT NULL OR description <> ''",
                           name=op.f("ck_part_needs_part_described")),
        sa.CheckConstraint("status <> 'cancelled' OR close_note <> ''",
                           name=op.f("ck_part_needs_cancel_explained")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_part_needs_device_id_devices")),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_part_needs_part_id_parts")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_part_needs_created_by_id_users")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"],
                                name=op.f("fk_part_needs_closed_by_id_users")),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_part_needs_work_order_id_work_orders")),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name=op.f("fk_part_needs_workshop_id_workshops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_needs")),
    )
    op.create_index(op.f("ix_part_needs_device_id"), "part_needs", ["device_id"])
    op.create_index(op.f("ix_part_needs_part_id"), "part_needs", ["part_id"])
    op.create_index(op.f("ix_part_needs_workshop_id"), "part_needs", ["workshop_id"])
    op.create_index("ix_part_needs_status_device_id", "part_needs", ["status", "device_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            # FORCE: the policy binds the tables' owner too (0024_tenancy_workshops).
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY workshop_isolation ON {table} "
                       f"USING {SCOPE_SQL} WITH CHECK {SCOPE_SQL}")


def downgrade():
    op.drop_table("part_needs")
