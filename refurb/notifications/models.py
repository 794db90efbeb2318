"""The log of every message: one row per (template, subject, date), so nothing goes twice.

A beneficiary appears by pseudonym only; the address is read from the file when the message
is sent, never copied here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped

RECIPIENT_KINDS = ("beneficiary", "donor", "user")


class Notification(TenantScoped, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'sms')", name="channel_known"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        CheckConstraint("recipient_kind IN ('beneficiary', 'donor', 'user')",
                        name="recipient_kind_known"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        Index("ix_notifications_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(40), index=True)
    subject_ref: Mapped[str] = mapped_column(String(80))  # "allocation:12", "session:3:b:5"
    channel: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(5), default="fr")
    recipient_kind: Mapped[str] = mapped_column(String(12))
    recipient_id: Mapped[int]
    # Pseudonym for a beneficiary; organisation or account name otherwise.
    recipient_label: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict[str, Any]] = mapped_column(db.JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
