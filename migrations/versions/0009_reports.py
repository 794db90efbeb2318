"""reports and donor portal: gift valuations (mécénat), the device-stay projection for lead
times, indexes for report and portal queries

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00

- gift_valuations: append-only (triggers refuse UPDATE and DELETE, like device_events).
- device_stays: one row per completed stay of a device in a state, written by a trigger on
  device_events for every writer (ORM, bulk inserts); back-filled here from existing events.
  Computing stays from events at request time (a LAG over a year of events) takes seconds on
  SQLite with a million events; the projection keeps the lead-time page well under 300 ms.
- indexes on device_events (to_state, occurred_at, kind, device_id) — throughput and reuse
  counts read this index alone — and devices (collection_id, state) for the donor portal.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

APPEND_ONLY = ("gift_valuations",)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def protect_append_only(table: str) -> None:
    if _postgres():
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refurb_refuse_change()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


# The stay ended by a transition event runs from the device's previous transition (by id).
SQLITE_STAY_TRIGGER = """
CREATE TRIGGER device_events_record_stay AFTER INSERT ON device_events
WHEN NEW.kind = 'transition' AND NEW.from_state IS NOT NULL
BEGIN
  INSERT INTO device_stays (event_id, device_id, state, entered_at, left_at, seconds, hours)
  SELECT NEW.id, NEW.device_id, NEW.from_state, entered, NEW.occurred_at, s, s / 3600
  FROM (
    SELECT p.occurred_at AS entered,
           max(0, CAST(round((julianday(NEW.occurred_at) - julianday(p.occurred_at)) * 86400)
                       AS INTEGER)) AS s
    FROM device_events p
    WHERE p.device_id = NEW.device_id AND p.kind = 'transition' AND p.id < NEW.id
    ORDER BY p.id DESC LIMIT 1
  );
END
"""

POSTGRES_STAY_FUNCTION = """
CREATE OR REPLACE FUNCTION refurb_record_stay() RETURNS trigger AS $$
DECLARE
  entered timestamp;
  s bigint;
BEGIN
  IF NEW.kind <> 'transition' OR NEW.from_state IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT occurred_at INTO entered FROM device_events
   WHERE device_id = NEW.device_id AND kind = 'transition' AND id < NEW.id
   ORDER BY id DESC LIMIT 1;
  IF entered IS NULL THEN
    RETURN NULL;
  END IF;
  s := GREATEST(0, ROUND(EXTRACT(EPOCH FROM (NEW.occurred_at - entered))))::bigint;
  INSERT INTO device_stays (event_id, device_id, state, entered_at, left_at, seconds, hours)
  VALUES (NEW.id, NEW.device_id, NEW.from_state, entered, NEW.occurred_at, s, s / 3600);
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

BACKFILL = """
INSERT INTO device_stays (event_id, device_id, state, entered_at, left_at, seconds, hours)
SELECT id, device_id, from_state, entered, occurred_at, s, s / 3600 FROM (
  SELECT id, device_id, from_state, entered, occurred_at, {seconds} AS s FROM (
    SELECT id, device_id, from_state, occurred_at,
           LAG(occurred_at) OVER (PARTITION BY device_id ORDER BY id) AS entered
    FROM device_events WHERE kind = 'transition'
  ) AS ordered
  WHERE from_state IS NOT NULL AND entered IS NOT NULL
) AS stays
"""
SQLITE_SECONDS = ("max(0, CAST(round((julianday(occurred_at) - julianday(entered)) * 86400) "
                  "AS INTEGER))")
POSTGRES_SECONDS = "GREATEST(0, ROUND(EXTRACT(EPOCH FROM (occurred_at - entered))))::bigint"


def upgrade():
    op.create_table(
        "gift_valuations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_gift_valuations_amount_positive")),
        sa.ForeignKeyConstraint(["collection_id"], ["collections.id"],
                                name=op.f("fk_gift_valuations_collection_id_collections")),
        sa.ForeignKeyConstraint(["declared_by_id"], ["users.id"],
                                name=op.f("fk_gift_valuations_declared_by_id_users")),
        sa.ForeignKeyConstraint(["document_id"], ["issued_documents.id"],
                                name=op.f("fk_gift_valuations_document_id_issued_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_valuations")),
    )
    op.create_index("ix_gift_valuations_collection_declared", "gift_valuations",
                    ["collection_id", "declared_at"], unique=False)
    op.create_index(op.f("ix_gift_valuations_receipt_number"), "gift_valuations",
                    ["receipt_number"], unique=False)
    for table in APPEND_ONLY:
        protect_append_only(table)

    op.create_table(
        "device_stays",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["device_events.id"],
                                name=op.f("fk_device_stays_event_id_device_events")),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_device_stays_device_id_devices")),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_device_stays")),
    )
    op.create_index(op.f("ix_device_stays_device_id"), "device_stays", ["device_id"],
                    unique=False)
    op.create_index("ix_device_stays_state_hours_left", "device_stays",
                    ["state", "hours", "left_at"], unique=False)
    if _postgres():
        op.execute(POSTGRES_STAY_FUNCTION)
        op.execute("CREATE TRIGGER device_events_record_stay AFTER INSERT ON device_events "
                   "FOR EACH ROW EXECUTE FUNCTION refurb_record_stay()")
        op.execute(BACKFILL.format(seconds=POSTGRES_SECONDS))
    else:
        op.execute(SQLITE_STAY_TRIGGER)
        op.execute(BACKFILL.format(seconds=SQLITE_SECONDS))

    # Indexes on other domains' tables, for the report and portal queries.
    op.create_index("ix_device_events_to_state_time", "device_events",
                    ["to_state", "occurred_at", "kind", "device_id"], unique=False)
    op.create_index("ix_devices_collection_state", "devices", ["collection_id", "state"],
                    unique=False)


def downgrade():
    op.drop_index("ix_devices_collection_state", table_name="devices")
    op.drop_index("ix_device_events_to_state_time", table_name="device_events")
    if _postgres():
        op.execute("DROP TRIGGER IF EXISTS device_events_record_stay ON device_events")
        op.execute("DROP FUNCTION IF EXISTS refurb_record_stay()")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    else:
        op.execute("DROP TRIGGER IF EXISTS device_events_record_stay")
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table("device_stays")
    op.drop_table("gift_valuations")
