"""Transfer notes: a sending workshop signs devices out, the receiving one confirms them.

A note belongs to two workshops at once, so it is not TenantScoped: its queries always name
the current workshop as sender or receiver (refurb.network.transfers.visible)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.devices.models import DeviceEvent
from refurb.extensions import db
from refurb.workshops.models import Workshop


class TransferNote(db.Model):
    __tablename__ = "transfer_notes"
    __table_args__ = (
        UniqueConstraint("from_workshop_id", "number", name="uq_transfer_notes_from_number"),
        CheckConstraint("state IN ('signed_out', 'received')", name="state_known"),
        CheckConstraint("from_workshop_id <> to_workshop_id", name="two_workshops"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))  # numbered per sending workshop
    from_workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    to_workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="signed_out")
    note: Mapped[str] = mapped_column(Text, default="")
    signed_out_at: Mapped[datetime]
    signed_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime | None]
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))

    sender: Mapped[Workshop] = relationship(foreign_keys=[from_workshop_id], lazy="joined")
    receiver: Mapped[Workshop] = relationship(foreign_keys=[to_workshop_id], lazy="joined")
    items: Mapped[list[TransferItem]] = relationship(
        back_populates="transfer", order_by="TransferItem.id", lazy="selectin")


class TransferItem(db.Model):
    """One device on a note, as it left: tag, serial and state are copied (the note states
    what was handed, whatever happens to the device afterwards)."""

    __tablename__ = "transfer_items"
    __table_args__ = (
        UniqueConstraint("transfer_id", "device_id", name="uq_transfer_items_transfer_device"),
        CheckConstraint("outcome IN ('pending', 'received', 'refused')", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("transfer_notes.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    asset_tag: Mapped[str] = mapped_column(String(32))
    device_type: Mapped[str] = mapped_column(String(20))
    make: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    serial: Mapped[str | None] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12))
    outcome: Mapped[str] = mapped_column(String(8), default="pending", index=True)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")

    transfer: Mapped[TransferNote] = relationship(back_populates="items")


# The network figures group each workshop's transitions of a period in one query: this index
# answers it alone (index-only), whatever the number of workshops (migration 0020_network).
Index("ix_device_events_transitions_workshop", DeviceEvent.to_state, DeviceEvent.occurred_at,
      DeviceEvent.workshop_id, DeviceEvent.device_id,
      sqlite_where=text("kind = 'transition'"), postgresql_where=text("kind = 'transition'"))
