"""Read side of aftercare: the requests list, a device's panel data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, case, exists, literal, or_, select
from sqlalchemy.orm import aliased

from refurb.aftercare.models import SupportRequest
from refurb.allocations.models import Allocation, ReservationItem
from refurb.extensions import db


def requests_query():
    still_open = case((SupportRequest.status == "closed", 1), else_=0)
    return select(SupportRequest).order_by(still_open, SupportRequest.id.desc())


@dataclass(frozen=True)
class Holder:
    """What the device page says of the allocation holding a machine (and its warranty)."""

    id: int
    number: str
    programme_id: int | None
    warranty_months: int | None
    handed_over_at: datetime


def holder_and_requests(device_id: int) -> tuple[Holder | None, list[SupportRequest]]:
    """The allocation holding the device (as aftercare.support.holding_allocation finds it)
    and its support requests: one statement for most machines. Columns, not the allocation:
    loading one brings its reservation and every item of it."""
    row = db.session.execute(_holder_statement(), {"device_id": device_id}).one()
    return (Holder(*row[:5]) if row[0] is not None else None,
            requests_for_device(device_id) if row[5] else [])


@cache
def _holder_statement():
    """Built once: building it cost as much as running it."""
    device_id = bindparam("device_id")
    holder_id = (
        select(Allocation.id)
        .join(ReservationItem, ReservationItem.reservation_id == Allocation.reservation_id)
        .where(ReservationItem.device_id == device_id, ReservationItem.active.is_(True))
        .limit(1).scalar_subquery())
    holder = aliased(Allocation)
    asked = exists().where(or_(SupportRequest.device_id == device_id,
                               SupportRequest.replacement_device_id == device_id))
    return (select(holder.id, holder.number, holder.programme_id, holder.warranty_months,
                   holder.handed_over_at, asked)
            .select_from(select(literal(1).label("one")).subquery())
            .outerjoin(holder, holder.id == holder_id))


def requests_for_device(device_id: int) -> list[SupportRequest]:
    return list(db.session.scalars(select(SupportRequest).where(
        (SupportRequest.device_id == device_id)
        | (SupportRequest.replacement_device_id == device_id)).order_by(SupportRequest.id)))
