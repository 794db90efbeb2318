"""The workshop panel of a device: everything the floor knows about it, ready to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import Select, and_, bindparam, exists, func, literal, or_, select, true

from refurb.core.lifecycle import State
from refurb.core.part_needs import OPEN
from refurb.core.profiles import ProfileMatch
from refurb.core.qa import ChecklistItem, CheckResult, missing_checks
from refurb.core.workshop import DIAGNOSABLE, IN_WORKSHOP, REPAIRABLE
from refurb.devices.models import Device, DeviceEvent
from refurb.extensions import db
from refurb.workshop.models import (
    Diagnosis,
    PartNeed,
    QACheck,
    QAResult,
    QARun,
    SoftwareInstall,
    SparePartMovement,
    StockLocation,
    WorkOrder,
)
from refurb.workshop.queries.part_needs import NeedLine, open_needs_of
from refurb.workshop.queries.profiles import profile_matches
from refurb.workshop.queries.qa import checklist_for
from refurb.workshop.queries.spare_parts import harvested_from
from refurb.workshop.queries.work_orders import work_orders_of
from refurb.workshops.context import current_workshop_id
from refurb.workshops.scoping import own_rows


@dataclass(frozen=True)
class QALine:
    check_id: int
    item: ChecklistItem
    result: CheckResult | None


# What the panel shows of the latest records, read as plain rows (the page displays them; ORM
# objects cost more to load than the statement costs to run).
@dataclass(frozen=True)
class PlacedAt:
    code: str
    name: str


@dataclass(frozen=True)
class LatestDiagnosis:
    id: int
    power_on: str
    faults: list[str]
    fault_notes: str
    decision: str
    created_at: datetime


@dataclass(frozen=True)
class LatestSoftware:
    id: int
    os_name: str
    os_version: str
    office: str
    other_software: str
    licence_key: str | None
    created_at: datetime

    # The model's own readings of these columns, not a copy of them.
    software = SoftwareInstall.software
    masked_key = SoftwareInstall.masked_key


@dataclass(frozen=True)
class LatestQARun:
    id: int
    recorded_at: datetime


@dataclass
class DevicePanel:
    device: Device
    can_edit: bool
    location: PlacedAt | None = None
    diagnosis: LatestDiagnosis | None = None
    work_orders: list[WorkOrder] = field(default_factory=list)
    software: LatestSoftware | None = None
    qa_run: LatestQARun | None = None
    qa_lines: list[QALine] = field(default_factory=list)
    qa_missing: tuple[str, ...] = ()
    profiles: list[ProfileMatch] = field(default_factory=list)
    harvested: list[SparePartMovement] = field(default_factory=list)
    part_needs: list[NeedLine] = field(default_factory=list)
    can_diagnose: bool = False
    can_repair: bool = False
    can_harvest: bool = False
    total_minutes: int = 0


def latest_diagnosis(device_id: int) -> Diagnosis | None:
    return db.session.scalar(select(Diagnosis).where(Diagnosis.device_id == device_id)
                             .order_by(Diagnosis.id.desc()).limit(1))


def device_panel(device: Device, can_edit: bool) -> DevicePanel:
    state = State(device.state)
    latest = _latest_records(device)
    rows = checklist_for(device.device_type)
    results = latest.qa_results
    work_orders = work_orders_of(device.id) if latest.has_work_orders else []
    return DevicePanel(
        device=device,
        can_edit=can_edit,
        location=latest.location if state in IN_WORKSHOP else None,
        diagnosis=latest.diagnosis,
        work_orders=work_orders,
        software=latest.software,
        qa_run=latest.qa_run,
        qa_lines=[QALine(r.check_id, r.item, results.get(r.item.code)) for r in rows],
        qa_missing=missing_checks([r.item for r in rows], results),
        profiles=profile_matches(device, latest.software),
        harvested=harvested_from(device.id) if latest.has_harvest else [],
        part_needs=open_needs_of(device.id) if latest.has_needs else [],
        can_diagnose=can_edit and state in DIAGNOSABLE,
        can_repair=can_edit and state in REPAIRABLE,
        can_harvest=can_edit and state == State.PARTS,
        total_minutes=sum(w.minutes for w in work_orders),
    )


@dataclass(frozen=True)
class _Latest:
    location: PlacedAt | None
    diagnosis: LatestDiagnosis | None
    software: LatestSoftware | None
    qa_run: LatestQARun | None
    qa_results: dict[str, CheckResult]
    has_work_orders: bool
    has_harvest: bool
    has_needs: bool


_DIAGNOSIS = ("id", "power_on", "faults", "fault_notes", "decision", "created_at")
_SOFTWARE = ("id", "os_name", "os_version", "office", "other_software", "licence_key",
             "created_at")
_QA_RUN = ("id", "recorded_at")


def _latest_records(device: Device) -> _Latest:
    """The location, latest diagnosis, latest software install, current QA run and whether the
    device has work orders, harvested parts or awaited parts, in one statement (most machines
    have few of them, and each separate lookup costs as much as the bare page); the QA run's
    results in a second one when there is a run. The QA run is the latest one since the
    device last entered diagnosis, as refurb.workshop.queries.qa.current_qa_run reads it.

    Core statements built once, run on the session's connection: no ORM objects to build, and
    the workshop is filtered explicitly (the ORM's scoping does not see Core statements; on
    PostgreSQL row-level security filters too)."""
    workshop_id = current_workshop_id()
    scoped = workshop_id is not None
    params = {"device_id": device.id, "location_id": device.location_id,
              "workshop_id": workshop_id}
    db.session.flush()  # what this unit of work changed, as the ORM's autoflush would
    connection = db.session.connection()
    row = connection.execute(_latest_records_statement(scoped), params).one()
    location = PlacedAt(row.location_code, row.location_name) \
        if row.location_code is not None else None
    diagnosis = _record(LatestDiagnosis, row, "diagnosis", _DIAGNOSIS)
    software = _record(LatestSoftware, row, "software", _SOFTWARE)
    run = _record(LatestQARun, row, "run", _QA_RUN)
    results = {}
    if run is not None:
        results = {code: CheckResult(passed, value) for code, passed, value in connection.execute(
            _qa_results_statement(scoped), {"run_id": run.id, "workshop_id": workshop_id})}
    return _Latest(location, diagnosis, software, run, results, bool(row.has_work_orders),
                   bool(row.has_harvest), bool(row.has_needs))


def _record(kind: type, row, prefix: str, names: tuple[str, ...]):  # noqa: ANN001
    values = [getattr(row, f"{prefix}_{name}") for name in names]
    return None if values[0] is None else kind(*values)


def _shared_or_own(table, scoped: bool):  # noqa: ANN001
    return or_(table.c.workshop_id.is_(None), own_rows(table, scoped)) if scoped else true()


@cache
def _latest_records_statement(scoped: bool) -> Select:
    """Built once per kind of scope: building it (subqueries) cost more than running it."""
    device_id = bindparam("device_id")
    diagnoses, installs, runs = Diagnosis.__table__, SoftwareInstall.__table__, QARun.__table__
    events, locations = DeviceEvent.__table__, StockLocation.__table__
    orders, movements, needs = WorkOrder.__table__, SparePartMovement.__table__, PartNeed.__table__
    latest_diagnosis = (select(func.max(diagnoses.c.id))
                        .where(diagnoses.c.device_id == device_id, own_rows(diagnoses, scoped))
                        .scalar_subquery())
    latest_software = (select(func.max(installs.c.id))
                       .where(installs.c.device_id == device_id, own_rows(installs, scoped))
                       .scalar_subquery())
    entered = (
        select(func.max(events.c.occurred_at))
        .where(events.c.device_id == device_id, events.c.kind == "transition",
               events.c.to_state == State.DIAGNOSIS.value, own_rows(events, scoped))
        .scalar_subquery()
    )
    latest_run = (select(func.max(runs.c.id))
                  .where(runs.c.device_id == device_id, own_rows(runs, scoped),
                         or_(entered.is_(None), runs.c.recorded_at >= entered))
                  .scalar_subquery())
    diagnosis, software, run = diagnoses.alias("d"), installs.alias("s"), runs.alias("r")
    location = locations.alias("l")
    columns = [
        *(diagnosis.c[name].label(f"diagnosis_{name}") for name in _DIAGNOSIS),
        *(software.c[name].label(f"software_{name}") for name in _SOFTWARE),
        *(run.c[name].label(f"run_{name}") for name in _QA_RUN),
        location.c.code.label("location_code"), location.c.name.label("location_name"),
        exists().where(orders.c.device_id == device_id, own_rows(orders, scoped))
        .label("has_work_orders"),
        exists().where(movements.c.device_id == device_id, movements.c.kind == "harvest",
                       own_rows(movements, scoped)).label("has_harvest"),
        exists().where(needs.c.device_id == device_id, needs.c.status == OPEN,
                       own_rows(needs, scoped)).label("has_needs"),
    ]
    return (
        select(*columns)
        .select_from(select(literal(1).label("one")).subquery())
        .outerjoin(diagnosis, diagnosis.c.id == latest_diagnosis)
        .outerjoin(software, software.c.id == latest_software)
        .outerjoin(run, run.c.id == latest_run)
        .outerjoin(location, and_(location.c.id == bindparam("location_id"),
                                  own_rows(location, scoped)))
    )


@cache
def _qa_results_statement(scoped: bool) -> Select:
    """A run's results by check code, in the order they were recorded."""
    results, checks = QAResult.__table__, QACheck.__table__
    return (select(checks.c.code, results.c.passed, results.c.value)
            .join_from(results, checks, checks.c.id == results.c.check_id)
            .where(results.c.run_id == bindparam("run_id"), own_rows(results, scoped),
                   _shared_or_own(checks, scoped))
            .order_by(results.c.id))
