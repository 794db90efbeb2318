"""cohorts: cohorts of beneficiaries and their members, pack templates, funding lines for the
funders' figures, the QPV flag on a beneficiary file

Revision ID: 0019_cohorts
Revises: 0011_scale
Create Date: 2026-12-06 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_cohorts"
down_revision = "0019_care"
branch_labels = None
depends_on = None

MODES = "mode IN ('gift', 'loan')"
METHODS = "fee_method IS NULL OR fee_method IN ('cash', 'cheque', 'card', 'pass_numerique')"


def _pk(table):
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table, column, target):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "pack_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _fk("pack_templates", "created_by_id", "users"),
        _pk("pack_templates"),
        sa.UniqueConstraint("name", name=op.f("uq_pack_templates_name")),
    )
    op.create_table(
        "pack_template_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('device', 'accessory')",
                           name=op.f("ck_pack_template_lines_kind_known")),
        sa.CheckConstraint("quantity >= 1 AND quantity <= 20",
                           name=op.f("ck_pack_template_lines_quantity_range")),
        sa.CheckConstraint("(kind = 'device') = (device_type IS NOT NULL)",
                           name=op.f("ck_pack_template_lines_device_has_type")),
        _fk("pack_template_lines", "template_id", "pack_templates"),
        _pk("pack_template_lines"),
    )
    op.create_index(op.f("ix_pack_template_lines_template_id"), "pack_template_lines",
                    ["template_id"])
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("uai", sa.String(length=8), nullable=True),
        sa.Column("school_name", sa.String(length=200), nullable=False),
        sa.Column("pack_template_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("school_programme_id", sa.Integer(), nullable=True),
        sa.Column("fee_amount", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("fee_method", sa.String(length=16), nullable=True),
        sa.Column("training_programme_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('school_class', 'season', 'association_call')",
                           name=op.f("ck_cohorts_kind_known")),
        sa.CheckConstraint(MODES, name=op.f("ck_cohorts_mode_known")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_cohorts_period_ordered")),
        sa.CheckConstraint("fee_amount >= 0", name=op.f("ck_cohorts_fee_not_negative")),
        sa.CheckConstraint(METHODS, name=op.f("ck_cohorts_fee_method_known")),
        _fk("cohorts", "pack_template_id", "pack_templates"),
        _fk("cohorts", "school_programme_id", "school_programmes"),
        _fk("cohorts", "training_programme_id", "training_programmes"),
        _fk("cohorts", "created_by_id", "users"),
        _pk("cohorts"),
        sa.UniqueConstraint("name", name=op.f("uq_cohorts_name")),
    )
    op.create_table(
        "cohort_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("allocation_id", sa.Integer(), nullable=True),
        _fk("cohort_members", "cohort_id", "cohorts"),
        _fk("cohort_members", "beneficiary_id", "beneficiaries"),
        _fk("cohort_members", "allocation_id", "allocations"),
        _pk("cohort_members"),
        sa.UniqueConstraint("cohort_id", "beneficiary_id",
                            name="uq_cohort_members_beneficiary"),
        sa.UniqueConstraint("allocation_id", name=op.f("uq_cohort_members_allocation_id")),
    )
    op.create_index(op.f("ix_cohort_members_cohort_id"), "cohort_members", ["cohort_id"])
    op.create_index(op.f("ix_cohort_members_beneficiary_id"), "cohort_members",
                    ["beneficiary_id"])
    op.create_table(
        "funding_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=120), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('cost', 'funding')", name=op.f("ck_funding_lines_kind_known")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_funding_lines_amount_not_negative")),
        sa.CheckConstraint("year >= 2000 AND year <= 2100",
                           name=op.f("ck_funding_lines_year_range")),
        _fk("funding_lines", "created_by_id", "users"),
        _pk("funding_lines"),
    )
    op.create_index("ix_funding_lines_year_programme", "funding_lines", ["year", "programme"])
    # A plain add (no batch rebuild): nullable-free thanks to the server default.
    op.add_column("beneficiaries", sa.Column("qpv", sa.Boolean(), nullable=False,
                                             server_default=sa.false()))


def downgrade():
    # Not a batch rebuild: the tables pointing at beneficiaries would refuse its DROP TABLE.
    op.drop_column("beneficiaries", "qpv")
    op.drop_index("ix_funding_lines_year_programme", table_name="funding_lines")
    op.drop_table("funding_lines")
    op.drop_index(op.f("ix_cohort_members_beneficiary_id"), table_name="cohort_members")
    op.drop_index(op.f("ix_cohort_members_cohort_id"), table_name="cohort_members")
    op.drop_table("cohort_members")
    op.drop_table("cohorts")
    op.drop_index(op.f("ix_pack_template_lines_template_id"), table_name="pack_template_lines")
    op.drop_table("pack_template_lines")
    op.drop_table("pack_templates")
