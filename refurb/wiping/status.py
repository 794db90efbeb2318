"""Sanitization status of drives (invariant 1): a drive leaves the workshop only with a
passing record, the latest attempt deciding (refurb.core.sanitization.drive_status). This is
also the fact the lifecycle guards read, and what other domains (WEEE) ask of a drive."""

from __future__ import annotations

from collections.abc import Iterable

from refurb.core.lifecycle import LEAVING_STATES, TRANSITIONS, State
from refurb.core.sanitization import (
    DriveSanitizationStatus,
    Outcome,
    RecordFacts,
    Result,
    Technique,
    drive_status,
    label_fr,
)
from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.wiping import queries
from refurb.wiping.models import WipeRecord
from refurb.workshops.context import network_wide


def record_facts(record: WipeRecord) -> RecordFacts:
    return RecordFacts(
        technique=Technique(record.technique),
        outcome=Outcome(record.outcome) if record.outcome else None,
        result=Result(record.result),
        error_count=record.error_count,
        verification_passed=record.verification_passed,
        finished_at=record.finished_at,
        validated=record.validation is not None,
    )


def status_of(records: Iterable[WipeRecord]) -> DriveSanitizationStatus:
    return drive_status(record_facts(r) for r in records)


def statuses(drives: Iterable[Drive], *, across_workshops: bool = False
             ) -> dict[int, DriveSanitizationStatus]:
    """Sanitization status of each drive, in one query. `across_workshops`: for the guards,
    count the records written at a workshop that transferred the drive here (records stay
    with their writer); the drives were reached through the current workshop."""
    drives = list(drives)
    if across_workshops:
        db.session.flush()  # pending rows take the current workshop before the scope widens
        with network_wide():
            grouped = queries.records_by_drive(d.id for d in drives)
    else:
        grouped = queries.records_by_drive(d.id for d in drives)
    return {d.id: status_of(grouped.get(d.id, ())) for d in drives}


def drive_label(drive: Drive) -> str:
    """How a person finds the drive: model, serial, own tag when it has one."""
    name = drive.model or label_fr(drive.kind)
    serial = f"S/N {drive.serial}" if drive.serial else "sans n° de série"
    tag = f", {drive.asset_tag}" if drive.asset_tag else ""
    return f"{name} ({serial}{tag})"


def blocking_line(drive: Drive, status: DriveSanitizationStatus) -> str:
    return f"{drive_label(drive)} : {' ; '.join(status.reasons) or 'aucun effacement valable'}"


def unsanitized_lines_for_drives(drives: Iterable[Drive]) -> tuple[str, ...]:
    """One French line per drive lacking a passing record (model, serial, why)."""
    drives = list(drives)
    if not drives:
        return ()
    by_drive = statuses(drives, across_workshops=True)
    return tuple(blocking_line(d, by_drive[d.id]) for d in drives if not by_drive[d.id].passing)


def unsanitized_drive_lines(device: Device) -> tuple[str, ...]:
    """The guard's facts for `device` (drives it holds now; removed ones are on their own)."""
    return unsanitized_lines_for_drives(device.drives)


def drive_is_sanitized(drive: Drive) -> bool:
    """For other domains (WEEE): a removed drive leaves only with a passing record too."""
    return statuses([drive], across_workshops=True)[drive.id].passing


def sanitization_facts(device: Device) -> dict:
    """Lifecycle fact provider (registered in refurb.wiring)."""
    # Only leaving states are guarded: skip the query when none is one step away.
    if not TRANSITIONS[State(device.state)] & LEAVING_STATES:
        return {}
    return {"unsanitized_drives": unsanitized_drive_lines(device)}
