"""Read side of intake: collections, a collection's devices, its totals, its imports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, String, cast, func, literal, literal_column, select

from refurb.core.device_types import DeviceType
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.extensions import db
from refurb.intake.models import Collection, IntakeImport

RECEIPT_KIND = "collection_receipt"  # as intake.receipts issues it

ZERO = Decimal("0")


def get_collection_by_number(number: str) -> Collection | None:
    return db.session.scalar(select(Collection).where(Collection.number == number.strip().upper()))


def without_receipt(query: Select) -> Select:
    """Collections received (or closed) whose pick-up receipt was never issued."""
    subject = literal("collection:").op("||")(cast(Collection.id, String))
    return query.where(
        Collection.state.in_(("received", "closed")),
        ~select(IssuedDocument.id).where(IssuedDocument.kind == RECEIPT_KIND,
                                         IssuedDocument.subject == subject).exists())


def list_collections_query(state: str | None = None, receipt_missing: bool = False) -> Select:
    query = select(Collection)  # the donor comes joined (Collection.donor is lazy="joined")
    if state:
        query = query.where(Collection.state == state)
    if receipt_missing:
        query = without_receipt(query)
    return query.order_by(Collection.id.desc())


def count_without_receipt() -> int:
    return db.session.scalar(without_receipt(select(func.count()).select_from(Collection))) or 0


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
            Device.donor_inventory_number,
        )
        .where(Device.collection_id == collection_id)
        .order_by(Device.asset_tag)
    )


# Written out, not func.upper(func.replace(...)): with bound ' ' and '' SQLite would not use
# the expression index on it (migration 0027_serial_key_index), and read every device.
serial_key_column = literal_column("upper(replace(devices.serial, ' ', ''))")


def find_donor_device_by_serial(donor_id: int, key: str) -> Device | None:
    """A device of this donor whose serial, without case or spaces, is `key` (upper case)."""
    return db.session.scalars(donor_serial_query(donor_id, key)).first()


def donor_device_tag_by_serial(donor_id: int, key: str) -> str | None:
    """The asset tag of that device, if any: what a new machine's check needs (one column,
    no device loaded)."""
    return db.session.scalar(
        donor_serial_query(donor_id, key).with_only_columns(Device.asset_tag))


def donor_serial_query(donor_id: int, key: str) -> Select:
    return (
        select(Device)
        .join(Collection, Device.collection_id == Collection.id)
        .where(Collection.donor_id == donor_id, serial_key_column == key)
        .limit(1)
    )


def donor_serials(donor_id: int) -> Iterator[tuple[str, str]]:
    """(serial, asset tag) of every device this donor gave, streamed."""
    yield from db.session.execute(
        select(Device.serial, Device.asset_tag)
        .join(Collection, Device.collection_id == Collection.id)
        .where(Collection.donor_id == donor_id, Device.serial.is_not(None))
        .execution_options(yield_per=2000)
    )


def earlier_import(collection_id: int, sha256: str) -> IntakeImport | None:
    """The same file already imported into this collection, if any."""
    return db.session.scalars(
        select(IntakeImport).where(
            IntakeImport.collection_id == collection_id,
            IntakeImport.sha256 == sha256,
            IntakeImport.imported_at.is_not(None),
        )
    ).first()


def imports_of(collection_id: int) -> list[IntakeImport]:
    return list(
        db.session.scalars(
            select(IntakeImport)
            .where(IntakeImport.collection_id == collection_id, IntakeImport.imported_at.is_not(None))
            .order_by(IntakeImport.id)
        )
    )
