"""issued documents: GDPR erasure of personal content

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("issued_documents") as batch:
        batch.add_column(sa.Column("content_erased_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("issued_documents") as batch:
        batch.drop_column("content_erased_at")
