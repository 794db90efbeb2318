"""The ready stock (and the other workshop states): filters, rows for a page, counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, select

from refurb.core.lifecycle import State
from refurb.core.profiles import GB, Profile, match_profiles
from refurb.core.workshop import IN_WORKSHOP
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.workshop.models import BuildProfile, SoftwareInstall, StockLocation
from refurb.workshop.queries.locations import locations_by_id
from refurb.workshop.queries.profiles import machine_facts, profile_conditions
from refurb.workshop.queries.software import latest_software_by_device

S = State
# The states a machine can be in while it stands in the workshop, for the counts table.
COUNTED_STATES = (S.RECEIVED, S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RESERVED, S.PARTS,
                  S.TO_DISPOSE)


@dataclass(frozen=True)
class StockFilters:
    state: str = S.READY.value
    device_type: str | None = None
    grade: str | None = None
    min_ram_gb: int | None = None
    min_storage_gb: int | None = None
    profile_id: int | None = None


def stock_query(filters: StockFilters) -> Select:
    query = select(Device).order_by(Device.device_type, Device.id.desc())
    if filters.state:
        query = query.where(Device.state == filters.state)
    if filters.device_type:
        query = query.where(Device.device_type == filters.device_type)
    if filters.grade:
        query = query.where(Device.grade == filters.grade)
    if filters.min_ram_gb:
        query = query.where(Device.ram_mib >= filters.min_ram_gb * 1024)
    if filters.min_storage_gb:
        query = query.where(exists().where(Drive.device_id == Device.id,
                                           Drive.capacity_bytes >= filters.min_storage_gb * GB))
    if filters.profile_id:
        profile = db.session.get(BuildProfile, filters.profile_id)
        conditions = profile_conditions(profile) if profile else [Device.id.is_(None)]
        query = query.where(and_(*conditions)) if conditions else query
    return query


def counts_by_type_and_state() -> dict[str, dict[str, int]]:
    rows = db.session.execute(
        select(Device.device_type, Device.state, func.count())
        .where(Device.state.in_([s.value for s in COUNTED_STATES]))
        .group_by(Device.device_type, Device.state)
    )
    table: dict[str, dict[str, int]] = {}
    for device_type, state, count in rows:
        table.setdefault(device_type, {})[state] = count
    return table


@dataclass(frozen=True)
class StockRow:
    device: Device
    location: StockLocation | None
    software: SoftwareInstall | None
    profiles: tuple[str, ...] = ()  # names of the build profiles the machine meets


def stock_rows(devices: list[Device], profiles: Iterable[Profile] = ()) -> list[StockRow]:
    """Rows for a page of devices: two queries whatever the page size."""
    locations = locations_by_id(d.location_id for d in devices)
    software = latest_software_by_device(d.id for d in devices)
    profiles = list(profiles)
    rows = []
    for d in devices:
        facts = machine_facts(d, software.get(d.id))
        met = tuple(m.profile.name for m in match_profiles(profiles, facts) if m.matches)
        # A machine that left the workshop still carries its last shelf: do not show it.
        location = locations.get(d.location_id) if State(d.state) in IN_WORKSHOP else None
        rows.append(StockRow(d, location, software.get(d.id), met))
    return rows
