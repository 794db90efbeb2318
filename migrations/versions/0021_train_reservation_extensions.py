"""train: reservation extensions (new last day, reason, who and when), append-only

Revision ID: 0019_train
Revises: 0011_scale
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_train"
down_revision = "0019_homes"
branch_labels = None
depends_on = None

TABLE = "reservation_extensions"


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Integer(), nullable=False),
        sa.Column("previous_expires_on", sa.Date(), nullable=False),
        sa.Column("new_expires_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("new_expires_on > previous_expires_on",
                           name=op.f("ck_reservation_extensions_moves_later")),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_reservation_extensions_has_reason")),
        sa.ForeignKeyConstraint(["reservation_id"], ["reservations.id"],
                                name=op.f("fk_reservation_extensions_reservation_id_reservations")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"],
                                name=op.f("fk_reservation_extensions_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation_extensions")),
    )
    op.create_index(op.f("ix_reservation_extensions_reservation_id"), TABLE, ["reservation_id"])
    # Append-only in the database itself (invariant 3), as in 0006 and 0015.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                   "FOR EACH ROW EXECUTE FUNCTION refurb_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")
        op.execute(f"CREATE TRIGGER {TABLE}_no_replace BEFORE INSERT ON {TABLE} "
                   f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
                   f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    else:
        for action in ("update", "delete", "replace"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{action}")
    op.drop_index(op.f("ix_reservation_extensions_reservation_id"), table_name=TABLE)
    op.drop_table(TABLE)
