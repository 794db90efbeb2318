"""Read side of the wiping pages: drives with their status, a device's panel, a drive's and a
record's page, the drives of a stored log. Reads only: queries, status and the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from refurb.core.nwipe import NwipeDrive, parse_nwipe_log
from refurb.core.sanitization import DriveSanitizationStatus, MediaKind, guess_kind, label_fr
from refurb.devices.models import Device, Drive
from refurb.settings import workshop
from refurb.wiping import queries
from refurb.wiping.certificates.content import evidence_lines, passing_record
from refurb.wiping.claims import verdict_of
from refurb.wiping.models import WipeLog, WipeRecord
from refurb.wiping.status import drive_label, status_of


@dataclass
class DriveRow:
    """A drive with its sanitization status, as pages show it."""

    drive: Drive
    status: DriveSanitizationStatus
    last: WipeRecord | None
    # The record a certificate would state (latest sound one at the best outcome reached).
    certified: WipeRecord | None = None

    @property
    def awaiting_validation(self) -> bool:
        return self.certified is not None and self.certified.validation is None

    @property
    def label(self) -> str:
        return drive_label(self.drive)

    @property
    def status_text(self) -> str:
        if self.status.passing:
            validated = " (validé)" if self.status.validated else ""
            return f"En règle : {label_fr(self.status.best_outcome)}{validated}"
        return "Bloquant : " + " ; ".join(self.status.reasons)


def drive_row(drive: Drive, records: list[WipeRecord]) -> DriveRow:
    status = status_of(records)
    certified = passing_record(records, status.best_outcome) if status.passing else None
    return DriveRow(drive, status, records[-1] if records else None, certified)


def drive_rows(drives: Iterable[Drive]) -> list[DriveRow]:
    drives = list(drives)
    grouped = queries.records_by_drive((d.id for d in drives), people=True)
    return [drive_row(d, grouped.get(d.id, [])) for d in drives]


def device_overview(device: Device, *, can_change: bool) -> dict:
    """Ready data for the wiping panel of the device page."""
    has_records, has_removed, has_documents = queries.device_has(device.id)
    rows = drive_rows(device.drives) if has_records else [drive_row(d, []) for d in device.drives]
    removed = drive_rows(queries.removed_from_device(device.id)) if has_removed else []
    every = rows + removed
    can_certify = can_change and bool(every) and all(r.status.passing for r in every)
    provisional = any(r.awaiting_validation for r in every)
    return {
        "device": device,
        "rows": rows,
        "removed": removed,
        "blocking": [r for r in rows if not r.status.passing],
        "awaiting": [r for r in every if r.awaiting_validation],
        "certificates": queries.certificate_versions(f"device:{device.id}")
        if has_documents else [],
        "can_change": can_change,
        "can_certify": can_certify,
        "provisional": provisional,
        "identity_gaps": workshop.missing_for("erasure_statement" if provisional
                                              else "erasure_certificate")
        if can_certify else [],
    }


def drive_overview(drive: Drive) -> dict:
    records = queries.records_by_drive([drive.id], people=True).get(drive.id, [])
    removal = queries.removals_by_drive([drive.id]).get(drive.id)
    return {
        "drive": drive,
        "row": drive_row(drive, records),
        "records": list(reversed(records)),
        "removal": removal,
    }


def record_overview(record: WipeRecord) -> dict:
    return {"record": record, "verdict": verdict_of(record), "evidence": evidence_lines(record)}


@dataclass
class LogDrive:
    """One drive of a stored log, with its record when it has one."""

    index: int
    drive: NwipeDrive
    record: WipeRecord | None
    guessed_kind: MediaKind


def log_drives(log: WipeLog) -> list[LogDrive]:
    parsed = parse_nwipe_log(log.text)
    recorded = queries.records_of_log(log.id)
    return [LogDrive(i, d, recorded.get(i), guess_kind(d)) for i, d in enumerate(parsed.drives)]
