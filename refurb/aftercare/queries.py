"""Read side of aftercare: the requests list, a device's panel data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import and_, bindparam, case, exists, literal, or_, select

from refurb.aftercare.models import SupportRequest
from refurb.allocations.models import Allocation, ReservationItem
from refurb.extensions import db
from refurb.workshops.scoping import own_rows


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
    loading one brings its reservation and every item of it. A Core statement on the
    session's connection (the ORM's per-statement work cost more than the lookups), the
    workshop filtered explicitly as the ORM's scoping would."""
    from refurb.workshops.context import current_workshop_id

    workshop_id = current_workshop_id()
    db.session.flush()  # as the ORM's autoflush would
    row = db.session.connection().execute(
        _holder_statement(workshop_id is not None),
        {"device_id": device_id, "workshop_id": workshop_id}).one()
    return (Holder(*row[:5]) if row[0] is not None else None,
            requests_for_device(device_id) if row[5] else [])


@cache
def _holder_statement(scoped: bool):
    """Built once per kind of scope: building it cost as much as running it."""
    device_id = bindparam("device_id")
    allocations, items = Allocation.__table__, ReservationItem.__table__
    requests = SupportRequest.__table__
    holder_id = (
        select(allocations.c.id)
        .join_from(allocations, items, items.c.reservation_id == allocations.c.reservation_id)
        .where(items.c.device_id == device_id, items.c.active.is_(True), own_rows(items, scoped),
               own_rows(allocations, scoped))
        .limit(1).scalar_subquery())
    holder = allocations.alias("holder")
    # The replacement machine has no index of its own: the workshop's index narrows the
    # requests here (after-sales requests are few).
    asked = exists().where(or_(requests.c.device_id == device_id,
                               requests.c.replacement_device_id == device_id),
                           *([requests.c.workshop_id == bindparam("workshop_id")] if scoped
                             else []))
    return (select(holder.c.id, holder.c.number, holder.c.programme_id,
                   holder.c.warranty_months, holder.c.handed_over_at, asked.label("asked"))
            .select_from(select(literal(1).label("one")).subquery())
            .outerjoin(holder, and_(holder.c.id == holder_id, own_rows(holder, scoped))))


def requests_for_device(device_id: int) -> list[SupportRequest]:
    return list(db.session.scalars(select(SupportRequest).where(
        (SupportRequest.device_id == device_id)
        | (SupportRequest.replacement_device_id == device_id)).order_by(SupportRequest.id)))
