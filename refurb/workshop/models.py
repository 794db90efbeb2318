"""Workshop floor: diagnoses, spare parts stock and its ledger, work orders, software installs, build
profiles, QA checklist and results, stock locations, batch scan sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.core.part_needs import STATUSES as PART_NEED_STATUSES
from refurb.core.profiles import OPERATING_SYSTEMS
from refurb.core.qa import CHECK_KINDS, GRADES
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.secret_box import EncryptedString
from refurb.workshops.scoping import SharedReference, TenantScoped


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


GRADE_CHECK = _in("grade", GRADES)

LOCATION_KINDS = {
    "shelf": "Étagère",
    "bin": "Bac",
    "pallet": "Palette",
    "room": "Pièce / zone",
    "other": "Autre",
}


class StockLocation(TenantScoped, db.Model):
    __tablename__ = "stock_locations"
    __table_args__ = (
        CheckConstraint(_in("kind", LOCATION_KINDS), name="kind_known"),
        UniqueConstraint("workshop_id", "code", name="uq_stock_locations_workshop_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))  # LOC-0001, printed on its label
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10), default="shelf")
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


POWER_ON = {
    "ok": "Démarre normalement",
    "no_boot": "S'allume mais ne démarre pas le système",
    "no_display": "S'allume sans affichage",
    "no_power": "Ne s'allume pas",
    "not_applicable": "Sans objet (écran, périphérique…)",
}
FAULTS = {
    "screen": "Écran cassé ou défectueux",
    "keyboard": "Clavier défectueux",
    "touchpad": "Pavé tactile défectueux",
    "battery": "Batterie hors d'usage",
    "charger": "Chargeur manquant",
    "no_drive": "Disque absent",
    "drive_failing": "Disque défaillant (SMART)",
    "ram": "Mémoire défaillante ou insuffisante",
    "motherboard": "Carte mère hors service",
    "overheating": "Surchauffe ou ventilateur bruyant",
    "hinge": "Charnière ou coque cassée",
    "ports": "Ports USB ou vidéo défectueux",
    "wifi": "Wi-Fi absent ou hors service",
    "bios_password": "Mot de passe BIOS",
    "audio": "Pas de son",
}
DECISIONS = {
    "reuse": "Réemploi",
    "parts": "Pièces détachées",
    "dispose": "À recycler (DEEE)",
}


class Diagnosis(TenantScoped, db.Model):
    """What the technician found on arrival and decided; corrections are new diagnoses."""

    __tablename__ = "diagnoses"
    __table_args__ = (
        CheckConstraint(_in("power_on", POWER_ON), name="power_on_known"),
        CheckConstraint(_in("decision", DECISIONS), name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    power_on: Mapped[str] = mapped_column(String(16))
    faults: Mapped[list[str]] = mapped_column(JSON, default=list)
    fault_notes: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(8))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    actor = relationship("User", lazy="raise_on_sql")


SPARE_PART_CATEGORIES = {
    "ram": "Barrette de mémoire",
    "drive": "Disque / SSD",
    "battery": "Batterie",
    "charger": "Chargeur",
    "keyboard": "Clavier",
    "screen": "Écran / dalle",
    "fan": "Ventilateur",
    "cable": "Câble / nappe",
    "other": "Autre",
}
MOVEMENT_KINDS = {
    "harvest": "Prélevé sur un appareil",
    "use": "Utilisé en réparation",
    "receive": "Entrée (achat, don)",
    "adjust": "Correction d'inventaire",
}


class SparePart(TenantScoped, db.Model):
    __tablename__ = "parts"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint(_in("category", SPARE_PART_CATEGORIES), name="category_known"),
        UniqueConstraint("workshop_id", "category", "name", name="uq_parts_workshop_category_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(160))
    compatibility: Mapped[str] = mapped_column(Text, default="")
    # Changed only by atomic UPDATE … WHERE quantity >= n in spare_parts.py, with a ledger row each.
    quantity: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SparePartMovement(TenantScoped, db.Model):
    """Append-only stock ledger (database triggers refuse UPDATE/DELETE): the sum of deltas
    of a part is its quantity, and each row says where the parts came from or went."""

    __tablename__ = "part_movements"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        CheckConstraint("quantity_after >= 0", name="quantity_after_not_negative"),
        CheckConstraint(_in("kind", MOVEMENT_KINDS), name="kind_known"),
        CheckConstraint("kind NOT IN ('harvest', 'use') OR device_id IS NOT NULL",
                        name="device_given"),
        Index("ix_part_movements_part_id_id", "part_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("parts.id"))
    kind: Mapped[str] = mapped_column(String(8))
    delta: Mapped[int]
    quantity_after: Mapped[int]
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    occurred_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")

    part: Mapped[SparePart] = relationship(lazy="raise_on_sql")
    device = relationship(Device, lazy="raise_on_sql")
    actor = relationship("User", lazy="raise_on_sql")


class WorkOrder(TenantScoped, db.Model):
    __tablename__ = "work_orders"
    __table_args__ = (CheckConstraint("minutes >= 0", name="minutes_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actions: Mapped[str] = mapped_column(Text)
    minutes: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    technician = relationship("User", foreign_keys=[technician_id], lazy="raise_on_sql")
    spare_parts_used: Mapped[list[SparePartMovement]] = relationship(
        order_by=SparePartMovement.id, lazy="raise_on_sql", viewonly=True
    )


class PartNeed(TenantScoped, db.Model):
    """A part a machine waits for, from the moment a technician records it until it is fitted
    or no longer wanted; the device's history tells each step (refurb.workshop.part_needs)."""

    __tablename__ = "part_needs"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint(_in("status", PART_NEED_STATUSES), name="status_known"),
        CheckConstraint(_in("category", SPARE_PART_CATEGORIES), name="category_known"),
        CheckConstraint("part_id IS NOT NULL OR description <> ''", name="part_described"),
        CheckConstraint("status <> 'cancelled' OR close_note <> ''", name="cancel_explained"),
        # The waiting list and the home count read the open needs only.
        Index("ix_part_needs_status_device_id", "status", "device_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    part_id: Mapped[int | None] = mapped_column(ForeignKey("parts.id"), index=True)
    category: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(String(200), default="")
    quantity: Mapped[int] = mapped_column(default=1)
    ordered_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_note: Mapped[str] = mapped_column(Text, default="")
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"))

    part: Mapped[SparePart | None] = relationship(lazy="raise_on_sql")
    device = relationship(Device, lazy="raise_on_sql")

    @property
    def label(self) -> str:
        """The part as the technician named it: the stock reference, else the description."""
        if self.part_id is not None and self.part is not None:
            return self.part.name
        return self.description


class SoftwareInstall(TenantScoped, db.Model):
    """One installation; the latest per device is what the machine runs."""

    __tablename__ = "software_installs"
    __table_args__ = (CheckConstraint(_in("os_name", OPERATING_SYSTEMS), name="os_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    os_name: Mapped[str] = mapped_column(String(16))
    os_version: Mapped[str] = mapped_column(String(40), default="")
    office: Mapped[str] = mapped_column(String(80), default="")
    other_software: Mapped[str] = mapped_column(Text, default="")
    # "|libreoffice|firefox|": lets the ready-stock filter test software with a portable LIKE.
    software_keys: Mapped[str] = mapped_column(Text, default="|")
    # Refurbisher licence key (Windows): shown masked; revealing it is logged on the device.
    # Encrypted at rest (refurb.secret_box): the model sees the clear key.
    licence_key: Mapped[str | None] = mapped_column(EncryptedString())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    @property
    def software(self) -> list[str]:
        return [s.strip() for s in [self.office, *self.other_software.split(",")] if s.strip()]

    @property
    def masked_key(self) -> str:
        if not self.licence_key:
            return ""
        return "•••••-•••••-•••••-•••••-" + self.licence_key[-5:]


class BuildProfile(SharedReference, db.Model):
    __tablename__ = "build_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    device_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    min_ram_mib: Mapped[int | None]
    min_storage_gb: Mapped[int | None]
    storage_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    os_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    software: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QACheck(SharedReference, db.Model):
    __tablename__ = "qa_checks"
    __table_args__ = (
        CheckConstraint(_in("kind", CHECK_KINDS), name="kind_known"),
        CheckConstraint("minimum IS NULL OR (minimum >= 0 AND minimum <= 100)",
                        name="minimum_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(10), default="pass_fail")
    minimum: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    # Checks are retired, never deleted: past results keep pointing at them.
    active: Mapped[bool] = mapped_column(default=True)

    rules: Mapped[list[QACheckRule]] = relationship(
        back_populates="check", lazy="selectin", cascade="all, delete-orphan"
    )


class QACheckRule(SharedReference, db.Model):
    """A check applies to a device type, mandatory or not; no row: not applicable."""

    __tablename__ = "qa_check_rules"
    __table_args__ = (
        UniqueConstraint("check_id", "device_type", name="uq_qa_check_rules_check_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("qa_checks.id"))
    device_type: Mapped[str] = mapped_column(String(20), index=True)
    mandatory: Mapped[bool] = mapped_column(default=True)

    check: Mapped[QACheck] = relationship(back_populates="rules")


class QARun(TenantScoped, db.Model):
    """One pass through the checklist with the cosmetic grade; the latest run counts."""

    __tablename__ = "qa_runs"
    __table_args__ = (
        CheckConstraint(GRADE_CHECK, name="grade_known"),
        Index("ix_qa_runs_device_id_id", "device_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    grade: Mapped[str | None] = mapped_column(String(1))
    notes: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    results: Mapped[list[QAResult]] = relationship(lazy="selectin", order_by="QAResult.id")
    actor = relationship("User", lazy="raise_on_sql")


class QAResult(TenantScoped, db.Model):
    __tablename__ = "qa_results"
    __table_args__ = (UniqueConstraint("run_id", "check_id", name="uq_qa_results_run_check"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("qa_runs.id"), index=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("qa_checks.id"))
    passed: Mapped[bool]
    value: Mapped[int | None]

    check: Mapped[QACheck] = relationship(lazy="joined")


class BatchScanSession(TenantScoped, db.Model):
    """A batch scan in progress, in the database so it survives reloads and worker changes."""

    __tablename__ = "batch_scan_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_key: Mapped[str] = mapped_column(String(40))
    parameter: Mapped[str | None] = mapped_column(String(80))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class BatchScanItem(TenantScoped, db.Model):
    __tablename__ = "batch_scan_items"
    __table_args__ = (Index("ix_batch_scan_items_session_id_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("batch_scan_sessions.id"))
    scanned: Mapped[str] = mapped_column(String(120))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_locations.id"))
    ok: Mapped[bool]
    message: Mapped[str] = mapped_column(Text, default="")
    undo_token: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    undone_at: Mapped[datetime | None]
    undo_message: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
