"""A file's needs (machine kind, memory, webcam, free text); a warranty per school
programme, kept on each handover; pack templates retired, and the pack a handover received

Revision ID: 0021_needs
Revises: 0021_part_needs
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_needs"
down_revision = "0021_part_needs"
branch_labels = None
depends_on = None


def upgrade():
    # Plain nullable columns: on SQLite a batch rebuild of `beneficiaries` would drop its
    # search and protection triggers.
    op.add_column("beneficiaries", sa.Column("need_kind", sa.String(length=12), nullable=True))
    op.add_column("beneficiaries", sa.Column("need_min_ram_mib", sa.Integer(), nullable=True))
    op.add_column("beneficiaries", sa.Column("need_webcam", sa.Boolean(), nullable=True))
    op.add_column("beneficiaries", sa.Column("need_notes", sa.String(length=300), nullable=True))
    op.add_column("school_programmes", sa.Column("warranty_months", sa.Integer(), nullable=True))
    op.add_column("allocations", sa.Column("warranty_months", sa.Integer(), nullable=True))
    op.add_column("allocations", sa.Column("pack", sa.JSON(), nullable=True))
    op.add_column("pack_templates", sa.Column("retired_at", sa.DateTime(), nullable=True))


def downgrade():
    op.drop_column("pack_templates", "retired_at")
    with op.batch_alter_table("allocations") as batch:
        batch.drop_column("pack")
        batch.drop_column("warranty_months")
    with op.batch_alter_table("school_programmes") as batch:
        batch.drop_column("warranty_months")
    for column in ("need_notes", "need_webcam", "need_min_ram_mib", "need_kind"):
        op.drop_column("beneficiaries", column)
