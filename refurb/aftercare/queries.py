"""Read side of aftercare: the requests list, a device's panel data."""

from __future__ import annotations

from sqlalchemy import case, exists, or_, select

from refurb.aftercare.models import SupportRequest
from refurb.allocations.models import Allocation, ReservationItem
from refurb.extensions import db


def requests_query():
    still_open = case((SupportRequest.status == "closed", 1), else_=0)
    return select(SupportRequest).order_by(still_open, SupportRequest.id.desc())


def holder_and_requests(device_id: int) -> tuple[Allocation | None, list[SupportRequest]]:
    """The allocation holding the device (aftercare.support.holding_allocation) and its
    support requests: one statement for a machine that has neither (most of the stock)."""
    holder = (
        select(Allocation.id)
        .join(ReservationItem, ReservationItem.reservation_id == Allocation.reservation_id)
        .where(ReservationItem.device_id == device_id, ReservationItem.active.is_(True))
        .limit(1).scalar_subquery())
    asked = exists().where(or_(SupportRequest.device_id == device_id,
                               SupportRequest.replacement_device_id == device_id))
    holder_id, has_requests = db.session.execute(select(holder, asked)).one()
    return (db.session.get(Allocation, holder_id) if holder_id is not None else None,
            requests_for_device(device_id) if has_requests else [])


def requests_for_device(device_id: int) -> list[SupportRequest]:
    return list(db.session.scalars(select(SupportRequest).where(
        (SupportRequest.device_id == device_id)
        | (SupportRequest.replacement_device_id == device_id)).order_by(SupportRequest.id)))
