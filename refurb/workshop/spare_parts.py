"""Spare parts: the catalogue and its stock, changed only through the ledger (received,
harvested from a machine sent to parts, used in a work order, corrected after a count).

Not to be confused with a household's tax parts (beneficiaries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.workshop import positive_quantity, state_name
from refurb.devices.models import Device
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.workshop.models import SPARE_PART_CATEGORIES, SparePart, SparePartMovement, WorkOrder


def create_spare_part(category: str, name: str, compatibility: str = "", *, quantity: int = 0,
                      actor_id: int | None, now: datetime) -> SparePart:
    name = (name or "").strip()
    if category not in SPARE_PART_CATEGORIES:
        raise InvalidInput(N_("Catégorie de pièce inconnue : %(category)s"), category=category)
    if not name:
        raise InvalidInput(N_("Donnez un nom à la pièce (ex. « DDR3 SO-DIMM 4 Go »)."))
    exists = db.session.scalar(select(SparePart.id).where(SparePart.category == category,
                                                          SparePart.name == name))
    if exists:
        raise InvalidInput(N_("La pièce « %(name)s » existe déjà dans cette catégorie."),
                           name=name)
    part = SparePart(category=category, name=name, compatibility=(compatibility or "").strip(),
                     quantity=0, created_at=now, updated_at=now)
    db.session.add(part)
    db.session.flush()
    if quantity:
        receive_spare_parts(part, quantity, "Stock initial", actor_id=actor_id, now=now)
    return part


def _change_stock(part: SparePart, delta: int, now: datetime) -> int:
    """One atomic statement: a decrement only happens while enough stock is left, so two
    technicians taking the last unit at once cannot both succeed (row lock on PostgreSQL,
    write lock on SQLite). Returns the quantity after the change."""
    statement = (
        update(SparePart)
        .where(SparePart.id == part.id)
        .values(quantity=SparePart.quantity + delta, updated_at=now)
        .returning(SparePart.quantity)
        .execution_options(synchronize_session=False)
    )
    if delta < 0:
        statement = statement.where(SparePart.quantity >= -delta)
    after = db.session.execute(statement).scalar_one_or_none()
    db.session.refresh(part)
    if after is None:
        raise DomainError(
            N_("Stock insuffisant : %(part)s (%(stock)s en stock, %(wanted)s demandé(s))."),
            part=part.name, stock=part.quantity, wanted=-delta)
    return after


def record_movement(part: SparePart, kind: str, delta: int, *, actor_id: int | None,
                    now: datetime, device: Device | None = None,
                    work_order: WorkOrder | None = None, note: str = "") -> SparePartMovement:
    """Change the stock and write its ledger row (the only way a quantity changes)."""
    after = _change_stock(part, delta, now)
    movement = SparePartMovement(part_id=part.id, kind=kind, delta=delta, quantity_after=after,
                                 device_id=device.id if device else None,
                                 work_order_id=work_order.id if work_order else None,
                                 actor_id=actor_id, occurred_at=now, note=(note or "").strip())
    db.session.add(movement)
    db.session.flush()
    return movement


def receive_spare_parts(part: SparePart, quantity: int, note: str = "", *,
                        actor_id: int | None, now: datetime) -> SparePartMovement:
    return record_movement(part, "receive", positive_quantity(quantity), actor_id=actor_id,
                           now=now, note=note)


def adjust_stock(part: SparePart, delta: Any, note: str, *, actor_id: int | None,
                 now: datetime) -> SparePartMovement:
    """Inventory correction after a count: signed, and always explained."""
    try:
        delta = int(delta)
    except (TypeError, ValueError):
        raise InvalidInput(N_("La correction doit être un nombre entier (ex. -2).")) from None
    if delta == 0:
        raise InvalidInput(N_("Une correction de 0 ne change rien."))
    if not (note or "").strip():
        raise InvalidInput(N_("Indiquez la raison de la correction d'inventaire."))
    return record_movement(part, "adjust", delta, actor_id=actor_id, now=now, note=note)


def harvest_spare_part(device: Device, part: SparePart, quantity: int, note: str = "", *,
                       actor_id: int | None, now: datetime) -> SparePartMovement:
    """Take a part out of a machine sent to `parts`: the stock rises, linked to its source."""
    quantity = positive_quantity(quantity)
    if device.state != State.PARTS:
        raise DomainError(
            N_("%(tag)s n'est pas en « %(state)s » : on ne prélève que sur un appareil destiné "
               "aux pièces."), tag=device.asset_tag, state=state_name(State.PARTS))
    if part.category == "drive":
        # Invariant 1: a drive leaving its host is tracked on its own until sanitized.
        raise DomainError(
            N_("Un disque retiré d'un appareil se suit à part (étiquette, effacement) : "
               "enregistrez le retrait depuis l'effacement des données."))
    movement = record_movement(part, "harvest", quantity, actor_id=actor_id, now=now,
                               device=device, note=note)
    record_event(device, "part_harvested", actor_id=actor_id, now=now,
                 details={"part": part.name, "quantity": quantity,
                          "movement_id": movement.id})
    return movement
