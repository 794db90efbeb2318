"""One machine entered at the bench: typed in, or read from its hardware reports (with its
drives)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from refurb.core.errors import InvalidInput
from refurb.core.hardware import DRIVE_KINDS, DriveReport
from refurb.core.hardware.placeholders import clean
from refurb.core.i18n import N_
from refurb.devices.models import Device, Drive
from refurb.devices.services import NewDevice, create_device
from refurb.intake import queries
from refurb.intake.collections import ensure_intake_open
from refurb.intake.csv_rows import serial_key
from refurb.intake.models import Collection
from refurb.intake.weights import weight_overrides


def register_device(
    collection: Collection,
    values: NewDevice,
    *,
    actor_id: int | None,
    now: datetime,
    prefix: str,
    drives: Iterable[DriveReport] = (),
    report: dict[str, Any] | None = None,
) -> Device:
    ensure_intake_open(collection)
    serial = clean(values.serial) if values.serial else None  # "--", "N/A"… are no serial
    if serial:
        twin = queries.donor_device_tag_by_serial(collection.donor_id, serial_key(serial))
        if twin is not None:
            raise InvalidInput(
                N_("N° de série %(serial)s déjà enregistré pour ce donateur : %(tag)s."),
                serial=serial, tag=twin)
    device = create_device(
        replace(values, serial=serial),
        actor_id=actor_id,
        now=now,
        prefix=prefix,
        collection_id=collection.id,
        collection_number=collection.number,
        # Only a machine not weighed needs the estimates (a settings read).
        weight_overrides=(weight_overrides([values.device_type]) if values.weight_kg is None
                          else None),
        extra_details={"source": "hardware_report", "report": report} if report else None,
        drives=[_drive_row(drive, now) for drive in drives],
    )
    return device


def _drive_row(drive: DriveReport, now: datetime) -> Drive:
    serial = clean(drive.serial)
    return Drive(
        model=(drive.model or "")[:120],
        serial=serial[:120] if serial else None,
        capacity_bytes=drive.capacity_bytes,
        kind=drive.kind if drive.kind in DRIVE_KINDS else "other",
        power_on_hours=drive.power_on_hours,
        smart_passed=drive.smart_passed,
        created_at=now,
    )
