"""Loose parts in a batch: counted and weighed (batteries, cables, screen panels), or one
removed drive, which must be identified so that its erasure can be checked at closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.weee import (
    PART_KIND_LABELS,
    PartKind,
    normalise_waste_code,
    parse_weight_kg,
    validate_category,
    validate_kind,
)
from refurb.devices.models import Drive
from refurb.weee import queries
from refurb.weee.batches import insert_item, lock_open
from refurb.weee.inputs import clean_text
from refurb.weee.models import WasteItem, WeeeBatch
from refurb.wiping.services import drive_label


@dataclass(frozen=True)
class PartValues:
    kind: str
    description: str = ""
    quantity: object = 1
    weight_kg: object = None
    weight_measured: bool = False
    category: object = None
    waste_code: str = ""
    contains_pops: bool = False


def _quantity(value: object) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 100000:
        raise InvalidInput(N_("Quantité : un nombre entier de 1 à 100 000."))
    return number


def _check_loose_drive(drive: Drive | None) -> None:
    if drive is None:
        raise InvalidInput(N_("Un disque part en lot DEEE avec son numéro d'inventaire ou de "
                              "série : il doit être identifié (invariant d'effacement)."))
    if drive.device_id is not None:
        raise InvalidInput(N_("Ce disque est encore enregistré dans l'appareil n° %(device)s : "
                              "il part avec lui, ou retirez-le d'abord de l'appareil."),
                           device=drive.device_id)
    holder = queries.batch_number_holding(drive_id=drive.id)
    if holder is not None:
        raise InvalidInput(N_("Ce disque est déjà dans le lot %(number)s."), number=holder)


def add_part(
    batch: WeeeBatch,
    values: PartValues,
    *,
    actor_id: int | None,
    now: datetime,
    drive: Drive | None = None,
) -> WasteItem:
    lock_open(batch)
    kind = validate_kind(values.kind)
    quantity = _quantity(values.quantity)
    description = clean_text(values.description, 300)
    if kind == PartKind.DRIVE:
        _check_loose_drive(drive)
        quantity = 1
        description = description or drive_label(drive)
    elif drive is not None:
        raise InvalidInput(N_("Seul un élément « disque » est rattaché à un disque."))
    item = WasteItem(
        batch_id=batch.id, kind=kind.value,
        description=description or PART_KIND_LABELS[kind],
        quantity=quantity, weight_kg=parse_weight_kg(values.weight_kg),
        weight_estimated=not values.weight_measured,
        category=validate_category(values.category),
        waste_code=normalise_waste_code(values.waste_code),
        contains_pops=bool(values.contains_pops),
        drive_id=drive.id if drive is not None else None,
        created_at=now, created_by_id=actor_id,
    )
    insert_item(item, Message(N_("Ce disque vient d'être mis dans un autre lot.")))
    return item
