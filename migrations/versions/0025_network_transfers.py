"""network: transfer notes between the workshops of a network

Revision ID: 0020_network
Revises: 0019_tenancy
Create Date: 2026-12-06 10:10:00

A transfer note belongs to two workshops (sender and receiver): its tables carry no
`workshop_id` and no row-level security policy; the application names both workshops in
every query (refurb.network.transfers). An index on device_events serves the network
figures (one grouped query per figure).
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_network"
down_revision = "0019_tenancy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "transfer_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("from_workshop_id", sa.Integer(), nullable=False),
        sa.Column("to_workshop_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(), nullable=False),
        sa.Column("signed_out_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('signed_out', 'received')",
                           name=op.f("ck_transfer_notes_state_known")),
        sa.CheckConstraint("from_workshop_id <> to_workshop_id",
                           name=op.f("ck_transfer_notes_two_workshops")),
        sa.ForeignKeyConstraint(["from_workshop_id"], ["workshops.id"],
                                name=op.f("fk_transfer_notes_from_workshop_id_workshops")),
        sa.ForeignKeyConstraint(["to_workshop_id"], ["workshops.id"],
                                name=op.f("fk_transfer_notes_to_workshop_id_workshops")),
        sa.ForeignKeyConstraint(["signed_out_by_id"], ["users.id"],
                                name=op.f("fk_transfer_notes_signed_out_by_id_users")),
        sa.ForeignKeyConstraint(["received_by_id"], ["users.id"],
                                name=op.f("fk_transfer_notes_received_by_id_users")),
        sa.ForeignKeyConstraint(["document_id"], ["issued_documents.id"],
                                name=op.f("fk_transfer_notes_document_id_issued_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_notes")),
        sa.UniqueConstraint("from_workshop_id", "number", name="uq_transfer_notes_from_number"),
    )
    op.create_index(op.f("ix_transfer_notes_from_workshop_id"), "transfer_notes",
                    ["from_workshop_id"])
    op.create_index(op.f("ix_transfer_notes_to_workshop_id"), "transfer_notes",
                    ["to_workshop_id"])
    op.create_table(
        "transfer_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("asset_tag", sa.String(length=32), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("make", sa.String(length=120), nullable=False),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("serial", sa.String(length=120), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.CheckConstraint("outcome IN ('pending', 'received', 'refused')",
                           name=op.f("ck_transfer_items_outcome_known")),
        sa.ForeignKeyConstraint(["transfer_id"], ["transfer_notes.id"],
                                name=op.f("fk_transfer_items_transfer_id_transfer_notes")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_transfer_items_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_items")),
        sa.UniqueConstraint("transfer_id", "device_id",
                            name="uq_transfer_items_transfer_device"),
    )
    op.create_index(op.f("ix_transfer_items_transfer_id"), "transfer_items", ["transfer_id"])
    op.create_index(op.f("ix_transfer_items_device_id"), "transfer_items", ["device_id"])
    op.create_index(op.f("ix_transfer_items_outcome"), "transfer_items", ["outcome"])
    # Network figures: each workshop's transitions of a period, read from the index alone.
    op.create_index("ix_device_events_transitions_workshop", "device_events",
                    ["to_state", "occurred_at", "workshop_id", "device_id"],
                    sqlite_where=sa.text("kind = 'transition'"),
                    postgresql_where=sa.text("kind = 'transition'"))


def downgrade():
    op.drop_index("ix_device_events_transitions_workshop", table_name="device_events")
    op.drop_table("transfer_items")
    op.drop_table("transfer_notes")
