"""Machines waiting for a part: a technician records the need (from the diagnosis or a work
order), notes when it was ordered, and the need ends when the part is fitted (by hand, or by
the work order that uses it) or cancelled with a reason. Each step is written in the device's
history through the lifecycle service; the machine's state does not change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from refurb.clock import local_date
from refurb.core import part_needs as rules
from refurb.core.errors import DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.workshop import REPAIRABLE, state_name
from refurb.devices.models import Device
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.workshop.models import SPARE_PART_CATEGORIES, PartNeed, SparePart, WorkOrder

NEEDED, ORDERED, FITTED, CANCELLED = ("part_needed", "part_ordered", "part_need_fitted",
                                      "part_need_cancelled")


def _details(need: PartNeed, **more) -> dict:
    details = {"part_need_id": need.id, "part": need.label, "quantity": need.quantity}
    return {**details, **{key: value for key, value in more.items() if value}}


def record_part_need(device: Device, *, part_id: int | None, category: str | None,
                     description: str, quantity: int, ordered_on: date | None,
                     actor_id: int | None, now: datetime) -> PartNeed:
    """The part a machine waits for: a stock reference when one fits (its kind comes with
    it), else a kind and a description."""
    if State(device.state) not in REPAIRABLE:
        raise DomainError(N_("%(tag)s : pas de pièce à attendre dans l'état « %(state)s »."),
                          tag=device.asset_tag, state=state_name(device.state))
    part = db.session.get(SparePart, part_id) if part_id else None
    if part_id and part is None:
        raise InvalidInput(N_("Pièce inconnue : rechargez la page."))
    description, quantity = rules.checked_need(
        referenced=part is not None, description=description, quantity=quantity,
        ordered_on=ordered_on, today=local_date(now))
    category = part.category if part else category
    if category not in SPARE_PART_CATEGORIES:
        raise InvalidInput(N_("Choisissez le type de pièce."))
    need = PartNeed(device_id=device.id, part_id=part.id if part else None, part=part,
                    category=category, description=description, quantity=quantity,
                    ordered_on=ordered_on, status=rules.OPEN, created_by_id=actor_id,
                    created_at=now, close_note="")
    db.session.add(need)
    db.session.flush()
    record_event(device, NEEDED, actor_id=actor_id, now=now,
                 details=_details(need, ordered_on=ordered_on.isoformat() if ordered_on else ""))
    return need


def _open_need(need_id: int) -> tuple[PartNeed, Device]:
    need = db.session.scalar(select(PartNeed).options(selectinload(PartNeed.part))
                             .where(PartNeed.id == need_id)
                             .execution_options(populate_existing=True))
    if need is None:
        raise InvalidInput(N_("Pièce attendue introuvable : rechargez la page."))
    rules.check_open(need.status)
    return need, db.session.get(Device, need.device_id)


def mark_ordered(need_id: int, ordered_on: date | None, *, actor_id: int | None,
                 now: datetime) -> PartNeed:
    if ordered_on is None:
        raise InvalidInput(N_("Indiquez la date de commande."))
    need, device = _open_need(need_id)
    rules.check_ordered_on(ordered_on, local_date(now))
    need.ordered_on = ordered_on
    db.session.flush()
    record_event(device, ORDERED, actor_id=actor_id, now=now,
                 details=_details(need, ordered_on=ordered_on.isoformat()))
    return need


def _close(need: PartNeed, device: Device, status: str, note: str, *, actor_id: int | None,
           now: datetime, work_order: WorkOrder | None = None) -> PartNeed:
    need.status, need.close_note = status, note
    need.closed_at, need.closed_by_id = now, actor_id
    need.work_order_id = work_order.id if work_order else None
    db.session.flush()
    kind = FITTED if status == rules.FITTED else CANCELLED
    record_event(device, kind, actor_id=actor_id, now=now, reason=note,
                 details=_details(need, work_order_id=work_order.id if work_order else None))
    return need


def mark_fitted(need_id: int, *, actor_id: int | None, now: datetime) -> PartNeed:
    """The part came (ordered for this machine) and is in it: the machine waits no more."""
    need, device = _open_need(need_id)
    return _close(need, device, rules.FITTED, "", actor_id=actor_id, now=now)


def cancel_need(need_id: int, reason: str, *, actor_id: int | None, now: datetime) -> PartNeed:
    reason = rules.cancel_reason(reason)
    need, device = _open_need(need_id)
    return _close(need, device, rules.CANCELLED, reason, actor_id=actor_id, now=now)


def fitted_by_work_order(device: Device, order: WorkOrder, part_ids: Iterable[int], *,
                         actor_id: int | None, now: datetime) -> list[PartNeed]:
    """A work order taking from stock a part the machine waited for ends that wait."""
    part_ids = list(part_ids)
    if not part_ids:
        return []
    needs = list(db.session.scalars(
        select(PartNeed).options(selectinload(PartNeed.part))
        .where(PartNeed.device_id == device.id, PartNeed.status == rules.OPEN,
               PartNeed.part_id.in_(part_ids)).order_by(PartNeed.id)))
    for need in needs:
        _close(need, device, rules.FITTED, "", actor_id=actor_id, now=now, work_order=order)
    return needs
