"""security: append-only tables refuse REPLACE / INSERT OR REPLACE on SQLite

Revision ID: 0011_security_append_only
Revises: 0011_security_accounts

On SQLite, REPLACE (and INSERT OR REPLACE, or an UPSERT conflict resolved by REPLACE) deletes
the conflicting row without firing DELETE triggers unless recursive_triggers is on — which
only the application's own connections turn on. A BEFORE INSERT trigger refusing any row whose
primary key or unique columns are already taken closes that path for every connection.
PostgreSQL has no REPLACE; its ON CONFLICT DO UPDATE and MERGE fire the UPDATE triggers.
"""

from alembic import op

revision = "0011_security_append_only"
down_revision = "0011_security_accounts"
branch_labels = None
depends_on = None

# Frozen copy: table → column groups that identify a row (primary key, unique constraints).
APPEND_ONLY = {
    "device_events": [("id",)],
    "wipe_logs": [("id",), ("sha256",)],
    "wipe_records": [("id",), ("log_id", "log_drive_index")],
    "wipe_validations": [("id",), ("record_id",)],
    "drive_removals": [("id",)],
    "part_movements": [("id",)],
    "waste_register_lines": [("id",), ("public_id", "revision")],
    "waste_register_incoming_devices": [("device_id",)],
    "eligibility_policies": [("id",), ("version",)],
    "decisions": [("id",)],
    "access_log": [("id",)],
    "gift_valuations": [("id",)],
    "sign_in_log": [("id",)],
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, keys in APPEND_ONLY.items():
        taken = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE "
            + " AND ".join(f"{column} = NEW.{column}" for column in columns) + ")"
            for columns in keys
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {taken} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
