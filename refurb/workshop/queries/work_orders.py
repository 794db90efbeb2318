"""Work orders of a device and who may be named on one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from refurb.accounts.access import WORKSHOP
from refurb.accounts.models import User
from refurb.extensions import db
from refurb.workshop.models import SparePartMovement, WorkOrder


def work_orders_of(device_id: int) -> list[WorkOrder]:
    """With their technician and the parts used: two statements however many there are."""
    return list(db.session.scalars(
        select(WorkOrder)
        .options(selectinload(WorkOrder.spare_parts_used).joinedload(SparePartMovement.part),
                 joinedload(WorkOrder.technician))
        .where(WorkOrder.device_id == device_id).order_by(WorkOrder.id.desc())).unique())


def technician_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(
        select(User).where(User.role.in_([str(r) for r in WORKSHOP]), User.active)
        .order_by(User.display_name))
    return [(u.id, u.display_name) for u in users]
