"""Support requests on a handed-over device, and follow-up calls after a handover."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


class SupportRequest(TenantScoped, db.Model):
    __tablename__ = "support_requests"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_repair', 'closed')", name="status_known"),
        CheckConstraint("decision IS NULL OR decision IN ('warranty_repair', 'exchange', "
                        "'paid_repair', 'refused')", name="decision_known"),
        CheckConstraint("source IN ('call', 'scan', 'agreement')", name="source_known"),
        # Free service only under warranty (refurb.core.aftercare), in the database too.
        CheckConstraint("decision IS NULL OR decision IN ('paid_repair', 'refused') "
                        "OR in_warranty", name="free_only_in_warranty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    problem: Mapped[str] = mapped_column(Text)
    warranty_until: Mapped[date] = mapped_column(Date)
    in_warranty: Mapped[bool]
    status: Mapped[str] = mapped_column(String(10), default="open")
    decision: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"))
    replacement_device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    opened_at: Mapped[datetime]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    allocation = relationship("Allocation", lazy="joined", innerjoin=True)
    device = relationship("Device", foreign_keys=[device_id], lazy="joined", innerjoin=True)
    replacement = relationship("Device", foreign_keys=[replacement_device_id],
                               lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}


class FollowUpCall(TenantScoped, db.Model):
    """One call attempt; the list of follow-ups due is computed from handovers and these."""

    __tablename__ = "followup_calls"
    __table_args__ = (
        CheckConstraint("outcome IN ('reached', 'unreachable', 'declined')",
                        name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocations.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    called_at: Mapped[datetime]
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


append_only(FollowUpCall, message="Un appel de suivi enregistré ne se modifie pas.")
