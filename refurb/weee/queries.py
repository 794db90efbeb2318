"""Read side of WEEE disposal: batch lists and pages, operators and carriers, the register.
Reads only: the use cases import this module, never the other way round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from refurb.core.lifecycle import State
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.weee.models import (
    BatchCarrier,
    Carrier,
    IncomingWasteDevice,
    TreatmentOperator,
    WasteItem,
    WasteRegisterLine,
    WeeeBatch,
)


def list_batches_query(state: str | None = None) -> Select:
    query = select(WeeeBatch)  # the operator comes joined (lazy="joined")
    if state in ("open", "closed"):
        query = query.where(WeeeBatch.state == state)
    return query.order_by(WeeeBatch.state.desc(), WeeeBatch.id.desc())  # open first


@dataclass(frozen=True)
class BatchTotals:
    items: int = 0
    quantity: int = 0
    weight_kg: Decimal = Decimal("0")


def batch_totals(batch_ids: list[int]) -> dict[int, BatchTotals]:
    """Item counts and weights of several batches in one query."""
    if not batch_ids:
        return {}
    rows = db.session.execute(
        select(WasteItem.batch_id, func.count(), func.sum(WasteItem.quantity),
               func.sum(WasteItem.weight_kg))
        .where(WasteItem.batch_id.in_(batch_ids)).group_by(WasteItem.batch_id)
    )
    return {b: BatchTotals(n, q or 0, Decimal(w or 0)) for b, n, q, w in rows}


def batch_items(batch: WeeeBatch) -> list[WasteItem]:
    return list(db.session.scalars(
        select(WasteItem)
        .options(joinedload(WasteItem.device), joinedload(WasteItem.drive))
        .where(WasteItem.batch_id == batch.id)
        .order_by(WasteItem.id)
    ))


def batch_number_holding(*, device_id: int | None = None,
                         drive_id: int | None = None) -> str | None:
    """The number of the batch that already holds this device (or this drive), if any."""
    held = (WasteItem.device_id == device_id) if device_id is not None else (
        WasteItem.drive_id == drive_id)
    return db.session.scalar(
        select(WeeeBatch.number).join(WasteItem, WasteItem.batch_id == WeeeBatch.id).where(held)
    )


def batch_carriers(batch_id: int) -> list[Carrier]:
    links = db.session.scalars(
        select(BatchCarrier).where(BatchCarrier.batch_id == batch_id)
        .order_by(BatchCarrier.position)
    )
    return [link.carrier for link in links]


def open_batch_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(WeeeBatch.id, WeeeBatch.number, WeeeBatch.label)
        .where(WeeeBatch.state == "open").order_by(WeeeBatch.id)
    )
    return [(i, f"{number} {label}".strip()) for i, number, label in rows]


def disposable_devices(limit: int = 100) -> list[Device]:
    """Devices waiting for disposal that no batch holds yet (the batch page offers them)."""
    return list(db.session.scalars(
        select(Device).outerjoin(WasteItem, WasteItem.device_id == Device.id)
        .where(Device.state == State.TO_DISPOSE.value, WasteItem.id.is_(None))
        .order_by(Device.id).limit(limit)
    ))


def drive_by_serial(serial: str) -> Drive | None:
    """The drive with this serial number, when exactly one has it."""
    drives = db.session.scalars(select(Drive).where(Drive.serial == serial.strip()).limit(2)).all()
    return drives[0] if len(drives) == 1 else None


def list_operators(active_only: bool = False) -> list[TreatmentOperator]:
    query = select(TreatmentOperator).order_by(TreatmentOperator.name)
    if active_only:
        query = query.where(TreatmentOperator.active.is_(True))
    return list(db.session.scalars(query))


def list_carriers(active_only: bool = False) -> list[Carrier]:
    query = select(Carrier).order_by(Carrier.name)
    if active_only:
        query = query.where(Carrier.active.is_(True))
    return list(db.session.scalars(query))


def register_query(direction: str, start: date | None, end: date | None) -> Select:
    """Chronological register: by date, then each line followed by its corrections."""
    query = select(WasteRegisterLine).where(WasteRegisterLine.direction == direction)
    if start:
        query = query.where(WasteRegisterLine.line_date >= start)
    if end:
        query = query.where(WasteRegisterLine.line_date <= end)
    return query.order_by(WasteRegisterLine.line_date, WasteRegisterLine.public_id,
                          WasteRegisterLine.revision)


def latest_revisions(public_ids: list[str]) -> dict[str, int]:
    if not public_ids:
        return {}
    rows = db.session.execute(
        select(WasteRegisterLine.public_id, func.max(WasteRegisterLine.revision))
        .where(WasteRegisterLine.public_id.in_(public_ids))
        .group_by(WasteRegisterLine.public_id)
    )
    return dict(rows.all())


def latest_revision(public_id: str) -> WasteRegisterLine | None:
    return db.session.scalars(
        select(WasteRegisterLine).where(WasteRegisterLine.public_id == public_id)
        .order_by(WasteRegisterLine.revision.desc()).limit(1)
    ).first()


def pending_incoming_query() -> Select:
    """Devices received as waste that no incoming register line records yet."""
    recorded = select(IncomingWasteDevice.device_id)
    return (
        select(Device)
        .options(joinedload(Device.collection))
        .where(Device.legal_status == "waste", Device.id.not_in(recorded))
        .order_by(Device.id)
    )


def waste_codes_of_devices(device_ids: list[int]) -> dict[int, str]:
    """The waste code each of these devices carries in a batch, for those in one."""
    if not device_ids:
        return {}
    return dict(db.session.execute(
        select(WasteItem.device_id, WasteItem.waste_code)
        .where(WasteItem.device_id.in_(device_ids))
    ).all())


def count_pending_incoming() -> int:
    return db.session.scalar(
        select(func.count()).select_from(pending_incoming_query().order_by(None).subquery())
    ) or 0
