"""tallies per workshop: the report projections carry their workshop

Revision ID: 0021_tallies_ws
Revises: 0020_network
Create Date: 2026-12-06 12:40:00

The report projections (device_stays, device_tallies, transition_days, donor_recipients,
departure_days, departure_reentries) counted the whole install: a workshop's reports showed
the network's figures. They become tenant tables (workshop_id, row-level security): the
tallies get the workshop as the first key of their primary key. Being derived data, they are
recreated and filled again from the events and records, grouped by workshop, with the same
definitions as `flask reports rebuild-aggregates` (refurb.reports.tallies.rebuild):
- a stay belongs to the workshop of the event that ended it (the stay trigger writes it);
- devices now by state and type: to the workshop holding the device;
- transitions per day, departures and re-entries: to the workshop where the event happened
  (a re-entry follows an earlier entry at the same workshop);
- a donor's recipients: to the workshop that handed the machine over.
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_tallies_ws"
down_revision = "0020_network"
branch_labels = None
depends_on = None

TABLES = ("device_stays", "device_tallies", "transition_days", "donor_recipients",
          "departure_days", "departure_reentries")
TENANT_TABLES = TABLES  # read by the tenancy test, like every later tenant migration

SCOPE_SQL = (
    "(current_setting('refurb.workshop_id', true) = 'network' OR workshop_id = "
    "(CASE WHEN current_setting('refurb.workshop_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('refurb.workshop_id', true)::integer END))"
)

# The stay ended by a transition event runs from the device's previous transition (by id);
# it is the workshop's of the ending event.
SQLITE_STAY_TRIGGER = """
CREATE TRIGGER device_events_record_stay AFTER INSERT ON device_events
WHEN NEW.kind = 'transition' AND NEW.from_state IS NOT NULL
BEGIN
  INSERT INTO device_stays (event_id, workshop_id, device_id, state, entered_at, left_at,
                            seconds, hours)
  SELECT NEW.id, NEW.workshop_id, NEW.device_id, NEW.from_state, entered, NEW.occurred_at,
         s, s / 3600
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
  INSERT INTO device_stays (event_id, workshop_id, device_id, state, entered_at, left_at,
                            seconds, hours)
  VALUES (NEW.id, NEW.workshop_id, NEW.device_id, NEW.from_state, entered, NEW.occurred_at,
          s, s / 3600);
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""

STAYS_BACKFILL = """
INSERT INTO device_stays (event_id, workshop_id, device_id, state, entered_at, left_at, seconds,
                          hours)
SELECT id, workshop_id, device_id, from_state, entered, occurred_at, s, s / 3600 FROM (
  SELECT id, workshop_id, device_id, from_state, entered, occurred_at, {seconds} AS s FROM (
    SELECT id, workshop_id, device_id, from_state, occurred_at,
           LAG(occurred_at) OVER (PARTITION BY device_id ORDER BY id) AS entered
    FROM device_events WHERE kind = 'transition'
  ) AS ordered
  WHERE from_state IS NOT NULL AND entered IS NOT NULL
) AS stays
"""
SQLITE_SECONDS = ("max(0, CAST(round((julianday(occurred_at) - julianday(entered)) * 86400) "
                  "AS INTEGER))")
POSTGRES_SECONDS = "GREATEST(0, ROUND(EXTRACT(EPOCH FROM (occurred_at - entered))))::bigint"

# Each device now, at the workshop holding it: state from its latest transition event; weight
# in grams, the one stated in WEEE batches for a disposed device that has one.
CURRENT = """
WITH latest AS (
  SELECT device_id, max(id) AS id FROM device_events WHERE kind = 'transition'
  GROUP BY device_id
), waste AS (
  SELECT device_id, sum(CAST(round(weight_kg * 1000) AS BIGINT)) AS grams FROM waste_items
  WHERE device_id IS NOT NULL GROUP BY device_id
), cur AS (
  SELECT d.workshop_id, d.id, d.collection_id, c.donor_id, d.device_type, e.to_state AS state,
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
DEVICE_TALLIES = ("INSERT INTO device_tallies (workshop_id, scope, scope_id, state, device_type, "
                  "devices, grams) ")
TALLY_BACKFILL = (
    CURRENT + DEVICE_TALLIES
    + "SELECT workshop_id, 'all', 0, state, device_type, count(*), sum(grams) FROM cur "
    "GROUP BY workshop_id, state, device_type",
    CURRENT + DEVICE_TALLIES
    + "SELECT workshop_id, 'donor', donor_id, state, device_type, count(*), sum(grams) FROM cur "
    "WHERE donor_id IS NOT NULL GROUP BY workshop_id, donor_id, state, device_type",
    CURRENT + DEVICE_TALLIES
    + "SELECT workshop_id, 'collection', collection_id, state, device_type, count(*), "
    "sum(grams) FROM cur "
    "WHERE collection_id IS NOT NULL GROUP BY workshop_id, collection_id, state, device_type",
    "INSERT INTO transition_days (workshop_id, day, state, transitions) "
    "SELECT workshop_id, date(occurred_at), to_state, count(*) FROM device_events "
    "WHERE kind = 'transition' GROUP BY workshop_id, date(occurred_at), to_state",
    # Handed over (not released before the handover), as refurb.reports.tallies.handed_over_items.
    "INSERT INTO donor_recipients (workshop_id, donor_id, beneficiary_id, devices) "
    "SELECT a.workshop_id, c.donor_id, a.beneficiary_id, count(*) FROM reservation_items i "
    "JOIN allocations a ON a.reservation_id = i.reservation_id "
    "JOIN devices d ON d.id = i.device_id JOIN collections c ON c.id = d.collection_id "
    "WHERE i.released_at IS NULL OR i.released_at >= a.handed_over_at "
    "GROUP BY a.workshop_id, c.donor_id, a.beneficiary_id",
    "INSERT INTO departure_days (workshop_id, day, state, device_type, devices, grams) "
    "SELECT e.workshop_id, date(e.occurred_at), e.to_state, d.device_type, count(*), "
    "sum(CAST(round(coalesce(d.weight_kg, 0) * 1000) AS BIGINT)) "
    "FROM device_events e JOIN devices d ON d.id = e.device_id "
    f"WHERE {WAYS_OUT} GROUP BY e.workshop_id, date(e.occurred_at), e.to_state, d.device_type",
    "INSERT INTO departure_reentries (workshop_id, device_id, state, entered_at, device_type, "
    "grams, day, previous_day) "
    "SELECT x.workshop_id, x.device_id, x.to_state, x.occurred_at, d.device_type, "
    "CAST(round(coalesce(d.weight_kg, 0) * 1000) AS BIGINT), date(x.occurred_at), "
    "date(x.previous_at) FROM ("
    "  SELECT e.workshop_id, e.device_id, e.to_state, e.occurred_at, lag(e.occurred_at) OVER ("
    "    PARTITION BY e.workshop_id, e.device_id, e.to_state ORDER BY e.occurred_at, e.id"
    "  ) AS previous_at"
    f"  FROM device_events e WHERE {WAYS_OUT}"
    ") x JOIN devices d ON d.id = x.device_id WHERE x.previous_at IS NOT NULL",
)


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _workshop(table: str) -> sa.Column:
    return sa.Column("workshop_id", sa.Integer(), sa.ForeignKey(
        "workshops.id", name=f"fk_{table}_workshop_id_workshops"), nullable=False,
        autoincrement=False)


def create_tables() -> None:
    op.create_table(
        "device_stays",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        _workshop("device_stays"),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("left_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.BigInteger(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["device_events.id"],
                                name="fk_device_stays_event_id_device_events"),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name="fk_device_stays_device_id_devices"),
        sa.PrimaryKeyConstraint("event_id", name="pk_device_stays"),
    )
    op.create_table(
        "device_tallies",
        _workshop("device_tallies"),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("devices", sa.BigInteger(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "scope", "scope_id", "state", "device_type",
                                name="pk_device_tallies"),
    )
    op.create_table(
        "transition_days",
        _workshop("transition_days"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("transitions", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "day", "state", name="pk_transition_days"),
    )
    op.create_table(
        "donor_recipients",
        _workshop("donor_recipients"),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.Column("devices", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["donor_id"], ["donor_organisations.id"],
                                name="fk_donor_recipients_donor_id_donor_organisations"),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"],
                                name="fk_donor_recipients_beneficiary_id_beneficiaries"),
        sa.PrimaryKeyConstraint("workshop_id", "donor_id", "beneficiary_id",
                                name="pk_donor_recipients"),
    )
    op.create_table(
        "departure_days",
        _workshop("departure_days"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("devices", sa.BigInteger(), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workshop_id", "day", "state", "device_type",
                                name="pk_departure_days"),
    )
    op.create_table(
        "departure_reentries",
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        _workshop("departure_reentries"),
        sa.Column("device_type", sa.String(length=20), nullable=False),
        sa.Column("grams", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("previous_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"],
                                name="fk_departure_reentries_device_id_devices"),
        sa.PrimaryKeyConstraint("device_id", "state", "entered_at",
                                name="pk_departure_reentries"),
    )
    create_indexes()


def create_indexes() -> None:
    # The lead-time histogram reads one workshop's stays in group order.
    op.create_index("ix_device_stays_workshop_state_hours_left", "device_stays",
                    ["workshop_id", "state", "hours", "left_at"])
    op.create_index("ix_device_stays_workshop_id", "device_stays", ["workshop_id"])
    op.create_index("ix_device_stays_device_id", "device_stays", ["device_id"])
    op.create_index("ix_departure_reentries_workshop_id", "departure_reentries",
                    ["workshop_id"])
    op.create_index("ix_departure_reentries_day", "departure_reentries",
                    ["workshop_id", "day", "previous_day"])
    # The network's figures: every workshop's rows of a period.
    op.create_index("ix_transition_days_day", "transition_days", ["day", "state"])
    op.create_index("ix_departure_days_day", "departure_days", ["day", "state"])
    # The figures of other domains' records, read alone from these indexes (index-only
    # scans): households and fees of a period per workshop, WEEE weight of closed batches.
    postgres = _postgres()
    include = {"postgresql_include": ["beneficiary_id", "fee_status", "fee_amount"]}
    op.create_index("ix_allocations_workshop_handed_over", "allocations",
                    ["workshop_id", "handed_over_at"], **(include if postgres else {}))
    op.create_index("ix_waste_items_batch_weight", "waste_items", ["batch_id"],
                    **({"postgresql_include": ["weight_kg"]} if postgres else {}))
    op.create_index("ix_weee_batches_workshop_closed", "weee_batches",
                    ["workshop_id", "handover_date"],
                    postgresql_where=sa.text("state = 'closed'"),
                    sqlite_where=sa.text("state = 'closed'"))


def upgrade():
    postgres = _postgres()
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS device_events_record_stay ON device_events")
    else:
        op.execute("DROP TRIGGER IF EXISTS device_events_record_stay")
    for table in TABLES:
        op.drop_table(table)
    create_tables()
    op.execute(STAYS_BACKFILL.format(seconds=POSTGRES_SECONDS if postgres else SQLITE_SECONDS))
    for statement in TALLY_BACKFILL:
        op.execute(statement)
    if postgres:
        op.execute(POSTGRES_STAY_FUNCTION)
        op.execute("CREATE TRIGGER device_events_record_stay AFTER INSERT ON device_events "
                   "FOR EACH ROW EXECUTE FUNCTION refurb_record_stay()")
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY workshop_isolation ON {table} USING {SCOPE_SQL} "
                       f"WITH CHECK {SCOPE_SQL}")
    else:
        op.execute(SQLITE_STAY_TRIGGER)


def downgrade():
    raise NotImplementedError("the tallies of several workshops cannot be merged back into one "
                              "install's: restore the backup taken before the upgrade")
