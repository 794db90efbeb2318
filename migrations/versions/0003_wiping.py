"""wiping: sanitization records, validations, nwipe logs, drive removals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = ("wipe_logs", "wipe_records", "wipe_validations", "drive_removals")


def protect_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (as 0001 does for events)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
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


def unprotect_append_only(table: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def upgrade():
    op.create_table(
        "wipe_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tool", sa.String(length=40), nullable=False),
        sa.Column("tool_version", sa.String(length=40), nullable=False),
        sa.Column("drive_count", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_wipe_logs_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wipe_logs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_wipe_logs_sha256")),
    )
    with op.batch_alter_table("wipe_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wipe_logs_uploaded_at"), ["uploaded_at"], unique=False)

    op.create_table(
        "wipe_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("media_kind", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.Column("technique", sa.String(length=20), nullable=False),
        sa.Column("pattern", sa.String(length=120), nullable=False),
        sa.Column("passes", sa.Integer(), nullable=True),
        sa.Column("tool", sa.String(length=80), nullable=False),
        sa.Column("tool_version", sa.String(length=40), nullable=False),
        sa.Column("verification", sa.String(length=12), nullable=False),
        sa.Column("verification_passed", sa.Boolean(), nullable=True),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("pass_errors", sa.Integer(), nullable=False),
        sa.Column("verify_errors", sa.Integer(), nullable=False),
        sa.Column("fsync_errors", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("host_device_id", sa.Integer(), nullable=True),
        sa.Column("host_asset_tag", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=True),
        sa.Column("log_drive_index", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('clear', 'purge', 'destroy')",
            name=op.f("ck_wipe_records_outcome_known"),
        ),
        sa.CheckConstraint(
            "technique IN ('overwrite', 'ata_secure_erase', 'ata_enhanced_erase', 'nvme_format', "
            "'nvme_sanitize', 'crypto_erase', 'shred', 'crush', 'drill', 'degauss', 'verify_only')",
            name=op.f("ck_wipe_records_technique_known"),
        ),
        sa.CheckConstraint(
            "verification IN ('none', 'last_pass', 'all_passes')",
            name=op.f("ck_wipe_records_verification_known"),
        ),
        sa.CheckConstraint(
            "result IN ('passed', 'failed', 'aborted')", name=op.f("ck_wipe_records_result_known")
        ),
        sa.CheckConstraint(
            "media_kind IN ('hdd', 'ssd', 'nvme', 'emmc', 'other')",
            name=op.f("ck_wipe_records_media_kind_known"),
        ),
        sa.CheckConstraint(
            "source IN ('manual', 'nwipe', 'station')", name=op.f("ck_wipe_records_source_known")
        ),
        sa.CheckConstraint(
            "pass_errors >= 0 AND verify_errors >= 0 AND fsync_errors >= 0",
            name=op.f("ck_wipe_records_errors_positive"),
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_wipe_records_created_by_id_users")),
        sa.ForeignKeyConstraint(["drive_id"], ["drives.id"],
                                name=op.f("fk_wipe_records_drive_id_drives")),
        sa.ForeignKeyConstraint(["host_device_id"], ["devices.id"],
                                name=op.f("fk_wipe_records_host_device_id_devices")),
        sa.ForeignKeyConstraint(["log_id"], ["wipe_logs.id"],
                                name=op.f("fk_wipe_records_log_id_wipe_logs")),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"],
                                name=op.f("fk_wipe_records_operator_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wipe_records")),
        sa.UniqueConstraint("log_id", "log_drive_index", name="uq_wipe_records_log_drive"),
    )
    with op.batch_alter_table("wipe_records", schema=None) as batch_op:
        batch_op.create_index("ix_wipe_records_drive_finished", ["drive_id", "finished_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_wipe_records_host_device_id"), ["host_device_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_wipe_records_log_id"), ["log_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wipe_records_operator_id"), ["operator_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_wipe_records_result"), ["result"], unique=False)

    op.create_table(
        "wipe_validations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("validator_id", sa.Integer(), nullable=False),
        sa.Column("validated_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["wipe_records.id"],
                                name=op.f("fk_wipe_validations_record_id_wipe_records")),
        sa.ForeignKeyConstraint(["validator_id"], ["users.id"],
                                name=op.f("fk_wipe_validations_validator_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wipe_validations")),
        sa.UniqueConstraint("record_id", name=op.f("uq_wipe_validations_record_id")),
    )

    op.create_table(
        "drive_removals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("asset_tag", sa.String(length=32), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_drive_removals_device_id_devices")),
        sa.ForeignKeyConstraint(["drive_id"], ["drives.id"],
                                name=op.f("fk_drive_removals_drive_id_drives")),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"],
                                name=op.f("fk_drive_removals_removed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_removals")),
    )
    with op.batch_alter_table("drive_removals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_removals_device_id"), ["device_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_drive_removals_drive_id"), ["drive_id"],
                              unique=False)

    for table in APPEND_ONLY:
        protect_append_only(table)


def downgrade():
    for table in APPEND_ONLY:
        unprotect_append_only(table)
    op.drop_table("drive_removals")
    op.drop_table("wipe_validations")
    with op.batch_alter_table("wipe_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wipe_records_result"))
        batch_op.drop_index(batch_op.f("ix_wipe_records_operator_id"))
        batch_op.drop_index(batch_op.f("ix_wipe_records_log_id"))
        batch_op.drop_index(batch_op.f("ix_wipe_records_host_device_id"))
        batch_op.drop_index("ix_wipe_records_drive_finished")
    op.drop_table("wipe_records")
    with op.batch_alter_table("wipe_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wipe_logs_uploaded_at"))
    op.drop_table("wipe_logs")
