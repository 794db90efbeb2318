"""WEEE disposal: treatment operators, carriers, batches (lots DEEE), the items they carry and
the waste register.

A closed batch and its items are frozen, and register lines are append-only: services refuse,
and database triggers (migration 0005) refuse as well.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.weee import WASTE_CODES, OperationMode, PartKind, TransportMode
from refurb.extensions import db
from refurb.workshops.scoping import SharedReference, TenantScoped


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


WASTE_CODE_CHECK = _in("waste_code", WASTE_CODES)
KIND_CHECK = _in("kind", [k.value for k in PartKind])
TRANSPORT_CHECK = _in("transport_mode", [m.value for m in TransportMode])
MODE_CHECK = "operation_mode IS NULL OR " + _in("operation_mode", [m.value for m in OperationMode])


class TreatmentOperator(SharedReference, db.Model):
    """Prestataire de traitement: where a batch goes (the register's destination company)."""

    __tablename__ = "weee_operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="FR")
    # Authorisation (ICPE) or receipt numbers, as printed on the operator's papers.
    authorisation: Mapped[str] = mapped_column(String(300), default="")
    eco_organism_siret: Mapped[str] = mapped_column(String(14), default="")
    eco_organism_name: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Carrier(SharedReference, db.Model):
    """Transporteur, with its receipt (récépissé) number and transport mode."""

    __tablename__ = "weee_carriers"
    __table_args__ = (CheckConstraint(TRANSPORT_CHECK, name="transport_mode_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    receipt_number: Mapped[str] = mapped_column(String(80), default="")
    receipt_exempted: Mapped[bool] = mapped_column(default=False)
    transport_mode: Mapped[str] = mapped_column(String(8), default=TransportMode.ROAD.value)
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    country_code: Mapped[str] = mapped_column(String(2), default="FR")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class WeeeBatch(TenantScoped, db.Model):
    """A lot DEEE (pallet, container): open while it fills, frozen once handed over."""

    __tablename__ = "weee_batches"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'closed')", name="state_known"),
        CheckConstraint("container IN ('pallet', 'container', 'box', 'other')",
                        name="container_known"),
        CheckConstraint(MODE_CHECK, name="operation_mode_known"),
        # Everything the register and the handover need is there once closed.
        CheckConstraint(
            "state = 'open' OR (closed_at IS NOT NULL AND handover_date IS NOT NULL "
            "AND operator_id IS NOT NULL AND operation_code IS NOT NULL "
            "AND signed_by_name <> '' AND signed_on IS NOT NULL "
            "AND total_weight_kg IS NOT NULL)",
            name="closed_is_complete",
        ),
        UniqueConstraint("workshop_id", "number", name="uq_weee_batches_workshop_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(8), default="open", index=True)
    container: Mapped[str] = mapped_column(String(10), default="pallet")
    label: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Filled when the batch is closed.
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("weee_operators.id"), index=True)
    operation_code: Mapped[str | None] = mapped_column(String(4))
    operation_mode: Mapped[str | None] = mapped_column(String(24))
    handover_date: Mapped[date | None] = mapped_column(index=True)
    tracking_reference: Mapped[str] = mapped_column(String(80), default="")  # BSD / Trackdéchets
    signed_by_name: Mapped[str] = mapped_column(String(120), default="")
    signed_on: Mapped[date | None]
    total_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    operator: Mapped[TreatmentOperator | None] = relationship(lazy="joined")
    items: Mapped[list[WasteItem]] = relationship(
        back_populates="batch", order_by="WasteItem.id", lazy="raise_on_sql"
    )
    carrier_links: Mapped[list[BatchCarrier]] = relationship(
        order_by="BatchCarrier.position", lazy="raise_on_sql"
    )

    @property
    def is_open(self) -> bool:
        return self.state == "open"


class BatchCarrier(TenantScoped, db.Model):
    """The carriers of a batch in the order they carried it (register slots 1 to 5)."""

    __tablename__ = "weee_batch_carriers"
    __table_args__ = (
        UniqueConstraint("batch_id", "position", name="uq_weee_batch_carriers_batch_position"),
        UniqueConstraint("batch_id", "carrier_id", name="uq_weee_batch_carriers_batch_carrier"),
        CheckConstraint("position BETWEEN 1 AND 5", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("weee_batches.id"))
    carrier_id: Mapped[int] = mapped_column(ForeignKey("weee_carriers.id"), index=True)
    position: Mapped[int]

    carrier: Mapped[Carrier] = relationship(lazy="joined")


class WasteItem(TenantScoped, db.Model):
    """Something leaving as waste in a batch: a whole device, or counted / weighed parts
    (a destroyed drive, batteries, cables, screens)."""

    __tablename__ = "waste_items"
    __table_args__ = (
        CheckConstraint(KIND_CHECK, name="kind_known"),
        CheckConstraint(WASTE_CODE_CHECK, name="waste_code_known"),
        CheckConstraint("category BETWEEN 1 AND 6", name="category_range"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("weight_kg > 0", name="weight_positive"),
        CheckConstraint("device_id IS NULL OR drive_id IS NULL", name="one_link"),
        CheckConstraint("(kind = 'device') = (device_id IS NOT NULL)", name="device_link"),
        # The period's tonnage by category reads this index alone (migration 0031_stay_hours).
        Index("ix_waste_items_batch_category", "batch_id", "category", "quantity", "weight_kg",
              "workshop_id"),
        CheckConstraint("kind <> 'drive' OR (drive_id IS NOT NULL AND quantity = 1)",
                        name="drive_link"),
        Index("ix_waste_items_batch_code", "batch_id", "waste_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("weee_batches.id"))
    kind: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    weight_estimated: Mapped[bool] = mapped_column(default=True)
    category: Mapped[int]
    waste_code: Mapped[str] = mapped_column(String(10))
    contains_pops: Mapped[bool] = mapped_column(default=False)
    # A device or a drive leaves once: a second batch cannot claim it.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), unique=True)
    drive_id: Mapped[int | None] = mapped_column(ForeignKey("drives.id"), unique=True)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    batch: Mapped[WeeeBatch] = relationship(back_populates="items", lazy="raise_on_sql")
    device = relationship("Device", lazy="raise_on_sql")
    drive = relationship("Drive", lazy="raise_on_sql")


class WasteRegisterLine(TenantScoped, db.Model):
    """One line of the waste register, with the Trackdéchets fields as they are submitted.

    Append-only (invariant 3): a correction is a new row with the same `public_id`, the next
    `revision` and reason "EDIT"; nothing is ever updated or deleted (kept well beyond the
    3 years the arrêté of 31 May 2021 asks for).
    """

    __tablename__ = "waste_register_lines"
    __table_args__ = (
        UniqueConstraint("workshop_id", "public_id", "revision",
                         name="uq_waste_register_lines_workshop_public_revision"),
        CheckConstraint("direction IN ('outgoing', 'incoming')", name="direction_known"),
        CheckConstraint("reason IS NULL OR reason IN ('EDIT', 'CANCEL')", name="reason_known"),
        CheckConstraint("(revision = 1) = (reason IS NULL)", name="first_is_not_a_correction"),
        CheckConstraint(WASTE_CODE_CHECK, name="waste_code_known"),
        Index("ix_waste_register_lines_direction_date", "direction", "line_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(8))
    public_id: Mapped[str] = mapped_column(String(40), index=True)
    revision: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str | None] = mapped_column(String(6))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("waste_register_lines.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("weee_batches.id"), index=True)
    line_date: Mapped[date]  # dispatchDate (outgoing) or receptionDate (incoming)
    waste_code: Mapped[str] = mapped_column(String(10))
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # The register line itself, keys and types as Trackdéchets takes them.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")  # why a correction was made
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by = relationship("User", lazy="raise_on_sql")


class IncomingWasteDevice(TenantScoped, db.Model):
    """Which incoming register line recorded a device received as waste (once per device)."""

    __tablename__ = "waste_register_incoming_devices"

    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("waste_register_lines.id"), index=True)


append_only(WasteRegisterLine, IncomingWasteDevice,
            message="Le registre des déchets ne peut pas être modifié.")
