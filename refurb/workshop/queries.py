"""Read side of the workshop: the ready stock, parts, locations, the device panel, batches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from refurb.accounts.access import WORKSHOP
from refurb.accounts.models import User
from refurb.core.lifecycle import State
from refurb.core.profiles import GB, Profile, ProfileMatch, match_profiles, software_key
from refurb.core.qa import ChecklistItem, CheckResult, missing_checks
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.workshop import services
from refurb.workshop.models import (
    BatchScanItem,
    BatchScanSession,
    BuildProfile,
    Diagnosis,
    Part,
    PartMovement,
    QARun,
    SoftwareInstall,
    StockLocation,
    WorkOrder,
)

S = State
# The states a machine can be in while it stands in the workshop, for the counts table.
COUNTED_STATES = (S.RECEIVED, S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RESERVED, S.PARTS,
                  S.TO_DISPOSE)


# ------------------------------------------------------------------------------- stock

@dataclass(frozen=True)
class StockFilters:
    state: str = S.READY.value
    device_type: str | None = None
    grade: str | None = None
    min_ram_gb: int | None = None
    min_storage_gb: int | None = None
    profile_id: int | None = None


def _latest_install_ids() -> Select:
    return select(func.max(SoftwareInstall.id)).group_by(SoftwareInstall.device_id)


def _profile_conditions(profile: BuildProfile) -> list:
    """The SQL mirror of refurb.core.profiles.match_profile (a test keeps both in step)."""
    conditions = []
    if profile.device_types:
        conditions.append(Device.device_type.in_(profile.device_types))
    if profile.min_ram_mib:
        conditions.append(Device.ram_mib >= profile.min_ram_mib)
    if profile.storage_kinds or profile.min_storage_gb:
        drive = [Drive.device_id == Device.id]
        if profile.storage_kinds:
            drive.append(Drive.kind.in_(profile.storage_kinds))
        if profile.min_storage_gb:
            drive.append(Drive.capacity_bytes >= profile.min_storage_gb * GB)
        conditions.append(exists().where(*drive))
    if profile.os_names or profile.software:
        install = [SoftwareInstall.device_id == Device.id,
                   SoftwareInstall.id.in_(_latest_install_ids())]
        if profile.os_names:
            install.append(SoftwareInstall.os_name.in_(profile.os_names))
        for name in profile.software:
            install.append(SoftwareInstall.software_keys.contains(f"|{software_key(name)}|",
                                                                  autoescape=True))
        conditions.append(exists().where(*install))
    return conditions


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
        conditions = _profile_conditions(profile) if profile else [Device.id.is_(None)]
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


def locations_by_id(ids: Iterable[int | None]) -> dict[int, StockLocation]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {loc.id: loc for loc in db.session.scalars(
        select(StockLocation).where(StockLocation.id.in_(wanted)))}


def latest_software_by_device(device_ids: Iterable[int]) -> dict[int, SoftwareInstall]:
    wanted = set(device_ids)
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(SoftwareInstall).where(
            SoftwareInstall.id.in_(_latest_install_ids().where(
                SoftwareInstall.device_id.in_(wanted)))))
    return {row.device_id: row for row in rows}


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
        facts = services.machine_facts(d, software.get(d.id))
        met = tuple(m.profile.name for m in match_profiles(profiles, facts) if m.matches)
        # A machine that left the workshop still carries its last shelf: do not show it.
        location = locations.get(d.location_id) if State(d.state) in services.IN_WORKSHOP else None
        rows.append(StockRow(d, location, software.get(d.id), met))
    return rows


# ------------------------------------------------------------------------------- parts

def list_parts_query(category: str | None = None, text: str | None = None) -> Select:
    query = select(Part).order_by(Part.category, Part.name)
    if category:
        query = query.where(Part.category == category)
    if text:
        needle = f"%{text.strip().lower()}%"
        query = query.where(or_(func.lower(Part.name).like(needle),
                                func.lower(Part.compatibility).like(needle)))
    return query


def part_ledger_query(part_id: int) -> Select:
    return (
        select(PartMovement)
        .options(selectinload(PartMovement.device), selectinload(PartMovement.actor))
        .where(PartMovement.part_id == part_id)
        .order_by(PartMovement.id.desc())
    )


def part_choices(in_stock_only: bool = False) -> list[tuple[int, str]]:
    query = select(Part).order_by(Part.category, Part.name)
    if in_stock_only:
        query = query.where(Part.quantity > 0)
    return [(p.id, f"{p.name} ({p.quantity} en stock)") for p in db.session.scalars(query)]


def workshop_users() -> list[tuple[int, str]]:
    users = db.session.scalars(
        select(User).where(User.role.in_([str(r) for r in WORKSHOP]), User.active)
        .order_by(User.display_name))
    return [(u.id, u.display_name) for u in users]


# ------------------------------------------------------------------------------- locations

def list_locations_query(include_inactive: bool = False) -> Select:
    query = select(StockLocation).order_by(StockLocation.code)
    if not include_inactive:
        query = query.where(StockLocation.active)
    return query


def _in_workshop():
    return Device.state.in_([s.value for s in services.IN_WORKSHOP])


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


# ------------------------------------------------------------------------------- device panel

@dataclass(frozen=True)
class QALine:
    check_id: int
    item: ChecklistItem
    result: CheckResult | None


@dataclass
class DevicePanel:
    device: Device
    can_edit: bool
    location: StockLocation | None = None
    diagnosis: Diagnosis | None = None
    work_orders: list[WorkOrder] = field(default_factory=list)
    software: SoftwareInstall | None = None
    qa_run: QARun | None = None
    qa_lines: list[QALine] = field(default_factory=list)
    qa_missing: tuple[str, ...] = ()
    profiles: list[ProfileMatch] = field(default_factory=list)
    harvested: list[PartMovement] = field(default_factory=list)
    can_diagnose: bool = False
    can_repair: bool = False
    can_harvest: bool = False
    total_minutes: int = 0


def device_panel(device: Device, can_edit: bool) -> DevicePanel:
    state = State(device.state)
    run = services.current_qa_run(device)
    results = services.run_results(run)
    rows = services.checklist_for(device.device_type)
    software = services.latest_software(device.id)
    work_orders = list(db.session.scalars(
        select(WorkOrder)
        .options(selectinload(WorkOrder.parts_used).selectinload(PartMovement.part),
                 selectinload(WorkOrder.technician))
        .where(WorkOrder.device_id == device.id).order_by(WorkOrder.id.desc())))
    return DevicePanel(
        device=device,
        can_edit=can_edit,
        location=db.session.get(StockLocation, device.location_id)
        if device.location_id and state in services.IN_WORKSHOP else None,
        diagnosis=db.session.scalar(select(Diagnosis).where(Diagnosis.device_id == device.id)
                                    .order_by(Diagnosis.id.desc()).limit(1)),
        work_orders=work_orders,
        software=software,
        qa_run=run,
        qa_lines=[QALine(r.check_id, r.item, results.get(r.item.code)) for r in rows],
        qa_missing=missing_checks([r.item for r in rows], results),
        profiles=match_profiles(
            [services.to_core_profile(p) for p in services.active_profiles()],
            services.machine_facts(device, software)),
        harvested=list(db.session.scalars(
            select(PartMovement).options(selectinload(PartMovement.part))
            .where(PartMovement.device_id == device.id, PartMovement.kind == "harvest")
            .order_by(PartMovement.id))),
        can_diagnose=can_edit and state in (S.RECEIVED, S.RETURNED, S.DIAGNOSIS),
        can_repair=can_edit and state in services.REPAIRABLE,
        can_harvest=can_edit and state == S.PARTS,
        total_minutes=sum(w.minutes for w in work_orders),
    )


def software_history(device_id: int) -> list[SoftwareInstall]:
    return list(db.session.scalars(
        select(SoftwareInstall).where(SoftwareInstall.device_id == device_id)
        .order_by(SoftwareInstall.id.desc())))


# ------------------------------------------------------------------------------- batches

def batch_items(batch_id: int, limit: int = 500) -> list[BatchScanItem]:
    return list(db.session.scalars(
        select(BatchScanItem).where(BatchScanItem.session_id == batch_id)
        .order_by(BatchScanItem.id.desc()).limit(limit)))


def open_batches(actor_id: int | None) -> list[BatchScanSession]:
    return list(db.session.scalars(
        select(BatchScanSession)
        .where(BatchScanSession.actor_id == actor_id, BatchScanSession.closed_at.is_(None))
        .order_by(BatchScanSession.id.desc()).limit(10)))


def list_profiles(include_inactive: bool = True) -> list[BuildProfile]:
    query = select(BuildProfile).order_by(BuildProfile.name)
    if not include_inactive:
        query = query.where(BuildProfile.active)
    return list(db.session.scalars(query))
