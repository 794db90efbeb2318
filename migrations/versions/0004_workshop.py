"""workshop: diagnoses, parts stock and ledger, work orders, software installs, build profiles,
QA checklist and results, stock locations, batch scan sessions; devices.location_id and grade

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:00:00

"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = ("part_movements",)

# Frozen copy of the default checklist (refurb/core/qa.py may change; this revision must not).
# (code, French name, kind, minimum, {device type: mandatory})
_COMPUTERS = ("desktop", "laptop", "all_in_one", "mini_pc", "server")
DEFAULT_CHECKLIST = (
    ("boots", "Démarrage complet du système", "pass_fail", None,
     {t: True for t in (*_COMPUTERS, "tablet", "phone")}),
    ("screen", "Écran (pixels, rétroéclairage, charnières)", "pass_fail", None,
     {"laptop": True, "all_in_one": True, "tablet": True, "phone": True, "monitor": True,
      "crt_monitor": True}),
    ("video_inputs", "Entrées vidéo", "pass_fail", None, {"monitor": True, "crt_monitor": True}),
    ("keyboard", "Clavier (toutes les touches)", "pass_fail", None,
     {"laptop": True, "keyboard_mouse": True}),
    ("touchpad", "Pavé tactile", "pass_fail", None, {"laptop": True}),
    ("mouse", "Souris", "pass_fail", None, {"keyboard_mouse": True}),
    ("usb", "Ports USB", "pass_fail", None, {t: True for t in (*_COMPUTERS, "tablet")}),
    ("network", "Réseau filaire (Ethernet)", "pass_fail", None,
     {"desktop": True, "mini_pc": True, "server": True, "laptop": False, "all_in_one": False}),
    ("wifi", "Wi-Fi", "pass_fail", None,
     {"laptop": True, "tablet": True, "phone": True, "all_in_one": False, "mini_pc": False}),
    ("audio", "Son (haut-parleurs et prise casque)", "pass_fail", None,
     {"laptop": True, "all_in_one": True, "tablet": True, "phone": True, "desktop": False,
      "mini_pc": False}),
    ("webcam", "Webcam", "pass_fail", None,
     {"laptop": False, "all_in_one": False, "tablet": False, "phone": False}),
    ("battery", "Santé de la batterie", "percent", 60,
     {"laptop": True, "tablet": True, "phone": True}),
    ("charger", "Chargeur fourni et fonctionnel", "pass_fail", None,
     {"laptop": True, "tablet": True, "phone": True}),
    ("printer", "Impression d'une page de test", "pass_fail", None, {"printer": True}),
    ("cleaning", "Nettoyage (intérieur et extérieur)", "pass_fail", None,
     {t: False for t in (*_COMPUTERS, "tablet", "phone", "monitor", "printer",
                         "keyboard_mouse")}),
)


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
        "stock_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('shelf', 'bin', 'pallet', 'room', 'other')",
                           name=op.f("ck_stock_locations_kind_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_locations")),
        sa.UniqueConstraint("code", name=op.f("uq_stock_locations_code")),
    )
    # Plain ADD COLUMN (no batch copy): SQLite accepts a nullable column with REFERENCES and a
    # CHECK this way, and rebuilding `devices` would trip the foreign keys of its events.
    op.execute(
        "ALTER TABLE devices ADD COLUMN location_id INTEGER "
        "CONSTRAINT fk_devices_location_id_stock_locations REFERENCES stock_locations (id)"
    )
    op.execute(
        "ALTER TABLE devices ADD COLUMN grade VARCHAR(1) "
        "CONSTRAINT ck_devices_grade_known CHECK (grade IN ('A', 'B', 'C'))"
    )
    op.create_index("ix_devices_location_id", "devices", ["location_id"], unique=False)

    op.create_table(
        "diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("power_on", sa.String(length=16), nullable=False),
        sa.Column("faults", sa.JSON(), nullable=False),
        sa.Column("fault_notes", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('reuse', 'parts', 'dispose')",
                           name=op.f("ck_diagnoses_decision_known")),
        sa.CheckConstraint(
            "power_on IN ('ok', 'no_boot', 'no_display', 'no_power', 'not_applicable')",
            name=op.f("ck_diagnoses_power_on_known")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_diagnoses_actor_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_diagnoses_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diagnoses")),
    )
    op.create_index("ix_diagnoses_device_id", "diagnoses", ["device_id"], unique=False)

    op.create_table(
        "parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("compatibility", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "category IN ('ram', 'drive', 'battery', 'charger', 'keyboard', 'screen', 'fan', "
            "'cable', 'other')", name=op.f("ck_parts_category_known")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_parts_quantity_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parts")),
        sa.UniqueConstraint("category", "name", name="uq_parts_category_name"),
    )

    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("minutes >= 0", name=op.f("ck_work_orders_minutes_not_negative")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_work_orders_device_id_devices")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_work_orders_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["technician_id"], ["users.id"],
                                name=op.f("fk_work_orders_technician_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
    )
    op.create_index("ix_work_orders_device_id", "work_orders", ["device_id"], unique=False)
    op.create_index("ix_work_orders_technician_id", "work_orders", ["technician_id"], unique=False)

    op.create_table(
        "part_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("quantity_after", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('harvest', 'use', 'receive', 'adjust')",
                           name=op.f("ck_part_movements_kind_known")),
        sa.CheckConstraint("kind NOT IN ('harvest', 'use') OR device_id IS NOT NULL",
                           name=op.f("ck_part_movements_device_given")),
        sa.CheckConstraint("delta <> 0", name=op.f("ck_part_movements_delta_not_zero")),
        sa.CheckConstraint("quantity_after >= 0",
                           name=op.f("ck_part_movements_quantity_after_not_negative")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_part_movements_actor_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_part_movements_device_id_devices")),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"],
                                name=op.f("fk_part_movements_part_id_parts")),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_part_movements_work_order_id_work_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_movements")),
    )
    op.create_index("ix_part_movements_device_id", "part_movements", ["device_id"], unique=False)
    op.create_index("ix_part_movements_part_id_id", "part_movements", ["part_id", "id"],
                    unique=False)
    op.create_index("ix_part_movements_work_order_id", "part_movements", ["work_order_id"],
                    unique=False)

    op.create_table(
        "software_installs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("os_name", sa.String(length=16), nullable=False),
        sa.Column("os_version", sa.String(length=40), nullable=False),
        sa.Column("office", sa.String(length=80), nullable=False),
        sa.Column("other_software", sa.Text(), nullable=False),
        sa.Column("software_keys", sa.Text(), nullable=False),
        sa.Column("licence_key", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "os_name IN ('linux_mint', 'debian', 'emmabuntus', 'ubuntu', 'primtux', 'windows', "
            "'other')", name=op.f("ck_software_installs_os_known")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_software_installs_actor_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_software_installs_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_software_installs")),
    )
    op.create_index("ix_software_installs_device_id", "software_installs", ["device_id"],
                    unique=False)

    build_profiles = op.create_table(
        "build_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("device_types", sa.JSON(), nullable=False),
        sa.Column("min_ram_mib", sa.Integer(), nullable=True),
        sa.Column("min_storage_gb", sa.Integer(), nullable=True),
        sa.Column("storage_kinds", sa.JSON(), nullable=False),
        sa.Column("os_names", sa.JSON(), nullable=False),
        sa.Column("software", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_build_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_build_profiles_name")),
    )

    qa_checks = op.create_table(
        "qa_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('pass_fail', 'percent')", name=op.f("ck_qa_checks_kind_known")),
        sa.CheckConstraint("minimum IS NULL OR (minimum >= 0 AND minimum <= 100)",
                           name=op.f("ck_qa_checks_minimum_percent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_checks")),
        sa.UniqueConstraint("code", name=op.f("uq_qa_checks_code")),
    )
    qa_check_rules = op.create_table(
        "qa_check_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["check_id"], ["qa_checks.id"],
                                name=op.f("fk_qa_check_rules_check_id_qa_checks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_check_rules")),
        sa.UniqueConstraint("check_id", "device_type", name="uq_qa_check_rules_check_type"),
    )
    op.create_index("ix_qa_check_rules_device_type", "qa_check_rules", ["device_type"],
                    unique=False)

    op.create_table(
        "qa_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("grade IN ('A', 'B', 'C')", name=op.f("ck_qa_runs_grade_known")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_qa_runs_actor_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_qa_runs_device_id_devices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_runs")),
    )
    op.create_index("ix_qa_runs_device_id_id", "qa_runs", ["device_id", "id"], unique=False)

    op.create_table(
        "qa_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["check_id"], ["qa_checks.id"],
                                name=op.f("fk_qa_results_check_id_qa_checks")),
        sa.ForeignKeyConstraint(["run_id"], ["qa_runs.id"], name=op.f("fk_qa_results_run_id_qa_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_results")),
        sa.UniqueConstraint("run_id", "check_id", name="uq_qa_results_run_check"),
    )
    op.create_index("ix_qa_results_run_id", "qa_results", ["run_id"], unique=False)

    op.create_table(
        "batch_scan_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_key", sa.String(length=40), nullable=False),
        sa.Column("parameter", sa.String(length=80), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_batch_scan_sessions_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_scan_sessions")),
    )
    op.create_index("ix_batch_scan_sessions_actor_id", "batch_scan_sessions", ["actor_id"],
                    unique=False)
    op.create_table(
        "batch_scan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("scanned", sa.String(length=120), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("undo_token", sa.JSON(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undo_message", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_batch_scan_items_actor_id_users")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_batch_scan_items_device_id_devices")),
        sa.ForeignKeyConstraint(["location_id"], ["stock_locations.id"],
                                name=op.f("fk_batch_scan_items_location_id_stock_locations")),
        sa.ForeignKeyConstraint(["session_id"], ["batch_scan_sessions.id"],
                                name=op.f("fk_batch_scan_items_session_id_batch_scan_sessions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_scan_items")),
    )
    op.create_index("ix_batch_scan_items_session_id_id", "batch_scan_items", ["session_id", "id"],
                    unique=False)

    protect_append_only("part_movements")
    _seed(build_profiles, qa_checks, qa_check_rules)


def _seed(build_profiles, qa_checks, qa_check_rules) -> None:
    """The default checklist and the workshop's first standard configuration."""
    now = datetime(2026, 1, 1)
    op.bulk_insert(build_profiles, [{
        "id": 1, "name": "Pack famille",
        "description": "Configuration remise aux familles : Linux Mint et LibreOffice.",
        "device_types": ["desktop", "laptop", "all_in_one", "mini_pc"],
        "min_ram_mib": 4096, "min_storage_gb": 120, "storage_kinds": ["ssd", "nvme"],
        "os_names": ["linux_mint"], "software": ["LibreOffice"], "active": True,
        "created_at": now, "updated_at": now,
    }])
    checks, rules = [], []
    for position, (code, name, kind, minimum, types) in enumerate(DEFAULT_CHECKLIST, start=1):
        checks.append({"id": position, "code": code, "name": name, "kind": kind,
                       "minimum": minimum, "position": position * 10, "active": True})
        rules.extend({"check_id": position, "device_type": device_type, "mandatory": mandatory}
                     for device_type, mandatory in types.items())
    op.bulk_insert(qa_checks, checks)
    op.bulk_insert(qa_check_rules, rules)
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids above: move the sequences past them.
        for table in ("build_profiles", "qa_checks"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT max(id) FROM {table}))")


def downgrade():
    unprotect_append_only("part_movements")
    for table in ("batch_scan_items", "batch_scan_sessions", "qa_results", "qa_runs",
                  "qa_check_rules", "qa_checks", "build_profiles", "software_installs",
                  "part_movements", "work_orders", "parts", "diagnoses"):
        op.drop_table(table)
    op.drop_index("ix_devices_location_id", table_name="devices")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column that carries a foreign key: copy the table (on a
        # populated database, run with PRAGMA foreign_keys=OFF).
        with op.batch_alter_table("devices", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f("ck_devices_grade_known"), type_="check")
            batch_op.drop_column("grade")
            batch_op.drop_column("location_id")
    else:  # PostgreSQL drops the column's constraints with it
        op.drop_column("devices", "grade")
        op.drop_column("devices", "location_id")
    op.drop_table("stock_locations")
