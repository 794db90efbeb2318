from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.lifecycle import State
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped

STATE_CHECK = "state IN (" + ", ".join(f"'{s.value}'" for s in State) + ")"


class Device(TenantScoped, db.Model):
    __tablename__ = "devices"
    __table_args__ = (
        CheckConstraint(STATE_CHECK, name="state_known"),
        CheckConstraint("legal_status IN ('reuse', 'waste')", name="legal_status_known"),
        CheckConstraint("grade IN ('A', 'B', 'C')", name="grade_known"),
        Index("ix_devices_state_type", "state", "device_type"),
        # Portal and reports: a donor's collections by state (migration 0009).
        Index("ix_devices_collection_state", "collection_id", "state"),
        # The serial as intake compares it (migration 0027_serial_key_index, refurb.intake.queries).
        Index("ix_devices_serial_key", text("upper(replace(serial, ' ', ''))")),
        # Most devices have no donor inventory number: a partial index keeps the planner from
        # judging it useless (it walked every device at a million; 0030_partial_inventory_index).
        Index("ix_devices_donor_inventory_number", "donor_inventory_number",
              sqlite_where=text("donor_inventory_number IS NOT NULL"),
              postgresql_where=text("donor_inventory_number IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_tag: Mapped[str] = mapped_column(String(32), unique=True)
    device_type: Mapped[str] = mapped_column(String(20))
    make: Mapped[str] = mapped_column(String(120), default="", index=True)
    model: Mapped[str] = mapped_column(String(120), default="", index=True)
    serial: Mapped[str | None] = mapped_column(String(120), index=True)
    # The donor's own number (fixed-asset register, fleet tool): printed on its receipt and
    # certificates, found by the scan box (migration 0011).
    donor_inventory_number: Mapped[str | None] = mapped_column(String(60))
    state: Mapped[str] = mapped_column(String(12), default=State.RECEIVED.value)
    legal_status: Mapped[str] = mapped_column(String(8), default="reuse")
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("collections.id"), index=True)
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    weight_estimated: Mapped[bool] = mapped_column(default=True)
    cpu: Mapped[str] = mapped_column(String(200), default="")
    ram_mib: Mapped[int | None]
    ram_slots_used: Mapped[int | None]
    screen_inches: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # laptops, screens
    chassis: Mapped[str] = mapped_column(String(60), default="")
    condition_notes: Mapped[str] = mapped_column(Text, default="")
    # Set by the workshop domain (migration 0004): shelf or bin, and cosmetic grade A/B/C.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_locations.id"), index=True)
    grade: Mapped[str | None] = mapped_column(String(1))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Optimistic lock: two concurrent changes of one device cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    collection = relationship("Collection", lazy="raise_on_sql")
    drives: Mapped[list[Drive]] = relationship(
        back_populates="device", order_by="Drive.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class Drive(TenantScoped, db.Model):
    """A storage medium, tracked on its own: it may leave its host and get its own tag."""

    __tablename__ = "drives"
    __table_args__ = (
        CheckConstraint("kind IN ('hdd', 'ssd', 'nvme', 'emmc', 'other')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    asset_tag: Mapped[str | None] = mapped_column(String(32), unique=True)
    model: Mapped[str] = mapped_column(String(120), default="")
    serial: Mapped[str | None] = mapped_column(String(120), index=True)
    capacity_bytes: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8), default="other")
    power_on_hours: Mapped[int | None]
    smart_passed: Mapped[bool | None]
    created_at: Mapped[datetime]

    device: Mapped[Device | None] = relationship(back_populates="drives")


class DeviceEvent(TenantScoped, db.Model):
    """Append-only history. Triggers in the database refuse UPDATE and DELETE."""

    __tablename__ = "device_events"
    __table_args__ = (
        Index("ix_device_events_device_time", "device_id", "occurred_at"),
        # Throughput per period counts transitions by target state and date (migration 0009).
        Index("ix_device_events_to_state_time", "to_state", "occurred_at", "kind", "device_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    kind: Mapped[str] = mapped_column(String(30), default="transition")
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str | None] = mapped_column(String(12), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    device: Mapped[Device] = relationship()
    actor = relationship("User", lazy="raise_on_sql")



append_only(DeviceEvent, message="L'historique des appareils ne peut pas être modifié.")
