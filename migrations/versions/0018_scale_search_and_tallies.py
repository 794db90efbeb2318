"""scale: device search through an index on both engines; tallies that do not grow with the
stock (devices by state and type per workshop/donor/collection, transitions per day, each
donor's recipients), built here from the existing events and records

Revision ID: 0011_scale
Revises: 0011_api
Create Date: 2026-12-06 08:00:00

- Search text of a device: serial, make, model, processor, notes and tag, one string.
  PostgreSQL: a pg_trgm GIN index on lower(text) (an expression index: kept in step by the
  database itself). SQLite: an FTS5 table with the trigram tokenizer, `devices_search`
  (contentless, rowid = device id), kept in step by triggers on devices.
  CAUTION (SQLite): a later batch migration that *recreates* `devices` drops these triggers
  with the old table; it must create them again (see SQLITE_TRIGGERS).
- device_tallies, transition_days, donor_recipients, departure_days, departure_reentries
  (reuse figures: each device once per way out and period): kept in step by the state listener in
  refurb.reports.tallies; `flask reports rebuild-aggregates` recomputes them with the same
  queries as the back-fill below.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_scale"
down_revision = "0011_api"
branch_labels = None
depends_on = None

SEARCH_COLUMNS = ("serial", "make", "model", "cpu", "condition_notes", "asset_tag")


def search_text(prefix: str = "") -> str:
    """The same string as refurb.devices.queries.SEARCH_TEXT_SQL."""
    serial, *others = (f"{prefix}{name}" for name in SEARCH_COLUMNS)
    return " || ' ' || ".join([f"coalesce({serial}, '')", *others])


PG_TRIGRAM_INDEX = (
    "CREATE INDEX ix_devices_search_trgm ON devices USING gin "
    f"((lower({search_text()})) gin_trgm_ops)"
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER devices_search_insert AFTER INSERT ON devices BEGIN
  INSERT INTO devices_search (rowid, body) VALUES (NEW.id, {search_text('NEW.')});
END""",
    f"""CREATE TRIGGER devices_search_update AFTER UPDATE OF {', '.join(SEARCH_COLUMNS)}
ON devices BEGIN
  INSERT INTO devices_search (devices_search, rowid, body)
  VALUES ('delete', OLD.id, {search_text('OLD.')});
  INSERT INTO devices_search (rowid, body) VALUES (NEW.id, {search_text('NEW.')});
END""",
    f"""CREATE TRIGGER devices_search_delete AFTER DELETE ON devices BEGIN
  INSERT INTO devices_search (devices_search, rowid, body)
  VALUES ('delete', OLD.id, {search_text('OLD.')});
END""",
)

# Each device now: state from its latest transition event; weight in grams, the one stated in
# WEEE batches for a disposed device that has one.
CURRENT = """
WITH latest AS (
  SELECT device_id, max(id) AS id FROM device_events WHERE kind = 'transition'
  GROUP BY device_id
), waste AS (
  SELECT device_id, sum(CAST(round(weight_kg * 1000) AS BIGINT)) AS grams FROM waste_items
  WHERE device_id IS NOT NULL GROUP BY device_id
), cur AS (
  SELECT d.id, d.collection_id, c.donor_id, d.device_type, e.to_state AS state,
         CASE WHEN e.to_state = 'disposed' AND w.grams IS NOT NULL THEN w.grams
              ELSE CAST(round(coalesce(d.weight_kg, 0) * 1000) AS BIGINT) END AS grams
  FROM devices d
  JOIN latest l ON l.device_id = d.id
  JOIN device_events e ON e.id = l.id
  LEFT JOIN collections c ON c.id = d.collection_id
  LEFT JOIN waste w ON w.device_id = d.id
)
"""
WAYS_OUT = "e.kind = 'transition' AND e.to_state IN ('allocated', 'disposed')"
TALLY_BACKFILL = (
    CURRENT + "INSERT INTO device_tallies (scope, scope_id, state, device_type, devices, grams) "
    "SELECT 'all', 0, state, device_type, count(*), sum(grams) FROM cur "
    "GROUP BY state, device_type",
    CURRENT + "INSERT INTO device_tallies (scope, scope_id, state, device_type, devices, grams) "
    "SELECT 'donor', donor_id, state, device_type, count(*), sum(grams) FROM cur "
    "WHERE donor_id IS NOT NULL GROUP BY donor_id, state, device_type",
    CURRENT + "INSERT INTO device_tallies (scope, scope_id, state, device_type, devices, grams) "
    "SELECT 'collection', collection_id, state, device_type, count(*), sum(grams) FROM cur "
    "WHERE collection_id IS NOT NULL GROUP BY collection_id, state, device_type",
    "INSERT INTO transition_days (day, state, transitions) "
    "SELECT date(occurred_at), to_state, count(*) FROM device_events "
    "WHERE kind = 'transition' GROUP BY date(occurred_at), to_state",
    # Handed over (not released before the handover), as refurb.reports.queries.handed_over_items.
    "INSERT INTO donor_recipients (donor_id, beneficiary_id, devices) "
    "SELECT c.donor_id, a.beneficiary_id, count(*) FROM reservation_items i "
    "JOIN allocations a ON a.reservation_id = i.reservation_id "
    "JOIN devices d ON d.id = i.device_id JOIN collections c ON c.id = d.collection_id "
    "WHERE i.released_at IS NULL OR i.released_at >= a.handed_over_at "
    "GROUP BY c.donor_id, a.beneficiary_id",
    "INSERT INTO departure_days (day, state, device_type, devices, grams) "
    "SELECT date(e.occurred_at), e.to_state, d.device_type, count(*), "
    "sum(CAST(round(coalesce(d.weight_kg, 0) * 1000) AS BIGINT)) "
    "FROM device_events e JOIN devices d ON d.id = e.device_id "
    f"WHERE {WAYS_OUT} GROUP BY date(e.occurred_at), e.to_state, d.device_type",
    "INSERT INTO departure_reentries (device_id, state, entered_at, device_type, grams, day, "
    "previous_day) "
    "SELECT x.device_id, x.to_state, x.occurred_at, d.device_type, "
    "CAST(round(coalesce(d.weight_kg, 0) * 1000) AS BIGINT), date(x.occurred_at), "
    "date(x.previous_at) FROM ("
    "  SELECT e.device_id, e.to_state, e.occurred_at, lag(e.occurred_at) OVER ("
    "    PARTITION BY e.device_id, e.to_state ORDER BY e.occurred_at, e.id) AS previous_at"
    f"  FROM device_events e WHERE {WAYS_OUT}"
    ") x JOIN devices d ON d.id = x.device_id WHERE x.previous_at IS NOT NULL",
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgres():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(PG_TRIGRAM_INDEX)
    else:
        op.execute("CREATE VIRTUAL TABLE devices_search USING fts5(body, tokenize='trigram', "
                   "content='')")
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute(f"INSERT INTO devices_search (rowid, body) SELECT id, {search_text()} "
                   "FROM devices")

    op.create_table(
        "device_tallies",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("devices", sa.BigInteger(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "scope_id", "state", "device_type",
                                name=op.f("pk_device_tallies")),
    )
    op.create_table(
        "transition_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("transitions", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "state", name=op.f("pk_transition_days")),
    )
    op.create_table(
        "donor_recipients",
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("devices", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["donor_id"], ["donor_organisations.id"],
                                name=op.f("fk_donor_recipients_donor_id_donor_organisations")),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"],
                                name=op.f("fk_donor_recipients_beneficiary_id_beneficiaries")),
        sa.PrimaryKeyConstraint("donor_id", "beneficiary_id", name=op.f("pk_donor_recipients")),
    )
    op.create_table(
        "departure_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("devices", sa.BigInteger(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "state", "device_type", name=op.f("pk_departure_days")),
    )
    op.create_table(
        "departure_reentries",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name=op.f("fk_departure_reentries_device_id_devices")),
        sa.PrimaryKeyConstraint("device_id", "state", "entered_at",
                                name=op.f("pk_departure_reentries")),
    )
    op.create_index("ix_departure_reentries_day", "departure_reentries",
                    ["day", "previous_day"], unique=False)
    for statement in TALLY_BACKFILL:
        op.execute(statement)


def downgrade():
    op.drop_index("ix_departure_reentries_day", table_name="departure_reentries")
    op.drop_table("departure_reentries")
    op.drop_table("departure_days")
    op.drop_table("donor_recipients")
    op.drop_table("transition_days")
    op.drop_table("device_tallies")
    if _postgres():
        op.execute("DROP INDEX IF EXISTS ix_devices_search_trgm")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS devices_search_{name}")
        op.execute("DROP TABLE IF EXISTS devices_search")
