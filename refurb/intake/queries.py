"""Read side of intake: a collection's devices, its totals, its imports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, func, select

from refurb.core.device_types import DeviceType
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.intake.models import IntakeImport

ZERO = Decimal("0")


def collection_devices_query(collection_id: int) -> Select:
    return select(Device).where(Device.collection_id == collection_id).order_by(Device.id)


def latest_devices(collection_id: int, limit: int = 10) -> list[Device]:
    return list(
        db.session.scalars(
            select(Device)
            .where(Device.collection_id == collection_id)
            .order_by(Device.id.desc())
            .limit(limit)
        )
    )


def device_count(collection_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Device).where(Device.collection_id == collection_id)
    ) or 0


@dataclass
class Totals:
    count: int = 0
    kg: Decimal = ZERO
    kg_measured: Decimal = ZERO
    kg_estimated: Decimal = ZERO
    measured_count: int = 0
    reuse: int = 0
    waste: int = 0
    by_type: Counter = field(default_factory=Counter)

    @property
    def types_in_order(self) -> list[tuple[str, int]]:
        """Known types in their usual order, counts > 0 only."""
        return [(t.value, self.by_type[t.value]) for t in DeviceType if self.by_type[t.value]]


def collection_totals(collection_id: int) -> Totals:
    """Every figure summed by the database from the device rows (invariant 6)."""
    rows = db.session.execute(
        select(
            Device.device_type,
            Device.legal_status,
            Device.weight_estimated,
            func.count(),
            func.coalesce(func.sum(Device.weight_kg), 0),
        )
        .where(Device.collection_id == collection_id)
        .group_by(Device.device_type, Device.legal_status, Device.weight_estimated)
    )
    totals = Totals()
    for device_type, status, estimated, count, kg in rows:
        kg = Decimal(str(kg)).quantize(Decimal("0.01"))
        totals.count += count
        totals.kg += kg
        totals.by_type[device_type] += count
        if estimated:
            totals.kg_estimated += kg
        else:
            totals.kg_measured += kg
            totals.measured_count += count
        if status == "waste":
            totals.waste += count
        else:
            totals.reuse += count
    return totals


def receipt_lines(collection_id: int) -> Iterator[tuple]:
    """Plain tuples, in tag order, for the receipt: no ORM objects for large collections."""
    yield from db.session.execute(
        select(
            Device.asset_tag,
            Device.device_type,
            Device.make,
            Device.model,
            Device.serial,
            Device.weight_kg,
            Device.weight_estimated,
            Device.legal_status,
        )
        .where(Device.collection_id == collection_id)
        .order_by(Device.asset_tag)
    )


def imports_of(collection_id: int) -> list[IntakeImport]:
    return list(
        db.session.scalars(
            select(IntakeImport)
            .where(IntakeImport.collection_id == collection_id, IntakeImport.imported_at.is_not(None))
            .order_by(IntakeImport.id)
        )
    )
