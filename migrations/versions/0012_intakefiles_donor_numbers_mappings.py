"""intake: the donor's inventory number on devices, read options of an upload, column
mappings remembered per donor

Revision ID: 0011_intakefiles
Revises: 0011_jobs
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_intakefiles"
down_revision = "0011_jobs"
branch_labels = None
depends_on = None


def upgrade():
    # Added columns and an index only: no table rebuild on SQLite.
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("donor_inventory_number", sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f("ix_devices_donor_inventory_number"),
                              ["donor_inventory_number"], unique=False)
    with op.batch_alter_table("intake_imports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading", sa.JSON(), nullable=True))
    op.create_table(
        "donor_column_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["donor_id"], ["donor_organisations.id"],
                                name=op.f("fk_donor_column_mappings_donor_id_donor_organisations")),
        sa.ForeignKeyConstraint(["used_by_id"], ["users.id"],
                                name=op.f("fk_donor_column_mappings_used_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donor_column_mappings")),
        sa.UniqueConstraint("donor_id", "header_signature",
                            name=op.f("uq_donor_column_mappings_donor_id")),
    )


def downgrade():
    op.drop_table("donor_column_mappings")
    with op.batch_alter_table("intake_imports", schema=None) as batch_op:
        batch_op.drop_column("reading")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_donor_inventory_number"))
        batch_op.drop_column("donor_inventory_number")
