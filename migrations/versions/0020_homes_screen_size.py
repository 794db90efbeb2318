"""devices.screen_inches: the screen diagonal typed at the bench, for the plain description
social workers read ("Portable 15,6 pouces, 8 Go de mémoire…").

A plain nullable column (no batch rebuild of `devices`: on SQLite that would drop the search
triggers of 0011_scale).

Revision ID: 0019_homes
Revises: 0011_scale
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_homes"
down_revision = "0019_bench"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("devices", sa.Column("screen_inches", sa.Numeric(4, 1), nullable=True))


def downgrade() -> None:
    op.drop_column("devices", "screen_inches")
