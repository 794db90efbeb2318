"""The batch-scan action "add to a WEEE batch": scan tag after tag into one open batch, each
addition undoable (registered in refurb.wiring)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.devices.batch import BatchAction
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.weee import batches, queries
from refurb.weee.models import WasteItem, WeeeBatch


def _open_batch_choices() -> list[tuple[str, str]]:
    return [(str(batch_id), label) for batch_id, label in queries.open_batch_choices()]


def _apply(device: Device, parameter: str | None, actor_id: int | None, now: datetime):
    try:
        batch = db.session.get(WeeeBatch, int(parameter or ""))
    except ValueError:
        batch = None
    if batch is None:
        raise InvalidInput(N_("Choisissez un lot DEEE ouvert."))
    item = batches.add_device(batch, device, actor_id=actor_id, now=now)
    return ({"item_id": item.id, "batch_id": batch.id},
            N_("%(tag)s ajouté au lot %(number)s.") % {"tag": device.asset_tag,
                                                        "number": batch.number})


def _undo(device: Device, token: dict[str, Any], actor_id: int | None, now: datetime) -> str:
    item = db.session.get(WasteItem, token.get("item_id") or 0)
    if item is None or item.device_id != device.id:
        raise InvalidInput(N_("%(tag)s n'est plus dans ce lot."), tag=device.asset_tag)
    batch = db.session.get(WeeeBatch, item.batch_id)
    batches.remove_item(item, actor_id=actor_id, now=now)
    return N_("%(tag)s retiré du lot %(number)s.") % {"tag": device.asset_tag,
                                                       "number": batch.number}


ADD_TO_BATCH = BatchAction(
    key="weee.add_to_batch",
    label=N_("Ajouter à un lot DEEE"),
    apply=_apply,
    undo=_undo,
    parameter_label=N_("Lot DEEE"),
    parameter_choices=_open_batch_choices,
    roles=("admin", "technician"),
)
