"""Work orders: what was done on a machine, by whom, in how long, with which spare parts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refurb.concurrency import flush_or_conflict
from refurb.core.errors import DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.profiles import format_ram
from refurb.core.workshop import REPAIRABLE, changed_elsewhere, positive_quantity, state_name
from refurb.devices.models import Device
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.workshop.models import SparePart, WorkOrder
from refurb.workshop.part_needs import fitted_by_work_order
from refurb.workshop.spare_parts import record_movement


@dataclass(frozen=True)
class SparePartUse:
    part_id: int
    quantity: int


def _checked_minutes(minutes: Any) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise InvalidInput(N_("Temps passé : un nombre de minutes.")) from None
    if not 0 <= minutes <= 24 * 60:
        raise InvalidInput(N_("Temps passé : entre 0 et 1440 minutes."))
    return minutes


def _wanted(parts: Iterable[SparePartUse]) -> dict[int, int]:
    """Quantity per part: the same part on two lines counts once."""
    wanted: dict[int, int] = {}
    for use in parts:
        wanted[use.part_id] = wanted.get(use.part_id, 0) + positive_quantity(use.quantity)
    return wanted


def _use_spare_parts(order: WorkOrder, device: Device, wanted: dict[int, int], *,
                     actor_id: int | None, now: datetime) -> list[str]:
    """Take the parts out of stock; returns "name × n" lines for the history."""
    used = []
    for part_id, quantity in wanted.items():
        part = db.session.get(SparePart, part_id)
        if part is None:
            raise InvalidInput(N_("Pièce inconnue : rechargez la page."))
        record_movement(part, "use", -quantity, actor_id=actor_id, now=now, device=device,
                        work_order=order)
        used.append(f"{part.name} × {quantity}")
    return used


def record_work_order(
    device: Device,
    *,
    actions: str,
    minutes: int,
    technician_id: int | None,
    parts: Iterable[SparePartUse] = (),
    ram_mib_after: int | None = None,
    actor_id: int | None,
    now: datetime,
) -> WorkOrder:
    actions = (actions or "").strip()
    if not actions:
        raise InvalidInput(N_("Décrivez ce qui a été fait."))
    minutes = _checked_minutes(minutes)
    if State(device.state) not in REPAIRABLE:
        raise DomainError(N_("%(tag)s : pas de bon de travail dans l'état « %(state)s »."),
                          tag=device.asset_tag, state=state_name(device.state))
    wanted = _wanted(parts)
    order = WorkOrder(device_id=device.id, technician_id=technician_id or actor_id,
                      actions=actions, minutes=minutes, recorded_by_id=actor_id,
                      created_at=now)
    db.session.add(order)
    db.session.flush()
    used = _use_spare_parts(order, device, wanted, actor_id=actor_id, now=now)
    details: dict[str, Any] = {"work_order_id": order.id, "minutes": order.minutes,
                               "actions": actions}
    if used:
        details["parts"] = used
    if ram_mib_after is not None and ram_mib_after != device.ram_mib:
        before = format_ram(device.ram_mib) if device.ram_mib else "?"
        details["ram"] = f"{before} → {format_ram(ram_mib_after)}"
        device.ram_mib = ram_mib_after
        device.updated_at = now
        flush_or_conflict(changed_elsewhere(device.asset_tag))
    record_event(device, "work_order", actor_id=actor_id, now=now, details=details)
    fitted_by_work_order(device, order, wanted, actor_id=actor_id, now=now)
    return order
