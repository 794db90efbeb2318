"""The workshop panel of a device: everything the floor knows about it, ready to show."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from refurb.core.lifecycle import State
from refurb.core.profiles import ProfileMatch
from refurb.core.qa import ChecklistItem, CheckResult, missing_checks
from refurb.core.workshop import DIAGNOSABLE, IN_WORKSHOP, REPAIRABLE
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.workshop.models import (
    Diagnosis,
    QARun,
    SoftwareInstall,
    SparePartMovement,
    StockLocation,
    WorkOrder,
)
from refurb.workshop.queries.part_needs import NeedLine, open_needs_of
from refurb.workshop.queries.profiles import profile_matches
from refurb.workshop.queries.qa import checklist_for, current_qa_run, run_results
from refurb.workshop.queries.software import latest_software
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
    run = current_qa_run(device)
    results = run_results(run)
    rows = checklist_for(device.device_type)
    software = latest_software(device.id)
    work_orders = work_orders_of(device.id)
    return DevicePanel(
        device=device,
        can_edit=can_edit,
        location=db.session.get(StockLocation, device.location_id)
        if device.location_id and state in IN_WORKSHOP else None,
        diagnosis=latest_diagnosis(device.id),
        work_orders=work_orders,
        software=software,
        qa_run=run,
        qa_lines=[QALine(r.check_id, r.item, results.get(r.item.code)) for r in rows],
        qa_missing=missing_checks([r.item for r in rows], results),
        profiles=profile_matches(device, software),
        harvested=harvested_from(device.id),
        part_needs=open_needs_of(device.id),
        can_diagnose=can_edit and state in DIAGNOSABLE,
        can_repair=can_edit and state in REPAIRABLE,
        can_harvest=can_edit and state == State.PARTS,
        total_minutes=sum(w.minutes for w in work_orders),
    )
