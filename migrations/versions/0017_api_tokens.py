"""REST API: personal API tokens, idempotent POST answers, rate-limit counters

Revision ID: 0011_api
Revises: 0011_security_licence_keys

- api_tokens: the SHA-256 of each secret (never the secret), its scopes, last use, revocation.
- api_idempotent_requests: the answer to a POST sent with an Idempotency-Key, replayed when
  the same request comes again; unique per (user, key), so two racing retries create once.
- api_rate_counters: fixed-window request counters per token, shared by every worker.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_api"
down_revision = "0011_security_licence_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("scopes", sa.String(length=60), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_api_tokens_user_id_users")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"],
                                name=op.f("fk_api_tokens_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"])

    op.create_table(
        "api_idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("etag", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_api_idempotent_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotent_requests")),
        sa.UniqueConstraint("user_id", "key", name="uq_api_idempotent_requests_user_key"),
    )
    op.create_index(op.f("ix_api_idempotent_requests_created_at"), "api_idempotent_requests",
                    ["created_at"])

    op.create_table(
        "api_rate_counters",
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(precision=53), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_api_rate_counters")),
    )
    op.create_index(op.f("ix_api_rate_counters_expires_at"), "api_rate_counters",
                    ["expires_at"])


def downgrade():
    op.drop_index(op.f("ix_api_rate_counters_expires_at"), table_name="api_rate_counters")
    op.drop_table("api_rate_counters")
    op.drop_index(op.f("ix_api_idempotent_requests_created_at"),
                  table_name="api_idempotent_requests")
    op.drop_table("api_idempotent_requests")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
