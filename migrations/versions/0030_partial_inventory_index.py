"""Donor inventory numbers: a partial index (most devices have none).

Revision ID: 0021_inventory_index
Revises: 0021_needs

With every row NULL, the statistics made the full index look useless and an exact lookup
walked every device.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_inventory_index"
down_revision = "0021_needs"
branch_labels = None
depends_on = None

INDEX = "ix_devices_donor_inventory_number"
PRESENT = sa.text("donor_inventory_number IS NOT NULL")


def upgrade():
    op.drop_index(INDEX, table_name="devices")
    op.create_index(INDEX, "devices", ["donor_inventory_number"],
                    sqlite_where=PRESENT, postgresql_where=PRESENT)


def downgrade():
    op.drop_index(INDEX, table_name="devices")
    op.create_index(INDEX, "devices", ["donor_inventory_number"])
