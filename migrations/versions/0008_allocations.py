"""allocations: reservations and their items, handovers (gift / loan), school programmes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00

Invariant 2 in the database: a partial unique index lets a device have at most one active
reservation item (reserved or allocated), and a beneficiary at most one open reservation.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ACTIVE = sa.text("active")
OPEN = sa.text("status = 'active'")


def upgrade():
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reserved_at", sa.DateTime(), nullable=False),
        sa.Column("reserved_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'handed_over', 'expired', 'cancelled')",
                           name=op.f("ck_reservations_status_known")),
        sa.CheckConstraint("(status = 'active') = (closed_at IS NULL)",
                           name=op.f("ck_reservations_closed_when_done")),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"],
                                name=op.f("fk_reservations_beneficiary_id_beneficiaries")),
        sa.ForeignKeyConstraint(["reserved_by_id"], ["users.id"],
                                name=op.f("fk_reservations_reserved_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reservations_beneficiary_id"), ["beneficiary_id"],
                              unique=False)
        batch_op.create_index("ix_reservations_status_expires_on", ["status", "expires_on"],
                              unique=False)
        batch_op.create_index("uq_reservations_active_beneficiary", ["beneficiary_id"],
                              unique=True, sqlite_where=OPEN, postgresql_where=OPEN)

    op.create_table(
        "reservation_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.Column("release_reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint("active = (released_at IS NULL)",
                           name=op.f("ck_reservation_items_released_when_inactive")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_reservation_items_device_id_devices")),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservations.id"],
                                name=op.f("fk_reservation_items_reservation_id_reservations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation_items")),
    )
    with op.batch_alter_table("reservation_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reservation_items_device_id"), ["device_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_reservation_items_reservation_id"),
                              ["reservation_id"], unique=False)
        batch_op.create_index("uq_reservation_items_active_device", ["device_id"], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    op.create_table(
        "school_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("start_level", sa.String(length=8), nullable=False),
        sa.Column("cohort_year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_school_programmes_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_school_programmes_name")),
    )

    op.create_table(
        "programme_schools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("uai", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["school_programmes.id"],
                                name=op.f("fk_programme_schools_programme_id_school_programmes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_schools")),
        sa.UniqueConstraint("programme_id", "uai", name="uq_programme_schools_uai"),
    )
    with op.batch_alter_table("programme_schools", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_schools_programme_id"), ["programme_id"],
                              unique=False)

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(), nullable=False),
        sa.Column("handed_over_by_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("fee_amount", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("fee_status", sa.String(length=8), nullable=False),
        sa.Column("fee_method", sa.String(length=16), nullable=True),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("converted_at", sa.DateTime(), nullable=True),
        sa.Column("returned_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("mode IN ('gift', 'loan')", name=op.f("ck_allocations_mode_known")),
        sa.CheckConstraint("status IN ('active', 'returned')",
                           name=op.f("ck_allocations_status_known")),
        sa.CheckConstraint("fee_status IN ('paid', 'waived')",
                           name=op.f("ck_allocations_fee_status_known")),
        sa.CheckConstraint(
            "fee_method IS NULL OR fee_method IN ('cash', 'cheque', 'card', 'pass_numerique')",
            name=op.f("ck_allocations_fee_method_known")),
        sa.CheckConstraint("fee_status <> 'paid' OR fee_method IS NOT NULL",
                           name=op.f("ck_allocations_paid_has_method")),
        sa.CheckConstraint("fee_amount >= 0", name=op.f("ck_allocations_fee_not_negative")),
        sa.CheckConstraint("mode <> 'loan' OR due_on IS NOT NULL",
                           name=op.f("ck_allocations_loan_has_due_date")),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"],
                                name=op.f("fk_allocations_beneficiary_id_beneficiaries")),
        sa.ForeignKeyConstraint(["handed_over_by_id"], ["users.id"],
                                name=op.f("fk_allocations_handed_over_by_id_users")),
        sa.ForeignKeyConstraint(["programme_id"], ["school_programmes.id"],
                                name=op.f("fk_allocations_programme_id_school_programmes")),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservations.id"],
                                name=op.f("fk_allocations_reservation_id_reservations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sa.UniqueConstraint("number", name=op.f("uq_allocations_number")),
        sa.UniqueConstraint("reservation_id", name=op.f("uq_allocations_reservation_id")),
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allocations_beneficiary_id"), ["beneficiary_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_allocations_handed_over_at"), ["handed_over_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_allocations_programme_id"), ["programme_id"],
                              unique=False)
        batch_op.create_index("ix_allocations_mode_status_due_on", ["mode", "status", "due_on"],
                              unique=False)


def downgrade():
    op.drop_table("allocations")
    op.drop_table("programme_schools")
    op.drop_table("school_programmes")
    op.drop_table("reservation_items")
    op.drop_table("reservations")
