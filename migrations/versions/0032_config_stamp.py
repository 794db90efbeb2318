"""Workshops: a configuration stamp, changed with their QA checklist, build profiles or settings.

Revision ID: 0032_config_stamp
Revises: 0031_stay_hours

Each worker keeps what nearly every page reads of a workshop's configuration under this stamp
(refurb.workshops.config_cache); the request reads the workshop row anyway, so a change made by
one worker is seen by the others at their next request.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0032_config_stamp"
down_revision = "0031_stay_hours"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("workshops", sa.Column("config_stamp", sa.String(32), nullable=True))
    workshops = sa.table("workshops", sa.column("id", sa.Integer),
                         sa.column("config_stamp", sa.String))
    connection = op.get_bind()
    for (workshop_id,) in connection.execute(sa.select(workshops.c.id)).all():
        connection.execute(workshops.update().where(workshops.c.id == workshop_id)
                           .values(config_stamp=uuid.uuid4().hex))


def downgrade():
    # Not batch mode: rebuilding `workshops` would drop the table every other one refers to
    # (SQLite 3.35+ drops a plain column in place).
    op.drop_column("workshops", "config_stamp")
