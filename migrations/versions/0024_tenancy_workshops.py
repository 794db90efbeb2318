"""tenancy: workshops as tenants of one deployment

Revision ID: 0019_tenancy
Revises: 0019_cohorts
Create Date: 2026-12-06 09:30:00

An existing install becomes workshop 1 with nothing to do: the workshop takes the identity's
name and the configured label prefix, every row of tenant data and every staff user is
assigned to it (each user keeps their role there).

TENANT_TABLES is THE list of tables carrying `workshop_id` (the same as the subclasses of
refurb.workshops.scoping.TenantScoped; tests/workshops check they agree). Columns are added
with plain ADD COLUMN on both engines: a batch copy of `devices` would drop its search
triggers (0018).
"""
import contextlib
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "0019_tenancy"
down_revision = "0019_cohorts"
branch_labels = None
depends_on = None

# Rows of one workshop (refurb.workshops.scoping.TenantScoped).
TENANT_TABLES = (
    "devices", "drives", "device_events", "issued_documents",
    "collections", "intake_imports", "donor_column_mappings",
    "wipe_logs", "wipe_records", "wipe_validations", "drive_removals",
    "stock_locations", "diagnoses", "parts", "part_movements", "work_orders",
    "software_installs", "qa_runs", "qa_results", "batch_scan_sessions", "batch_scan_items",
    "weee_batches", "weee_batch_carriers", "waste_items", "waste_register_lines",
    "waste_register_incoming_devices",
    "beneficiaries", "beneficiary_situations", "document_checks", "eligibility_policies",
    "decisions", "access_log",
    "training_programmes", "training_programme_competences", "training_sessions",
    "training_session_competences", "training_enrolments", "training_attendance",
    "training_validations",
    "reservations", "reservation_items", "school_programmes", "programme_schools", "allocations",
    "gift_valuations", "jobs", "api_tokens",
    # this round's tables: label tray, reservation extensions, messages, after-care, cohorts
    "label_tray_items", "reservation_extensions", "notifications", "support_requests",
    "followup_calls", "pack_templates", "pack_template_lines", "cohorts", "cohort_members",
    "funding_lines",
)
# The network's references, overridable per workshop (SharedReference): existing rows become
# the network's (workshop_id NULL).
SHARED_TABLES = ("build_profiles", "qa_checks", "qa_check_rules", "weee_operators",
                 "weee_carriers")
# Numbers and names unique per workshop: (table, old constraint, new constraint, columns).
PER_WORKSHOP_UNIQUE = (
    ("collections", "uq_collections_number", "uq_collections_workshop_number", ["number"]),
    ("donor_column_mappings", "uq_donor_column_mappings_donor_id",
     "uq_donor_column_mappings_workshop_donor", ["donor_id", "header_signature"]),
    ("issued_documents", "uq_issued_documents_number_version",
     "uq_issued_documents_workshop_number_version", ["number", "version"]),
    ("wipe_logs", "uq_wipe_logs_sha256", "uq_wipe_logs_workshop_sha256", ["sha256"]),
    ("stock_locations", "uq_stock_locations_code", "uq_stock_locations_workshop_code", ["code"]),
    ("parts", "uq_parts_category_name", "uq_parts_workshop_category_name",
     ["category", "name"]),
    ("weee_batches", "uq_weee_batches_number", "uq_weee_batches_workshop_number", ["number"]),
    ("waste_register_lines", "uq_waste_register_lines_public_revision",
     "uq_waste_register_lines_workshop_public_revision", ["public_id", "revision"]),
    ("beneficiaries", "uq_beneficiaries_pseudonym", "uq_beneficiaries_workshop_pseudonym",
     ["pseudonym"]),
    ("eligibility_policies", "uq_eligibility_policies_version",
     "uq_eligibility_policies_workshop_version", ["version"]),
    ("training_programmes", "uq_training_programmes_title",
     "uq_training_programmes_workshop_title", ["title"]),
    ("training_enrolments", "uq_training_enrolments_certificate_number",
     "uq_training_enrolments_workshop_certificate_number", ["certificate_number"]),
    ("school_programmes", "uq_school_programmes_name", "uq_school_programmes_workshop_name",
     ["name"]),
    ("allocations", "uq_allocations_number", "uq_allocations_workshop_number", ["number"]),
    ("jobs", "uq_jobs_idempotency_key", "uq_jobs_workshop_idempotency_key",
     ["idempotency_key"]),
    ("pack_templates", "uq_pack_templates_name", "uq_pack_templates_workshop_name", ["name"]),
    ("cohorts", "uq_cohorts_name", "uq_cohorts_workshop_name", ["name"]),
)

# Row-level security (PostgreSQL): the transaction's scope is the network, or the row's
# workshop (the same text as refurb.workshops.row_security).
SCOPE_SQL = (
    "(current_setting('refurb.workshop_id', true) = 'network' OR workshop_id = "
    "(CASE WHEN current_setting('refurb.workshop_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('refurb.workshop_id', true)::integer END))"
)


def _identity_name(conn) -> str:
    settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON))
    name = conn.execute(sa.select(settings.c.value).where(settings.c.key == "workshop.name")
                        ).scalar()
    if not name and has_app_context():
        name = current_app.config.get("WORKSHOP_NAME")
    return str(name or "Atelier")


def _label_prefix() -> str:
    return str(current_app.config.get("ASSET_TAG_PREFIX") or "RF") if has_app_context() else "RF"


def upgrade():
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("label_prefix", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("code", name=op.f("uq_workshops_code")),
        sa.UniqueConstraint("label_prefix", name=op.f("uq_workshops_label_prefix")),
    )
    op.create_table(
        "workshop_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'technician', 'social_worker')",
                           name=op.f("ck_workshop_members_role_known")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_workshop_members_user_id_users")),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name=op.f("fk_workshop_members_workshop_id_workshops")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_members")),
        sa.UniqueConstraint("user_id", "workshop_id", name="uq_workshop_members_user_workshop"),
    )
    op.create_index(op.f("ix_workshop_members_user_id"), "workshop_members", ["user_id"])
    op.create_index(op.f("ix_workshop_members_workshop_id"), "workshop_members", ["workshop_id"])
    op.add_column("users", sa.Column("network_admin", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))

    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    workshops = sa.table("workshops", sa.column("id", sa.Integer), sa.column("code", sa.String),
                         sa.column("name", sa.String), sa.column("label_prefix", sa.String),
                         sa.column("active", sa.Boolean), sa.column("created_at", sa.DateTime))
    conn.execute(workshops.insert().values(id=1, code="A1", name=_identity_name(conn),
                                           label_prefix=_label_prefix(), active=True,
                                           created_at=now))
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('workshops', 'id'), 1)"))
    conn.execute(sa.text(
        "INSERT INTO workshop_members (user_id, workshop_id, role, created_at) "
        "SELECT id, 1, role, :now FROM users WHERE role <> 'donor'"), {"now": now})

    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # Tables rebuilt below are parents of others: checked at commit, once renamed back.
        op.execute("PRAGMA defer_foreign_keys = ON")
    with _triggers_suspended():
        for table in TENANT_TABLES:
            add_workshop_column(table)
        for table in SHARED_TABLES:
            add_workshop_column(table, owner=None)
        recreate = "always" if sqlite else "never"
        # Decisions name their policy by version, numbered per workshop from now on.
        with op.batch_alter_table("decisions", recreate=recreate) as batch:
            batch.drop_constraint("fk_decisions_policy_version_eligibility_policies",
                                  type_="foreignkey")
        for table, old, new, columns in PER_WORKSHOP_UNIQUE:
            with op.batch_alter_table(table, recreate=recreate) as batch:
                batch.drop_constraint(old, type_="unique")
                batch.create_unique_constraint(new, ["workshop_id", *columns])
        with op.batch_alter_table("decisions", recreate=recreate) as batch:
            batch.create_foreign_key("fk_decisions_workshop_policy_eligibility_policies",
                                     "eligibility_policies", ["workshop_id", "policy_version"],
                                     ["workshop_id", "version"])
    _per_workshop_counters(conn)
    _per_workshop_settings(conn, now)
    if not sqlite:
        for table in (*TENANT_TABLES, "counters"):
            _policy(table, SCOPE_SQL, SCOPE_SQL)
        for table in (*SHARED_TABLES, "settings"):
            _policy(table, f"(workshop_id IS NULL OR {SCOPE_SQL})", SCOPE_SQL)


def _policy(table: str, using: str, check: str) -> None:
    # FORCE: the policy applies to the tables' owner too (a superuser still bypasses it).
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY workshop_isolation ON {table} USING {using} WITH CHECK {check}")


@contextlib.contextmanager
def _triggers_suspended():
    """Append-only and frozen-batch triggers refuse the back-fill UPDATE, and a SQLite table
    rebuild trips over triggers of other tables naming it: they are all set aside, then put
    back exactly as they were."""
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        for table in TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    triggers = conn.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).all()
    for name, _sql in triggers:
        op.execute(f"DROP TRIGGER {name}")
    yield
    for _name, sql in triggers:
        for old, new in NO_REPLACE_PER_WORKSHOP:
            sql = sql.replace(old, new)
        op.execute(sql)


# SQLite's no-replace triggers (0015) look for an existing row by the unique key: now per
# workshop.
NO_REPLACE_PER_WORKSHOP = (
    ("FROM wipe_logs WHERE sha256 = NEW.sha256",
     "FROM wipe_logs WHERE workshop_id IS NEW.workshop_id AND sha256 = NEW.sha256"),
    ("FROM waste_register_lines WHERE public_id = NEW.public_id",
     "FROM waste_register_lines WHERE workshop_id IS NEW.workshop_id "
     "AND public_id = NEW.public_id"),
    ("FROM eligibility_policies WHERE version = NEW.version",
     "FROM eligibility_policies WHERE workshop_id IS NEW.workshop_id "
     "AND version = NEW.version"),
)


def _per_workshop_counters(conn) -> None:
    rows = [dict(r._mapping) for r in conn.execute(sa.text("SELECT name, value FROM counters"))]
    op.drop_table("counters")
    counters = op.create_table(
        "counters",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name="fk_counters_workshop_id_workshops"),
        sa.PrimaryKeyConstraint("workshop_id", "name", name="pk_counters"),
    )
    op.create_index("ix_counters_workshop_id", "counters", ["workshop_id"])
    if rows:
        op.bulk_insert(counters, [row | {"workshop_id": 1} for row in rows])


def _per_workshop_settings(conn, now) -> None:
    old = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON),
                   sa.column("updated_at", sa.DateTime), sa.column("updated_by_id", sa.Integer))
    rows = [dict(r._mapping) for r in conn.execute(sa.select(old))]
    op.drop_table("settings")
    settings = op.create_table(
        "settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name="fk_settings_workshop_id_workshops"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name="fk_settings_updated_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_settings"),
        sa.UniqueConstraint("workshop_id", "key", name="uq_settings_workshop_key"),
    )
    op.create_index("ix_settings_workshop_id", "settings", ["workshop_id"])
    op.create_index("ix_settings_key", "settings", ["key"])
    if rows:
        op.bulk_insert(settings, [row | {"workshop_id": 1} for row in rows])


def add_workshop_column(table: str, owner: int | None = 1) -> None:
    """Native ADD COLUMN … REFERENCES on both engines (SQLite wants it without default), then
    every existing row goes to `owner`; no default stays behind, so a raw INSERT that forgets
    the workshop is refused (PostgreSQL) instead of landing in workshop 1."""
    constraint = f"fk_{table}_workshop_id_workshops"
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.add_column(table, sa.Column("workshop_id", sa.Integer(), nullable=True))
        op.create_foreign_key(constraint, table, "workshops", ["workshop_id"], ["id"])
    else:
        op.execute(f"ALTER TABLE {table} ADD COLUMN workshop_id INTEGER "
                   f"CONSTRAINT {constraint} REFERENCES workshops (id)")
    if owner is not None:
        op.execute(f"UPDATE {table} SET workshop_id = {owner}")
        if postgresql:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN workshop_id SET NOT NULL")
    op.create_index(f"ix_{table}_workshop_id", table, ["workshop_id"])


def downgrade():
    raise NotImplementedError("workshops cannot be merged back into one install automatically: "
                              "restore the backup taken before the upgrade")
