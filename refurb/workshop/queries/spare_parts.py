"""Spare parts catalogue and its stock ledger."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from refurb.extensions import db
from refurb.workshop.models import SparePart, SparePartMovement


def list_spare_parts_query(category: str | None = None, text: str | None = None) -> Select:
    query = select(SparePart).order_by(SparePart.category, SparePart.name)
    if category:
        query = query.where(SparePart.category == category)
    if text:
        needle = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(SparePart.name).like(needle),
                                func.lower(SparePart.compatibility).like(needle)))
    return query


def ledger_query(part_id: int) -> Select:
    return (
        select(SparePartMovement)
        .options(selectinload(SparePartMovement.device), selectinload(SparePartMovement.actor))
        .where(SparePartMovement.part_id == part_id)
        .order_by(SparePartMovement.id.desc())
    )


def spare_part_choices(in_stock_only: bool = False) -> list[tuple[int, str]]:
    query = select(SparePart).order_by(SparePart.category, SparePart.name)
    if in_stock_only:
        query = query.where(SparePart.quantity > 0)
    return [(p.id, f"{p.name} ({p.quantity} en stock)") for p in db.session.scalars(query)]


def harvested_from(device_id: int) -> list[SparePartMovement]:
    return list(db.session.scalars(
        select(SparePartMovement).options(selectinload(SparePartMovement.part))
        .where(SparePartMovement.device_id == device_id, SparePartMovement.kind == "harvest")
        .order_by(SparePartMovement.id)))
