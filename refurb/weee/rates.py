"""Reuse and recycling rates of a period, computed from the records (invariant 6: nothing is
typed): batches handed over and devices allocated. The arithmetic is in
`refurb.core.weee_rates`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from refurb.core.device_types import estimated_weight
from refurb.core.lifecycle import State
from refurb.core.weee import category_for
from refurb.core.weee_rates import Outcome, RateRow, RatesReport, compute_rates, outcome_for_mode
from refurb.devices.models import Device, DeviceEvent
from refurb.extensions import db
from refurb.weee.models import WasteItem, WeeeBatch


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


def report(start: date, end: date) -> RatesReport:
    return compute_rates(rate_rows(start, end))

