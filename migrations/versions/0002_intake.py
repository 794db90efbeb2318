"""intake: donor asset-list imports; collections listed by planned date

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "intake_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("device_count", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["collection_id"], ["collections.id"],
            name=op.f("fk_intake_imports_collection_id_collections"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_intake_imports_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_imports")),
    )
    with op.batch_alter_table("intake_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_imports_collection_id"), ["collection_id"], unique=False
        )
        batch_op.create_index(
            "uq_intake_imports_collection_sha256_imported",
            ["collection_id", "sha256"],
            unique=True,
            sqlite_where=sa.text("imported_at IS NOT NULL"),
            postgresql_where=sa.text("imported_at IS NOT NULL"),
        )
    # Index only (no table rebuild): SQLite would otherwise copy a table others point at.
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collections_planned_on"), ["planned_on"], unique=False)


def downgrade():
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_planned_on"))
    with op.batch_alter_table("intake_imports", schema=None) as batch_op:
        batch_op.drop_index("uq_intake_imports_collection_sha256_imported")
        batch_op.drop_index(batch_op.f("ix_intake_imports_collection_id"))
    op.drop_table("intake_imports")
