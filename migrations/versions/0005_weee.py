"""weee: treatment operators, carriers, disposal batches, waste items, waste register

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:00:00

A closed batch, its items and its carriers are frozen by triggers; register lines (and the
device links of incoming lines) are append-only like device_events.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None

WASTE_CODES = "('16 02 14', '16 02 13*', '16 02 16', '16 02 15*', '20 01 36', '20 01 35*')"
APPEND_ONLY = ("waste_register_lines", "waste_register_incoming_devices")
BATCH_CHILDREN = ("waste_items", "weee_batch_carriers")


def protect_append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table` in the database itself (invariant 3)."""
    if op.get_bind().dialect.name == "postgresql":
        # Same function as migration 0001: whichever branch runs first creates it.
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


def protect_closed_batches() -> None:
    """A closed batch cannot change, nor gain, lose or change an item or a carrier."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_weee_batch_frozen() RETURNS trigger AS $$ "
            "BEGIN IF OLD.state = 'closed' THEN "
            "RAISE EXCEPTION 'weee batch % is closed', OLD.number; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER weee_batches_frozen BEFORE UPDATE OR DELETE ON weee_batches "
            "FOR EACH ROW EXECUTE FUNCTION refurb_weee_batch_frozen()"
        )
        # FOR SHARE waits for a concurrent close to commit, then sees it closed.
        op.execute(
            "CREATE OR REPLACE FUNCTION refurb_weee_batch_child_frozen() RETURNS trigger AS $$ "
            "DECLARE batch_state text; BEGIN "
            "IF TG_OP <> 'INSERT' THEN "
            "SELECT state INTO batch_state FROM weee_batches WHERE id = OLD.batch_id FOR SHARE; "
            "IF batch_state = 'closed' THEN "
            "RAISE EXCEPTION 'weee batch % is closed', OLD.batch_id; END IF; END IF; "
            "IF TG_OP <> 'DELETE' THEN "
            "SELECT state INTO batch_state FROM weee_batches WHERE id = NEW.batch_id FOR SHARE; "
            "IF batch_state = 'closed' THEN "
            "RAISE EXCEPTION 'weee batch % is closed', NEW.batch_id; END IF; "
            "RETURN NEW; END IF; RETURN OLD; END; "
            "$$ LANGUAGE plpgsql"
        )
        for table in BATCH_CHILDREN:
            op.execute(
                f"CREATE TRIGGER {table}_batch_frozen BEFORE INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION refurb_weee_batch_child_frozen()"
            )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER weee_batches_no_{action.lower()}_closed BEFORE {action} "
            "ON weee_batches WHEN OLD.state = 'closed' "
            "BEGIN SELECT RAISE(ABORT, 'weee batch is closed'); END"
        )
    closed = "(SELECT state FROM weee_batches WHERE id = {}.batch_id) = 'closed'"
    for table in BATCH_CHILDREN:
        for action, when in (
            ("INSERT", closed.format("NEW")),
            ("UPDATE", f"{closed.format('OLD')} OR {closed.format('NEW')}"),
            ("DELETE", closed.format("OLD")),
        ):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()}_closed BEFORE {action} ON {table} "
                f"WHEN {when} BEGIN SELECT RAISE(ABORT, 'weee batch is closed'); END"
            )


def unprotect() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP TRIGGER IF EXISTS weee_batches_frozen ON weee_batches")
        for table in BATCH_CHILDREN:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_batch_frozen ON {table}")
        op.execute("DROP FUNCTION IF EXISTS refurb_weee_batch_frozen()")
        op.execute("DROP FUNCTION IF EXISTS refurb_weee_batch_child_frozen()")
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS weee_batches_no_{action}_closed")
    for table in BATCH_CHILDREN:
        for action in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}_closed")


def upgrade():
    op.create_table('weee_operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('authorisation', sa.String(length=300), nullable=False),
    sa.Column('eco_organism_siret', sa.String(length=14), nullable=False),
    sa.Column('eco_organism_name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weee_operators')),
    sa.UniqueConstraint('siret', name=op.f('uq_weee_operators_siret'))
    )
    op.create_table('weee_carriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siret', sa.String(length=14), nullable=False),
    sa.Column('receipt_number', sa.String(length=80), nullable=False),
    sa.Column('receipt_exempted', sa.Boolean(), nullable=False),
    sa.Column('transport_mode', sa.String(length=8), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("transport_mode IN ('ROAD', 'RAIL', 'AIR', 'RIVER', 'SEA')", name=op.f('ck_weee_carriers_transport_mode_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weee_carriers')),
    sa.UniqueConstraint('siret', name=op.f('uq_weee_carriers_siret'))
    )
    op.create_table('weee_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('container', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('operation_code', sa.String(length=4), nullable=True),
    sa.Column('operation_mode', sa.String(length=24), nullable=True),
    sa.Column('handover_date', sa.Date(), nullable=True),
    sa.Column('tracking_reference', sa.String(length=80), nullable=False),
    sa.Column('signed_by_name', sa.String(length=120), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('total_weight_kg', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_weee_batches_state_known')),
    sa.CheckConstraint("container IN ('pallet', 'container', 'box', 'other')", name=op.f('ck_weee_batches_container_known')),
    sa.CheckConstraint("operation_mode IS NULL OR operation_mode IN ('REUTILISATION', 'RECYCLAGE', 'VALORISATION_ENERGETIQUE', 'AUTRES_VALORISATIONS', 'ELIMINATION')", name=op.f('ck_weee_batches_operation_mode_known')),
    sa.CheckConstraint("state = 'open' OR (closed_at IS NOT NULL AND handover_date IS NOT NULL AND operator_id IS NOT NULL AND operation_code IS NOT NULL AND signed_by_name <> '' AND signed_on IS NOT NULL AND total_weight_kg IS NOT NULL)", name=op.f('ck_weee_batches_closed_is_complete')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_weee_batches_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_weee_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['operator_id'], ['weee_operators.id'], name=op.f('fk_weee_batches_operator_id_weee_operators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weee_batches')),
    sa.UniqueConstraint('number', name=op.f('uq_weee_batches_number'))
    )
    with op.batch_alter_table('weee_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weee_batches_handover_date'), ['handover_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_weee_batches_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_weee_batches_state'), ['state'], unique=False)

    op.create_table('weee_batch_carriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('position BETWEEN 1 AND 5', name=op.f('ck_weee_batch_carriers_position_range')),
    sa.ForeignKeyConstraint(['batch_id'], ['weee_batches.id'], name=op.f('fk_weee_batch_carriers_batch_id_weee_batches')),
    sa.ForeignKeyConstraint(['carrier_id'], ['weee_carriers.id'], name=op.f('fk_weee_batch_carriers_carrier_id_weee_carriers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weee_batch_carriers')),
    sa.UniqueConstraint('batch_id', 'carrier_id', name='uq_weee_batch_carriers_batch_carrier'),
    sa.UniqueConstraint('batch_id', 'position', name='uq_weee_batch_carriers_batch_position')
    )
    with op.batch_alter_table('weee_batch_carriers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_weee_batch_carriers_carrier_id'), ['carrier_id'], unique=False)

    op.create_table('waste_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('weight_kg', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('weight_estimated', sa.Boolean(), nullable=False),
    sa.Column('category', sa.Integer(), nullable=False),
    sa.Column('waste_code', sa.String(length=10), nullable=False),
    sa.Column('contains_pops', sa.Boolean(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('drive_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('device', 'drive', 'battery', 'cable', 'screen', 'other')", name=op.f('ck_waste_items_kind_known')),
    sa.CheckConstraint(f"waste_code IN {WASTE_CODES}", name=op.f('ck_waste_items_waste_code_known')),
    sa.CheckConstraint('category BETWEEN 1 AND 6', name=op.f('ck_waste_items_category_range')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_waste_items_quantity_positive')),
    sa.CheckConstraint('weight_kg > 0', name=op.f('ck_waste_items_weight_positive')),
    sa.CheckConstraint('device_id IS NULL OR drive_id IS NULL', name=op.f('ck_waste_items_one_link')),
    sa.CheckConstraint("(kind = 'device') = (device_id IS NOT NULL)", name=op.f('ck_waste_items_device_link')),
    sa.CheckConstraint("kind <> 'drive' OR (drive_id IS NOT NULL AND quantity = 1)", name=op.f('ck_waste_items_drive_link')),
    sa.ForeignKeyConstraint(['batch_id'], ['weee_batches.id'], name=op.f('fk_waste_items_batch_id_weee_batches')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_waste_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_waste_items_device_id_devices')),
    sa.ForeignKeyConstraint(['drive_id'], ['drives.id'], name=op.f('fk_waste_items_drive_id_drives')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waste_items')),
    sa.UniqueConstraint('device_id', name=op.f('uq_waste_items_device_id')),
    sa.UniqueConstraint('drive_id', name=op.f('uq_waste_items_drive_id'))
    )
    with op.batch_alter_table('waste_items', schema=None) as batch_op:
        batch_op.create_index('ix_waste_items_batch_code', ['batch_id', 'waste_code'], unique=False)

    op.create_table('waste_register_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('public_id', sa.String(length=40), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=6), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('line_date', sa.Date(), nullable=False),
    sa.Column('waste_code', sa.String(length=10), nullable=False),
    sa.Column('weight_kg', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("direction IN ('outgoing', 'incoming')", name=op.f('ck_waste_register_lines_direction_known')),
    sa.CheckConstraint("reason IS NULL OR reason IN ('EDIT', 'CANCEL')", name=op.f('ck_waste_register_lines_reason_known')),
    sa.CheckConstraint('(revision = 1) = (reason IS NULL)', name=op.f('ck_waste_register_lines_first_is_not_a_correction')),
    sa.CheckConstraint(f"waste_code IN {WASTE_CODES}", name=op.f('ck_waste_register_lines_waste_code_known')),
    sa.ForeignKeyConstraint(['batch_id'], ['weee_batches.id'], name=op.f('fk_waste_register_lines_batch_id_weee_batches')),
    sa.ForeignKeyConstraint(['corrects_id'], ['waste_register_lines.id'], name=op.f('fk_waste_register_lines_corrects_id_waste_register_lines')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_waste_register_lines_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waste_register_lines')),
    sa.UniqueConstraint('public_id', 'revision', name='uq_waste_register_lines_public_revision')
    )
    with op.batch_alter_table('waste_register_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waste_register_lines_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_waste_register_lines_direction_date', ['direction', 'line_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_waste_register_lines_public_id'), ['public_id'], unique=False)

    op.create_table('waste_register_incoming_devices',
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_waste_register_incoming_devices_device_id_devices')),
    sa.ForeignKeyConstraint(['line_id'], ['waste_register_lines.id'], name=op.f('fk_waste_register_incoming_devices_line_id_waste_register_lines')),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_waste_register_incoming_devices'))
    )
    with op.batch_alter_table('waste_register_incoming_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waste_register_incoming_devices_line_id'), ['line_id'], unique=False)

    for table in APPEND_ONLY:
        protect_append_only(table)
    protect_closed_batches()


def downgrade():
    unprotect()
    op.drop_table('waste_register_incoming_devices')
    op.drop_table('waste_register_lines')
    op.drop_table('waste_items')
    op.drop_table('weee_batch_carriers')
    op.drop_table('weee_batches')
    op.drop_table('weee_carriers')
    op.drop_table('weee_operators')
