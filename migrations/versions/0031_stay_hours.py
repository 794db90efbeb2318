"""figures that do not grow with the stock: stays per year and month by state and hours, people
served per year and month

Revision ID: 0031_stay_hours
Revises: 0021_inventory_index

The lead-time report read every stay of its period (a year: over a million rows at a million
devices). `stay_hours` holds, per workshop, the stays that ended in each calendar year
(span 'y') and month (span 'm') by state and whole hours, kept in step by a trigger on
`device_stays` (itself written by the trigger on `device_events`), in the transaction of the
event. A period reads its whole years and months there and `device_stays` only for the days
at its edges, through a new index by end time.

`served_spans` holds each person handed a machine in each calendar year and month, kept by a
trigger on `allocations` (a hand-over is never changed nor deleted): the people served in a
whole year or month are counted from it.

`weee_batch_categories` holds each closed WEEE batch's items by category, written by a trigger
when the batch closes: the period's tonnage reads a few rows per batch.

Covering indexes for the other figures that read rows of the period or of the donor (see
INDEXES).
"""
import sqlalchemy as sa
from alembic import op

revision = "0031_stay_hours"
down_revision = "0021_inventory_index"
branch_labels = None
depends_on = None

TENANT_TABLES = ("stay_hours", "served_spans", "weee_batch_categories")  # read by the tenancy test

SCOPE_SQL = (
    "(current_setting('refurb.workshop_id', true) = 'network' OR workshop_id = "
    "(CASE WHEN current_setting('refurb.workshop_id', true) ~ '^[0-9]+$' "
    "THEN current_setting('refurb.workshop_id', true)::integer END))"
)

UPSERT = ("ON CONFLICT (workshop_id, span, starts_on, state, hours) "
          "DO UPDATE SET stays = stay_hours.stays + excluded.stays")

SQLITE_TRIGGER = f"""
CREATE TRIGGER device_stays_hours AFTER INSERT ON device_stays
BEGIN
  INSERT INTO stay_hours (workshop_id, span, starts_on, state, hours, stays)
  VALUES (NEW.workshop_id, 'y', strftime('%Y-01-01', NEW.left_at), NEW.state, NEW.hours, 1),
         (NEW.workshop_id, 'm', strftime('%Y-%m-01', NEW.left_at), NEW.state, NEW.hours, 1)
  {UPSERT};
END
"""

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION refurb_stay_hours() RETURNS trigger AS $$
BEGIN
  INSERT INTO stay_hours (workshop_id, span, starts_on, state, hours, stays)
  VALUES (NEW.workshop_id, 'y', date_trunc('year', NEW.left_at)::date, NEW.state, NEW.hours, 1),
         (NEW.workshop_id, 'm', date_trunc('month', NEW.left_at)::date, NEW.state, NEW.hours, 1)
  {UPSERT};
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = ("CREATE TRIGGER device_stays_hours AFTER INSERT ON device_stays "
                    "FOR EACH ROW EXECUTE FUNCTION refurb_stay_hours()")

# One row per person served in each calendar year and month (refurb.reports.models.ServedSpan).
SQLITE_SERVED_TRIGGER = """
CREATE TRIGGER allocations_served AFTER INSERT ON allocations
BEGIN
  INSERT INTO served_spans (workshop_id, span, starts_on, beneficiary_id)
  VALUES (NEW.workshop_id, 'y', strftime('%Y-01-01', NEW.handed_over_at), NEW.beneficiary_id),
         (NEW.workshop_id, 'm', strftime('%Y-%m-01', NEW.handed_over_at), NEW.beneficiary_id)
  ON CONFLICT DO NOTHING;
END
"""
POSTGRES_SERVED_FUNCTION = """
CREATE OR REPLACE FUNCTION refurb_served_spans() RETURNS trigger AS $$
BEGIN
  INSERT INTO served_spans (workshop_id, span, starts_on, beneficiary_id)
  VALUES (NEW.workshop_id, 'y', date_trunc('year', NEW.handed_over_at)::date,
          NEW.beneficiary_id),
         (NEW.workshop_id, 'm', date_trunc('month', NEW.handed_over_at)::date,
          NEW.beneficiary_id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
POSTGRES_SERVED_TRIGGER = ("CREATE TRIGGER allocations_served AFTER INSERT ON allocations "
                           "FOR EACH ROW EXECUTE FUNCTION refurb_served_spans()")

# A batch's items by category, written when it closes (it is frozen from then on).
BATCH_CATEGORIES = ("INSERT INTO weee_batch_categories (workshop_id, batch_id, category, items, "
                    "quantity, weight_kg) SELECT {workshop}, {batch}, category, count(*), "
                    "sum(quantity), sum(weight_kg) FROM waste_items WHERE batch_id = {batch} "
                    "GROUP BY category")
SQLITE_BATCH_TRIGGER = (
    "CREATE TRIGGER weee_batches_categories AFTER UPDATE OF state ON weee_batches "
    "WHEN NEW.state = 'closed' AND OLD.state <> 'closed' BEGIN "
    + BATCH_CATEGORIES.format(workshop="NEW.workshop_id", batch="NEW.id") + "; END")
POSTGRES_BATCH_FUNCTION = (
    "CREATE OR REPLACE FUNCTION refurb_weee_batch_categories() RETURNS trigger AS $$ BEGIN "
    + BATCH_CATEGORIES.format(workshop="NEW.workshop_id", batch="NEW.id")
    + "; RETURN NULL; END $$ LANGUAGE plpgsql")
POSTGRES_BATCH_TRIGGER = (
    "CREATE TRIGGER weee_batches_categories AFTER UPDATE OF state ON weee_batches FOR EACH ROW "
    "WHEN (NEW.state = 'closed' AND OLD.state <> 'closed') "
    "EXECUTE FUNCTION refurb_weee_batch_categories()")
BATCH_BACKFILL = (
    "INSERT INTO weee_batch_categories (workshop_id, batch_id, category, items, quantity, "
    "weight_kg) SELECT b.workshop_id, b.id, i.category, count(*), sum(i.quantity), "
    "sum(i.weight_kg) FROM waste_items i JOIN weee_batches b ON b.id = i.batch_id "
    "WHERE b.state = 'closed' GROUP BY b.workshop_id, b.id, i.category")

SQLITE_STARTS = {"y": "strftime('%Y-01-01', left_at)", "m": "strftime('%Y-%m-01', left_at)"}
POSTGRES_STARTS = {"y": "date_trunc('year', left_at)::date",
                   "m": "date_trunc('month', left_at)::date"}


def backfill(postgres: bool) -> list[str]:
    """The histograms from the stays, the people served from the hand-overs (as
    refurb.reports.tallies.rebuild computes them)."""
    starts = POSTGRES_STARTS if postgres else SQLITE_STARTS
    return [
        "INSERT INTO stay_hours (workshop_id, span, starts_on, state, hours, stays) "
        f"SELECT workshop_id, '{span}', {start}, state, hours, count(*) FROM device_stays "
        f"GROUP BY workshop_id, {start}, state, hours"
        for span, start in starts.items()
    ] + [
        "INSERT INTO served_spans (workshop_id, span, starts_on, beneficiary_id) "
        f"SELECT DISTINCT workshop_id, '{span}', {start.replace('left_at', 'handed_over_at')}, "
        "beneficiary_id FROM allocations"
        for span, start in starts.items()
    ]


# Figures read without growing with the stock: the distinct people served in a period (index
# only), the WEEE tonnage of the period's batches by category (index only), and the donor
# portal, which reads network-wide (no workshop first) its collections' tallies and its
# recipients.
INDEXES = (
    ("ix_allocations_workshop_handed_beneficiary", "allocations",
     ["workshop_id", "handed_over_at", "beneficiary_id"]),
    ("ix_waste_items_batch_category", "waste_items",
     ["batch_id", "category", "quantity", "weight_kg", "workshop_id"]),
    ("ix_device_tallies_scope", "device_tallies", ["scope", "scope_id", "state", "devices"]),
    ("ix_donor_recipients_donor", "donor_recipients", ["donor_id", "beneficiary_id"]),
)


COLLECTIONS_INDEX = "ix_collections_donor_planned"
# PostgreSQL: the device search checks the workshop as "workshop_id + 0" (never through its
# index); without statistics on that expression the planner guessed 0.5 % of the rows, expected
# fewer matches than the limit for a common word and rechecked every match (0.5 s at a
# million devices) instead of walking the newest devices until the limit (30 ms).
SEARCH_STATISTICS = "st_devices_search_workshop"


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    postgres = _postgres()
    op.create_table(
        "stay_hours",
        sa.Column("workshop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("hours", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stays", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name="fk_stay_hours_workshop_id_workshops"),
        sa.PrimaryKeyConstraint("workshop_id", "span", "starts_on", "state", "hours",
                                name="pk_stay_hours"),
    )
    op.create_index("ix_device_stays_workshop_left_state_hours", "device_stays",
                    ["workshop_id", "left_at", "state", "hours"])
    op.create_table(
        "weee_batch_categories",
        sa.Column("workshop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("items", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("weight_kg", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name="fk_weee_batch_categories_workshop_id_workshops"),
        sa.ForeignKeyConstraint(["batch_id"], ["weee_batches.id"],
                                name="fk_weee_batch_categories_batch_id_weee_batches"),
        sa.PrimaryKeyConstraint("workshop_id", "batch_id", "category",
                                name="pk_weee_batch_categories"),
    )
    op.execute(BATCH_BACKFILL)
    op.create_table(
        "served_spans",
        sa.Column("workshop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("span", sa.String(length=1), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshops.id"],
                                name="fk_served_spans_workshop_id_workshops"),
        sa.ForeignKeyConstraint(["beneficiary_id"], ["beneficiaries.id"],
                                name="fk_served_spans_beneficiary_id_beneficiaries"),
        sa.PrimaryKeyConstraint("workshop_id", "span", "starts_on", "beneficiary_id",
                                name="pk_served_spans"),
    )
    for statement in backfill(postgres):
        op.execute(statement)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # The donor's collections, newest planned first (the portal's home page), without sorting
    # all of a big donor's collections.
    order = (["planned_on DESC NULLS LAST", "id DESC"] if postgres else ["planned_on", "id"])
    op.create_index(COLLECTIONS_INDEX, "collections",
                    ["donor_id", *(sa.text(column) for column in order)])
    if not postgres:
        # The planner weighs the new indexes only once it has their statistics.
        for table in {"device_stays", "collections", *(table for _n, table, _c in INDEXES)}:
            op.execute(f"ANALYZE {table}")
    if postgres:
        for table in TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(f"CREATE POLICY workshop_isolation ON {table} USING {SCOPE_SQL} "
                       f"WITH CHECK {SCOPE_SQL}")
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
        op.execute(POSTGRES_SERVED_FUNCTION)
        op.execute(POSTGRES_SERVED_TRIGGER)
        op.execute(POSTGRES_BATCH_FUNCTION)
        op.execute(POSTGRES_BATCH_TRIGGER)
        op.execute(f"CREATE STATISTICS {SEARCH_STATISTICS} ON (workshop_id + 0) FROM devices")
        op.execute("ANALYZE devices")
    else:
        op.execute(SQLITE_TRIGGER)
        op.execute(SQLITE_SERVED_TRIGGER)
        op.execute(SQLITE_BATCH_TRIGGER)


def downgrade():
    if _postgres():
        op.execute(f"DROP STATISTICS IF EXISTS {SEARCH_STATISTICS}")
        op.execute("DROP TRIGGER IF EXISTS weee_batches_categories ON weee_batches")
        op.execute("DROP FUNCTION IF EXISTS refurb_weee_batch_categories()")
        op.execute("DROP TRIGGER IF EXISTS allocations_served ON allocations")
        op.execute("DROP FUNCTION IF EXISTS refurb_served_spans()")
        op.execute("DROP TRIGGER IF EXISTS device_stays_hours ON device_stays")
        op.execute("DROP FUNCTION IF EXISTS refurb_stay_hours()")
    else:
        op.execute("DROP TRIGGER IF EXISTS weee_batches_categories")
        op.execute("DROP TRIGGER IF EXISTS allocations_served")
        op.execute("DROP TRIGGER IF EXISTS device_stays_hours")
    op.drop_table("served_spans")
    op.drop_table("weee_batch_categories")
    op.drop_index(COLLECTIONS_INDEX, table_name="collections")
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_device_stays_workshop_left_state_hours", table_name="device_stays")
    op.drop_table("stay_hours")
