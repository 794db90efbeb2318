"""Stock locations: lookups by scanned code, lists, and what stands on each shelf."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, select

from refurb.core.workshop import IN_WORKSHOP, parse_location_code
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.workshop.models import StockLocation


def get_location_by_code(text: str) -> StockLocation | None:
    code = parse_location_code(text)
    if code is None:
        return None
    return db.session.scalar(select(StockLocation).where(StockLocation.code == code))


def list_locations_query(include_inactive: bool = False) -> Select:
    query = select(StockLocation).order_by(StockLocation.code)
    if not include_inactive:
        query = query.where(StockLocation.active)
    return query


def location_choices() -> list[tuple[str, str]]:
    """Locations in use, as (id, "LOC-0001 — Étagère A") choices."""
    rows = db.session.scalars(list_locations_query())
    return [(str(loc.id), f"{loc.code} — {loc.name}") for loc in rows]


def locations_by_id(ids: Iterable[int | None]) -> dict[int, StockLocation]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {loc.id: loc for loc in db.session.scalars(
        select(StockLocation).where(StockLocation.id.in_(wanted)))}


def _in_workshop():
    return Device.state.in_([s.value for s in IN_WORKSHOP])


def devices_at_query(location_id: int) -> Select:
    """What stands on a shelf now: machines that left keep their last location_id."""
    return (select(Device).where(Device.location_id == location_id, _in_workshop())
            .order_by(Device.device_type, Device.id.desc()))


def device_counts_by_location(location_ids: Iterable[int]) -> dict[int, int]:
    wanted = set(location_ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        select(Device.location_id, func.count())
        .where(Device.location_id.in_(wanted), _in_workshop())
        .group_by(Device.location_id))
    return dict(rows.all())
