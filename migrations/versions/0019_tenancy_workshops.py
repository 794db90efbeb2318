"""tenancy: workshops as tenants of one deployment

Revision ID: 0019_tenancy
Revises: 0011_scale
Create Date: 2026-12-06 09:30:00

An existing install becomes workshop 1 with nothing to do: the workshop takes the identity's
name and the configured label prefix, every row of tenant data and every staff user is
assigned to it (each user keeps their role there).

TENANT_TABLES is THE list of tables carrying `workshop_id` (the same as the subclasses of
refurb.workshops.scoping.TenantScoped; tests/workshops check they agree). Columns are added
with plain ADD COLUMN on both engines: a batch copy of `devices` would drop its search
triggers (0018).
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "0019_tenancy"
down_revision = "0011_scale"
branch_labels = None
depends_on = None

TENANT_TABLES = ("devices",)


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

    for table in TENANT_TABLES:
        add_workshop_column(table)


def add_workshop_column(table: str) -> None:
    # Native ADD COLUMN … REFERENCES on both engines (SQLite wants it without default), then
    # every existing row goes to workshop 1; no default stays behind, so a raw INSERT that
    # forgets the workshop is refused (PostgreSQL) instead of landing in workshop 1.
    constraint = f"fk_{table}_workshop_id_workshops"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN workshop_id INTEGER "
                   f"CONSTRAINT {constraint} REFERENCES workshops (id)")
        op.execute(f"UPDATE {table} SET workshop_id = 1")
    else:
        op.add_column(table, sa.Column("workshop_id", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET workshop_id = 1")
        op.create_foreign_key(constraint, table, "workshops", ["workshop_id"], ["id"])
        op.execute(f"ALTER TABLE {table} ALTER COLUMN workshop_id SET NOT NULL")
    op.create_index(f"ix_{table}_workshop_id", table, ["workshop_id"])


def downgrade():
    for table in reversed(TENANT_TABLES):
        op.drop_index(f"ix_{table}_workshop_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("workshop_id")
    op.drop_column("users", "network_admin")
    op.drop_table("workshop_members")
    op.drop_table("workshops")
