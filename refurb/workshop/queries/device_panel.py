"""The workshop panel of a device: everything the floor knows about it, ready to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, selectinload

from refurb.core.lifecycle import State
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
from refurb.workshop.queries.part_needs import NeedLine, is_open, open_needs_of
from refurb.workshop.queries.profiles import profile_matches
from refurb.workshop.queries.qa import checklist_for, run_results
from refurb.workshop.queries.spare_parts import harvested_from
from refurb.workshop.queries.work_orders import work_orders_of


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
    diagnosis, software, run, has_work_orders, has_harvest, has_needs = _latest_records(device)
    results = run_results(run)
    rows = checklist_for(device.device_type)
    work_orders = work_orders_of(device.id) if has_work_orders else []
    return DevicePanel(
        device=device,
        can_edit=can_edit,
        location=db.session.get(StockLocation, device.location_id)
        if device.location_id and state in IN_WORKSHOP else None,
        diagnosis=diagnosis,
        work_orders=work_orders,
        software=software,
        qa_run=run,
        qa_lines=[QALine(r.check_id, r.item, results.get(r.item.code)) for r in rows],
        qa_missing=missing_checks([r.item for r in rows], results),
        profiles=profile_matches(device, software),
        harvested=harvested_from(device.id) if has_harvest else [],
        part_needs=open_needs_of(device.id) if has_needs else [],
        can_diagnose=can_edit and state in DIAGNOSABLE,
        can_repair=can_edit and state in REPAIRABLE,
        can_harvest=can_edit and state == State.PARTS,
        total_minutes=sum(w.minutes for w in work_orders),
    )


def _latest_records(device: Device):
    """(latest diagnosis, latest software install, current QA run, has work orders, has
    harvested parts, waits for a part) in one statement: most machines have few of them, and each separate
    lookup costs as much as the bare page. The QA run is the latest one since the device last
    entered diagnosis, as refurb.workshop.queries.qa.current_qa_run reads it."""
    row = db.session.execute(_latest_records_statement(), {"device_id": device.id}).one()
    return row[0], row[1], row[2], bool(row[3]), bool(row[4]), bool(row[5])


@cache
def _latest_records_statement():
    """Built once: building it (aliases, subqueries) cost more than running it."""
    device_id = bindparam("device_id")
    latest_diagnosis = (select(func.max(Diagnosis.id)).where(Diagnosis.device_id == device_id)
                        .scalar_subquery())
    latest_software = (select(func.max(SoftwareInstall.id))
                       .where(SoftwareInstall.device_id == device_id).scalar_subquery())
    entered = (
        select(func.max(DeviceEvent.occurred_at))
        .where(DeviceEvent.device_id == device_id, DeviceEvent.kind == "transition",
               DeviceEvent.to_state == State.DIAGNOSIS.value)
        .scalar_subquery()
    )
    latest_run = (select(func.max(QARun.id))
                  .where(QARun.device_id == device_id,
                         or_(entered.is_(None), QARun.recorded_at >= entered))
                  .scalar_subquery())
    diagnosis, software, run = (aliased(Diagnosis), aliased(SoftwareInstall), aliased(QARun))
    return (
        select(diagnosis, software, run,
               exists().where(WorkOrder.device_id == device_id),
               exists().where(SparePartMovement.device_id == device_id,
                              SparePartMovement.kind == "harvest"),
               exists().where(PartNeed.device_id == device_id, is_open()))
        .select_from(select(literal(1).label("one")).subquery())
        .outerjoin(diagnosis, diagnosis.id == latest_diagnosis)
        .outerjoin(software, software.id == latest_software)
        .outerjoin(run, run.id == latest_run)
        # A run's results come with their checks in one more statement, the checks' rules
        # only if something reads them.
        .options(selectinload(run.results).joinedload(QAResult.check)
                 .lazyload(QACheck.rules))
    )
