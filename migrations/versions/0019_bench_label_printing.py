"""printing at the bench: each technician's label stock, format and next free place; the
« à imprimer » tray

Revision ID: 0019_bench
Revises: 0011_scale
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_bench"
down_revision = "0011_scale"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "label_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stock_id", sa.String(length=60), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("next_start", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_label_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_label_preferences")),
    )
    op.create_table(
        "label_tray_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_label_tray_items_user_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_label_tray_items_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_tray_items")),
        sa.UniqueConstraint("user_id", "device_id", name="uq_label_tray_items_user_device"),
    )
    op.create_index(op.f("ix_label_tray_items_user_id"), "label_tray_items", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_label_tray_items_user_id"), table_name="label_tray_items")
    op.drop_table("label_tray_items")
    op.drop_table("label_preferences")
