"""Read side of WEEE disposal: batch lists and pages, the register, the rates' records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, select

from refurb.core.device_types import estimated_weight
from refurb.core.lifecycle import State
from refurb.core.weee import (
    Outcome,
    RateRow,
    RatesReport,
    category_for,
    compute_rates,
    outcome_for_mode,
)
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.extensions import db
from refurb.weee.models import (
    BatchCarrier,
    Carrier,
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


def count_pending_incoming() -> int:
    from refurb.weee.services import pending_incoming_query

    return db.session.scalar(
        select(func.count()).select_from(pending_incoming_query().order_by(None).subquery())
    ) or 0


# ------------------------------------------------------------------------------ rates


def rate_rows(start: date, end: date) -> list[RateRow]:
    """Records of the period, one row per device or loose item (invariant 6: nothing typed):

    - a device or part that left in a batch handed over in the period: the batch's treatment
      mode decides (RECYCLAGE → recycled, REUTILISATION → reused, …);
    - a device allocated in the period (an "allocated" event) and not disposed of in the same
      period: reused.
    """
    rows: list[RateRow] = []
    disposed: set[int] = set()
    for category, mode, weight, quantity, device_id in db.session.execute(
        select(WasteItem.category, WeeeBatch.operation_mode, WasteItem.weight_kg,
               WasteItem.quantity, WasteItem.device_id)
        .join(WeeeBatch, WeeeBatch.id == WasteItem.batch_id)
        .where(WeeeBatch.state == "closed", WeeeBatch.handover_date >= start,
               WeeeBatch.handover_date <= end)
    ):
        rows.append(RateRow(category, outcome_for_mode(mode), Decimal(weight), quantity))
        if device_id is not None:
            disposed.add(device_id)
    allocated = (
        select(DeviceEvent.device_id)
        .where(DeviceEvent.to_state == State.ALLOCATED.value,
               DeviceEvent.occurred_at >= datetime.combine(start, time.min),
               DeviceEvent.occurred_at < datetime.combine(end + timedelta(days=1), time.min))
        .distinct()
    )
    for device_id, device_type, weight in db.session.execute(
        select(Device.id, Device.device_type, Device.weight_kg).where(Device.id.in_(allocated))
    ):
        if device_id in disposed:
            continue
        kg = Decimal(weight) if weight else estimated_weight(device_type)
        rows.append(RateRow(category_for(device_type), Outcome.REUSED, kg))
    return rows


def rates(start: date, end: date) -> RatesReport:
    return compute_rates(rate_rows(start, end))

