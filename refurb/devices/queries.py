"""Read side of devices: lookups for the scan box, lists and the history timeline."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.extensions import db


class PageNotFound(NotFound):
    """A page number past the end of the list."""


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: Select, page: int, per_page: int) -> Page:
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if page > 1 and (page - 1) * per_page >= (total or 0):
        raise PageNotFound()  # a page past the last one is a 404, like an unknown id
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, page, per_page, total or 0)


def get_device_by_tag(text: str) -> Device | None:
    if parse_tag(text) is None:
        return None
    return db.session.scalar(select(Device).where(Device.asset_tag == normalise_scan(text)))


def get_drive_by_tag(text: str) -> Drive | None:
    if parse_tag(text) is None:
        return None
    return db.session.scalar(select(Drive).where(Drive.asset_tag == normalise_scan(text)))


def get_devices_by_donor_number(text: str, limit: int = 2) -> list[Device]:
    """Devices whose donor's own inventory number is exactly `text` (indexed)."""
    number = text.strip()
    if not number:
        return []
    return list(db.session.scalars(
        select(Device).where(Device.donor_inventory_number == number)
        .order_by(Device.id.desc()).limit(limit)))


def search_devices_query(text: str) -> Select:
    """Serial numbers, make and model (case-insensitive on both engines); the donor's
    inventory number, exactly."""
    # Typed text is literal: "%", "_" and a trailing backslash (an error on PostgreSQL) too.
    literal = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    needle = f"%{literal}%"
    return (
        select(Device)
        .where(
            or_(
                Device.donor_inventory_number == text.strip(),
                func.lower(Device.serial).like(needle, escape="\\"),
                func.lower(Device.make).like(needle, escape="\\"),
                func.lower(Device.model).like(needle, escape="\\"),
                func.lower(Device.asset_tag).like(needle, escape="\\"),
            )
        )
        .order_by(Device.id.desc())
    )


def list_devices_query(state: str | None = None, device_type: str | None = None) -> Select:
    query = select(Device).order_by(Device.id.desc())
    if state:
        query = query.where(Device.state == state)
    if device_type:
        query = query.where(Device.device_type == device_type)
    return query


def get_history(device_id: int) -> list[DeviceEvent]:
    return list(
        db.session.scalars(
            select(DeviceEvent)
            .options(joinedload(DeviceEvent.actor))
            .where(DeviceEvent.device_id == device_id)
            .order_by(DeviceEvent.occurred_at.desc(), DeviceEvent.id.desc())
        )
    )


def count_by_state() -> dict[str, int]:
    rows = db.session.execute(select(Device.state, func.count()).group_by(Device.state))
    return {state: count for state, count in rows}
