"""Quality control: the checklist a device type gets, the current run and what it misses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import lazyload

from refurb.core.lifecycle import TRANSITIONS, State
from refurb.core.qa import ChecklistItem, CheckResult, missing_checks
from refurb.devices.models import Device, DeviceEvent
from refurb.extensions import db
from refurb.workshop.models import QACheck, QACheckRule, QAResult, QARun
from refurb.workshops import config_cache


@dataclass(frozen=True)
class ChecklistRow:
    """A check applying to one device type, with its database id."""

    check_id: int
    item: ChecklistItem


def checklist_for(device_type: str) -> list[ChecklistRow]:
    """The active checks of a device type, in order (kept per worker until the checklist
    changes: refurb.workshops.config_cache)."""
    return list(config_cache.cached("qa_checklist", device_type,
                                    lambda: _checklist(device_type)))


def _checklist(device_type: str) -> list[ChecklistRow]:
    rows = db.session.execute(
        select(QACheck, QACheckRule.mandatory)
        .join(QACheckRule, QACheckRule.check_id == QACheck.id)
        .where(QACheckRule.device_type == device_type, QACheck.active)
        .order_by(QACheck.position, QACheck.id)
        .options(lazyload(QACheck.rules))  # the rule is in the row; the others are not read
    )
    return [ChecklistRow(check.id, ChecklistItem(check.code, check.name, check.kind,
                                                 check.minimum, mandatory))
            for check, mandatory in rows]


def all_checks() -> list[QACheck]:
    """Every check, retired ones too, in checklist order (the admin grid)."""
    return list(db.session.scalars(select(QACheck).order_by(QACheck.position, QACheck.id)))


def _current_run_filter(device: Device):
    """The latest run since the device last entered diagnosis: a machine back from a loan is
    checked again, its old results do not count."""
    entered = (
        select(func.max(DeviceEvent.occurred_at))
        .where(DeviceEvent.device_id == device.id, DeviceEvent.kind == "transition",
               DeviceEvent.to_state == State.DIAGNOSIS.value)
        .scalar_subquery()
    )
    return (QARun.device_id == device.id, or_(entered.is_(None), QARun.recorded_at >= entered))


def current_qa_run(device: Device) -> QARun | None:
    """The latest run since the device last entered diagnosis (see _current_run_filter)."""
    return db.session.scalar(
        select(QARun).where(*_current_run_filter(device)).order_by(QARun.id.desc()).limit(1))


def current_results(device: Device) -> dict[str, CheckResult]:
    """run_results(current_qa_run(device)) in one statement, without loading the run."""
    run_id = select(func.max(QARun.id)).where(*_current_run_filter(device)).scalar_subquery()
    rows = db.session.execute(
        select(QACheck.code, QAResult.passed, QAResult.value)
        .join(QACheck, QACheck.id == QAResult.check_id)
        .where(QAResult.run_id == run_id).order_by(QAResult.id))
    return {code: CheckResult(passed, value) for code, passed, value in rows}


def run_results(run: QARun | None) -> dict[str, CheckResult]:
    if run is None:
        return {}
    return {r.check.code: CheckResult(r.passed, r.value) for r in run.results}


def qa_missing(device: Device) -> tuple[str, ...]:
    rows = checklist_for(device.device_type)
    if not any(row.item.mandatory for row in rows):
        return ()
    return missing_checks([row.item for row in rows], current_results(device))


def qa_facts(device: Device) -> dict[str, Any]:
    """Lifecycle facts provider (registered in wiring): what the QA guard of `ready` needs."""
    # Only READY needs these facts: skip the queries for states that cannot reach it.
    if State.READY not in TRANSITIONS[State(device.state)]:
        return {}
    return {"qa_missing": qa_missing(device)}
