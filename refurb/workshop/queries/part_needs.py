"""Machines waiting for parts: the open needs, and what the stock says about each, in a fixed
number of queries whatever the number of machines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from refurb.core import part_needs as rules
from refurb.core.errors import Message
from refurb.core.i18n import N_
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.workshop.models import PartNeed, SparePart

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class NeedLine:
    need: PartNeed
    availability: str | None  # core.part_needs.AVAILABLE, KIND_IN_STOCK or None

    @property
    def availability_label(self) -> str:
        return rules.AVAILABILITY_LABELS[self.availability] if self.availability else ""


@dataclass(frozen=True)
class WaitingDevice:
    device: Device
    since: datetime
    needs: list[NeedLine]

    @property
    def any_available(self) -> bool:
        return any(line.availability == rules.AVAILABLE for line in self.needs)


def is_open():
    return PartNeed.status == rules.OPEN


def _needs_with_stock() -> Select:
    """Each need with its part, the part's stock and the stock of its kind."""
    same_kind = aliased(SparePart)
    kind_stock = (select(func.coalesce(func.sum(same_kind.quantity), 0))
                  .where(same_kind.category == PartNeed.category)
                  .correlate(PartNeed).scalar_subquery())
    return (select(PartNeed, SparePart, kind_stock)
            .outerjoin(SparePart, SparePart.id == PartNeed.part_id)
            .order_by(PartNeed.created_at, PartNeed.id))


def _lines(rows) -> list[NeedLine]:
    lines = []
    for need, part, kind_stock in rows:
        set_committed_value(need, "part", part)  # joined: the template reads it for free
        lines.append(NeedLine(need, rules.availability(
            quantity=need.quantity, part_stock=part.quantity if part else None,
            kind_stock=int(kind_stock or 0))))
    return lines


def open_needs_of(device_id: int) -> list[NeedLine]:
    return _lines(db.session.execute(
        _needs_with_stock().where(PartNeed.device_id == device_id, is_open())))


def waiting_devices_query() -> Select:
    """Devices with an open need, the longest waiting first."""
    since = (select(PartNeed.device_id, func.min(PartNeed.created_at).label("since"))
             .where(is_open()).group_by(PartNeed.device_id).subquery())
    return (select(Device).join(since, since.c.device_id == Device.id)
            .order_by(since.c.since, Device.id))


def waiting_devices(devices: list[Device]) -> list[WaitingDevice]:
    """The page's devices with their open needs, in one query."""
    by_device: dict[int, list[NeedLine]] = {d.id: [] for d in devices}
    if devices:
        rows = db.session.execute(_needs_with_stock().where(
            PartNeed.device_id.in_(list(by_device)), is_open()))
        for line in _lines(rows):
            by_device[line.need.device_id].append(line)
    return [WaitingDevice(d, min(line.need.created_at for line in by_device[d.id]),
                          by_device[d.id]) for d in devices if by_device[d.id]]


def count_waiting_devices() -> int:
    return db.session.scalar(select(func.count(func.distinct(PartNeed.device_id)))
                             .where(is_open())) or 0


def preview_waiting() -> list[Message]:
    """The oldest waits, as home page lines (one query)."""
    rows = db.session.execute(
        select(Device.asset_tag, PartNeed.description, SparePart.name, PartNeed.quantity)
        .join(Device, Device.id == PartNeed.device_id)
        .outerjoin(SparePart, SparePart.id == PartNeed.part_id)
        .where(is_open()).order_by(PartNeed.created_at, PartNeed.id).limit(PREVIEW_ROWS))
    return [Message(N_("%(tag)s : %(part)s × %(quantity)s"),
                    {"tag": tag, "part": name or description, "quantity": quantity})
            for tag, description, name, quantity in rows]
