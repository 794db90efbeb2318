"""devices: an index on the serial as compared at intake (no case, no spaces)

Revision ID: 0021_serial_key
Revises: 0021_tallies_ws
Create Date: 2026-12-06 13:00:00

The bench and the API refuse a second device with a serial the donor already gave, compared
without case or spaces; that lookup read every device of the workshop for each machine
registered. The expression is the one refurb.intake.queries.serial_key_column writes, character for
character (SQLite uses an expression index only for the same expression).
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_serial_key"
down_revision = "0021_tallies_ws"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_devices_serial_key", "devices",
                    [sa.text("upper(replace(serial, ' ', ''))")], unique=False)


def downgrade():
    op.drop_index("ix_devices_serial_key", table_name="devices")
