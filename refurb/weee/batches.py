"""Batches (lots DEEE): open one, fill it with devices waiting for disposal, correct or take
items out while it is open. Loose parts are in `loose_parts`, the handover in `closing`.

Every change locks the batch row first, so filling and closing cannot interleave.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType, estimated_weight
from refurb.core.errors import DomainError, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.weee import (
    PartKind,
    category_for,
    default_device_waste_code,
    normalise_waste_code,
    parse_weight_kg,
)
from refurb.counters import next_number
from refurb.devices.models import Device
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.weee import queries
from refurb.weee.inputs import clean_text
from refurb.weee.models import WasteItem, WeeeBatch

CONTAINERS = {"pallet": N_("Palette"), "container": N_("Caisse-palette / conteneur"),
              "box": N_("Carton"), "other": N_("Autre")}


class BatchClosed(DomainError):
    """The batch has been handed over: it cannot change any more."""


def open_batch(
    *, container: str, label: str = "", notes: str = "", actor_id: int | None, now: datetime
) -> WeeeBatch:
    if container not in CONTAINERS:
        raise InvalidInput(N_("Contenant inconnu."))
    number = f"DEEE-{now.year}-{next_number(f'weee-batch-{now.year}'):04d}"
    batch = WeeeBatch(number=number, state="open", container=container,
                      label=clean_text(label, 120), notes=clean_text(notes, 2000),
                      created_at=now, created_by_id=actor_id)
    db.session.add(batch)
    db.session.flush()
    return batch


def lock_open(batch: WeeeBatch) -> WeeeBatch:
    """Lock the batch row (PostgreSQL) so adding and closing cannot interleave, and refuse
    a batch that is already closed."""
    db.session.refresh(batch, ["state"], with_for_update=True)
    if not batch.is_open:
        raise BatchClosed(N_("Le lot %(number)s est clôturé : il ne peut plus changer."),
                          number=batch.number)
    return batch


def insert_item(item: WasteItem, race: Message) -> None:
    """Insert under a savepoint: a concurrent claim of the same device or drive hits the
    unique constraint and becomes a clear refusal instead of a failed request."""
    try:
        with db.session.begin_nested():
            db.session.add(item)
    except IntegrityError:
        raise InvalidInput(race) from None


def _device_description(device: Device) -> str:
    kind = DEVICE_TYPE_LABELS.get(DeviceType(device.device_type), device.device_type)
    return " ".join(p for p in (device.asset_tag, "—", kind, device.make, device.model) if p)


def _check_disposable(device: Device) -> None:
    if device.state != State.TO_DISPOSE.value:
        raise InvalidInput(
            N_("%(tag)s est « %(state)s » : seuls les appareils « %(allowed)s » entrent dans "
               "un lot DEEE."), tag=device.asset_tag,
            state=Message(STATE_LABELS[State(device.state)]),
            allowed=Message(STATE_LABELS[State.TO_DISPOSE]))
    holder = queries.batch_number_holding(device_id=device.id)
    if holder is not None:
        raise InvalidInput(N_("%(tag)s est déjà dans le lot %(number)s."),
                           tag=device.asset_tag, number=holder)


def add_device(
    batch: WeeeBatch,
    device: Device,
    *,
    actor_id: int | None,
    now: datetime,
    waste_code: str | None = None,
    contains_pops: bool = False,
    weight_kg: object = None,
) -> WasteItem:
    """Put a device waiting for disposal on the batch; its weight is the one measured here,
    else the device's own (measured or estimated at intake)."""
    lock_open(batch)
    _check_disposable(device)
    measured = parse_weight_kg(weight_kg, required=False)
    if measured is not None:
        weight, estimated = measured, False
    elif device.weight_kg:
        weight, estimated = Decimal(device.weight_kg), bool(device.weight_estimated)
    else:
        weight, estimated = estimated_weight(device.device_type), True
    item = WasteItem(
        batch_id=batch.id, kind=PartKind.DEVICE.value, description=_device_description(device),
        quantity=1, weight_kg=weight, weight_estimated=estimated,
        category=category_for(device.device_type),
        waste_code=normalise_waste_code(waste_code) if waste_code
        else default_device_waste_code(device.device_type),
        contains_pops=bool(contains_pops), device_id=device.id,
        created_at=now, created_by_id=actor_id,
    )
    insert_item(item, Message(N_("%(tag)s vient d'être mis dans un autre lot."),
                              {"tag": device.asset_tag}))
    record_event(device, "weee_batch_added", actor_id=actor_id, now=now,
                 details={"lot": batch.number})
    return item


def update_item(
    item: WasteItem,
    *,
    waste_code: str,
    contains_pops: bool,
    weight_kg: object = None,
    actor_id: int | None,
    now: datetime,
) -> WasteItem:
    """Correct an item of an open batch: code, POPs, or a weight measured on the scale."""
    lock_open(db.session.get(WeeeBatch, item.batch_id))
    item.waste_code = normalise_waste_code(waste_code)
    item.contains_pops = bool(contains_pops)
    measured = parse_weight_kg(weight_kg, required=False)
    if measured is not None:
        item.weight_kg, item.weight_estimated = measured, False
    db.session.flush()
    return item


def remove_item(item: WasteItem, *, actor_id: int | None, now: datetime) -> None:
    batch = lock_open(db.session.get(WeeeBatch, item.batch_id))
    device = db.session.get(Device, item.device_id) if item.device_id else None
    db.session.delete(item)
    db.session.flush()
    if device is not None:
        record_event(device, "weee_batch_removed", actor_id=actor_id, now=now,
                     details={"lot": batch.number})
