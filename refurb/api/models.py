"""What the API keeps besides the domains' own tables: the answers to POSTs sent with an
Idempotency-Key (replayed when the same request comes again), and the per-token request
counters of the rate limit (in the database, so every worker and app server shares them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db


class IdempotentRequest(db.Model):
    """A POST that succeeded with an Idempotency-Key, and the answer it got."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_api_idempotent_requests_user_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, URL and body
    status: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(300), default="")
    etag: Mapped[str] = mapped_column(String(80), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)


class RateCounter(db.Model):
    """One fixed window of one rate limit for one token (see refurb.api.rate_limits)."""

    __tablename__ = "api_rate_counters"

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(Float(precision=53), index=True)  # epoch seconds
