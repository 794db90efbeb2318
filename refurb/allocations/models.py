"""Reservations, handovers (gift or loan) and school programmes.

A reservation holds one or more devices (a pack) for one beneficiary; its items stay active
while the device is reserved or allocated to that beneficiary, so one partial unique index
guarantees a device is held by at most one beneficiary at a time (invariant 2), whatever the
application code does. A handover turns an active reservation into an allocation.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.append_only import append_only
from refurb.core.handover import FeeStatus, Mode, PaymentMethod
from refurb.extensions import db
from refurb.workshops.scoping import TenantScoped


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


RESERVATION_STATUSES = ("active", "handed_over", "expired", "cancelled")
ALLOCATION_STATUSES = ("active", "returned")
ACTIVE_WHERE = text("active")
ACTIVE_RESERVATION_WHERE = text("status = 'active'")


class Reservation(TenantScoped, db.Model):
    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint(_in("status", RESERVATION_STATUSES), name="status_known"),
        CheckConstraint("(status = 'active') = (closed_at IS NULL)", name="closed_when_done"),
        # One open reservation per file: a pack is one reservation, not several racing ones.
        Index("uq_reservations_active_beneficiary", "beneficiary_id", unique=True,
              sqlite_where=ACTIVE_RESERVATION_WHERE, postgresql_where=ACTIVE_RESERVATION_WHERE),
        Index("ix_reservations_status_expires_on", "status", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    reserved_at: Mapped[datetime]
    reserved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(Text, default="")
    # Optimistic lock: a handover and an expiry of the same reservation cannot both win.
    version: Mapped[int] = mapped_column(default=1)

    items: Mapped[list[ReservationItem]] = relationship(
        back_populates="reservation", order_by="ReservationItem.id", lazy="selectin"
    )
    beneficiary = relationship("Beneficiary", lazy="raise_on_sql")
    reserved_by = relationship("User", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    @property
    def active_items(self) -> list[ReservationItem]:
        return [item for item in self.items if item.active]


class ReservationExtension(TenantScoped, db.Model):
    """A reservation's last day moved later: by someone with a reason, or by the expiry job
    while the beneficiary's training goes on (actor empty). Append-only: the reservation's
    history of why it held."""

    __tablename__ = "reservation_extensions"
    __table_args__ = (
        CheckConstraint("new_expires_on > previous_expires_on", name="moves_later"),
        CheckConstraint("reason <> ''", name="has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), index=True)
    previous_expires_on: Mapped[date] = mapped_column(Date)
    new_expires_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime]

    actor = relationship("User", lazy="raise_on_sql")


append_only(ReservationExtension,
            message="Une prolongation de réservation ne se modifie pas : prolongez de nouveau.")


class ReservationItem(TenantScoped, db.Model):
    __tablename__ = "reservation_items"
    __table_args__ = (
        CheckConstraint("active = (released_at IS NULL)", name="released_when_inactive"),
        # Invariant 2 in the database: at most one live hold per device.
        Index("uq_reservation_items_active_device", "device_id", unique=True,
              sqlite_where=ACTIVE_WHERE, postgresql_where=ACTIVE_WHERE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    added_at: Mapped[datetime]
    released_at: Mapped[datetime | None]
    release_reason: Mapped[str] = mapped_column(String(200), default="")

    reservation: Mapped[Reservation] = relationship(back_populates="items")
    device = relationship("Device", lazy="joined", innerjoin=True)


class SchoolProgramme(TenantScoped, db.Model):
    """A school loan programme for one cohort (e.g. CE2 pupils of 2026-2027 until 6e)."""

    __tablename__ = "school_programmes"
    __table_args__ = (UniqueConstraint("workshop_id", "name", name="uq_school_programmes_workshop_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    start_level: Mapped[str] = mapped_column(String(8))
    cohort_year: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The workshop's warranty on machines lent under this programme; None: the setting.
    warranty_months: Mapped[int | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    schools: Mapped[list[ProgrammeSchool]] = relationship(
        back_populates="programme", order_by="ProgrammeSchool.name", lazy="selectin"
    )


class ProgrammeSchool(TenantScoped, db.Model):
    __tablename__ = "programme_schools"
    __table_args__ = (UniqueConstraint("programme_id", "uai", name="uq_programme_schools_uai"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("school_programmes.id"), index=True)
    uai: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))

    programme: Mapped[SchoolProgramme] = relationship(back_populates="schools")


class Allocation(TenantScoped, db.Model):
    """A handover (remise): what was given or lent, on which terms, for which fee."""

    __tablename__ = "allocations"
    __table_args__ = (
        CheckConstraint(_in("mode", [m.value for m in Mode]), name="mode_known"),
        CheckConstraint(_in("status", ALLOCATION_STATUSES), name="status_known"),
        CheckConstraint(_in("fee_status", [s.value for s in FeeStatus]), name="fee_status_known"),
        CheckConstraint(
            "fee_method IS NULL OR " + _in("fee_method", [m.value for m in PaymentMethod]),
            name="fee_method_known",
        ),
        CheckConstraint("fee_status <> 'paid' OR fee_method IS NOT NULL", name="paid_has_method"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        # A loan has a due date; a converted loan keeps it (when it was due).
        CheckConstraint("mode <> 'loan' OR due_on IS NOT NULL", name="loan_has_due_date"),
        Index("ix_allocations_mode_status_due_on", "mode", "status", "due_on"),
        # People served in a period, counted from this index alone (migration 0031_stay_hours).
        Index("ix_allocations_workshop_handed_beneficiary", "workshop_id", "handed_over_at",
              "beneficiary_id"),
        UniqueConstraint("workshop_id", "number", name="uq_allocations_workshop_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24))  # the agreement's number
    reservation_id: Mapped[int] = mapped_column(ForeignKey("reservations.id"), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="active")
    handed_over_at: Mapped[datetime] = mapped_column(index=True)
    handed_over_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("school_programmes.id"), index=True
    )
    fee_amount: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    fee_status: Mapped[str] = mapped_column(String(8))
    fee_method: Mapped[str | None] = mapped_column(String(16))
    receipt_number: Mapped[str] = mapped_column(String(40), default="")
    converted_at: Mapped[datetime | None]  # a loan the family kept: now a gift
    returned_at: Mapped[datetime | None]
    # The warranty promised at the handover (months; None on handovers made before it was
    # kept here: refurb.allocations.warranty falls back to the settings).
    warranty_months: Mapped[int | None]
    # The pack handed over at a distribution day, as it was then ({"name", "devices",
    # "accessories"}): editing the template later does not change it.
    pack: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)

    reservation: Mapped[Reservation] = relationship(lazy="joined", innerjoin=True)
    beneficiary = relationship("Beneficiary", lazy="raise_on_sql")
    programme: Mapped[SchoolProgramme | None] = relationship(lazy="raise_on_sql")
    handed_over_by = relationship("User", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open_loan(self) -> bool:
        return self.mode == Mode.LOAN and self.status == "active"


# ------------------------------------------------------------------------- cohorts and packs

COHORT_KINDS = ("school_class", "season", "association_call")
PACK_LINE_KINDS = ("device", "accessory")


class PackTemplate(TenantScoped, db.Model):
    """What one member of a cohort receives: device types from the stock (each a tracked
    machine scanned at the distribution) and accessories (counted, not tracked)."""

    __tablename__ = "pack_templates"
    __table_args__ = (UniqueConstraint("workshop_id", "name",
                                       name="uq_pack_templates_workshop_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A retired pack is no longer offered to new cohorts; the cohorts using it keep it.
    retired_at: Mapped[datetime | None]

    lines: Mapped[list[PackTemplateLine]] = relationship(
        back_populates="template", order_by="PackTemplateLine.id", lazy="selectin",
        cascade="all, delete-orphan")

    @property
    def device_lines(self) -> list[PackTemplateLine]:
        return [line for line in self.lines if line.kind == "device"]

    @property
    def accessory_lines(self) -> list[PackTemplateLine]:
        return [line for line in self.lines if line.kind == "accessory"]


class PackTemplateLine(TenantScoped, db.Model):
    __tablename__ = "pack_template_lines"
    __table_args__ = (
        CheckConstraint(_in("kind", PACK_LINE_KINDS), name="kind_known"),
        CheckConstraint("quantity >= 1 AND quantity <= 20", name="quantity_range"),
        CheckConstraint("(kind = 'device') = (device_type IS NOT NULL)", name="device_has_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("pack_templates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    device_type: Mapped[str | None] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(120), default="")
    quantity: Mapped[int] = mapped_column(default=1)

    template: Mapped[PackTemplate] = relationship(back_populates="lines")


class Cohort(TenantScoped, db.Model):
    """A group handled together: a school class, a season's distribution, an association
    call. Its handover terms apply to every member at the distribution day."""

    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint(_in("kind", COHORT_KINDS), name="kind_known"),
        CheckConstraint(_in("mode", [m.value for m in Mode]), name="mode_known"),
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint(
            "fee_method IS NULL OR " + _in("fee_method", [m.value for m in PaymentMethod]),
            name="fee_method_known"),
        UniqueConstraint("workshop_id", "name", name="uq_cohorts_workshop_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    uai: Mapped[str | None] = mapped_column(String(8))
    school_name: Mapped[str] = mapped_column(String(200), default="")
    pack_template_id: Mapped[int | None] = mapped_column(ForeignKey("pack_templates.id"))
    mode: Mapped[str] = mapped_column(String(8), default="gift")
    school_programme_id: Mapped[int | None] = mapped_column(ForeignKey("school_programmes.id"))
    fee_amount: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    fee_method: Mapped[str | None] = mapped_column(String(16))
    # The parents' workshop the cohort's families follow.
    training_programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_programmes.id"))
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    pack_template: Mapped[PackTemplate | None] = relationship(lazy="selectin")
    school_programme: Mapped[SchoolProgramme | None] = relationship(lazy="selectin")
    training_programme = relationship("Programme", lazy="selectin")
    members: Mapped[list[CohortMember]] = relationship(
        back_populates="cohort", order_by="CohortMember.position", lazy="selectin")


class CohortMember(TenantScoped, db.Model):
    __tablename__ = "cohort_members"
    __table_args__ = (
        UniqueConstraint("cohort_id", "beneficiary_id", name="uq_cohort_members_beneficiary"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    position: Mapped[int]
    added_at: Mapped[datetime]
    # Set at the distribution day, when the member's pack is handed over.
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("allocations.id"), unique=True)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    beneficiary = relationship("Beneficiary", lazy="joined", innerjoin=True)
    allocation: Mapped[Allocation | None] = relationship(lazy="selectin")
