"""Hardware reports (dmidecode text, `lshw -json`, `smartctl --json` or text) → a device and
its drives.

The reports are read by the same parsers as the bench form, carried through the same
re-check (refurb.intake.hardware_reports: what the form's hidden field goes through) and
registered under the same rules as the bench's use case (refurb.intake.bench.register_device:
collection open for intake, one serial per donor, estimated weight, the same device, event
and drive rows from the lifecycle service): a report sent by a station gives exactly the
device the bench page would have given (tests/api/test_resources.py compares them). Stations
send many reports at once, so this path does all its reading, checking and building before
its write transaction and writes with one statement per table: on SQLite the write lock,
which every writer of every worker waits for, is held for the inserts and the commit only.

A report for a device already tagged (a machine labelled from a donor's asset list) adds the
drives the device does not have yet, through the wiping domain's `add_drive`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

import marshmallow as ma
from flask import abort, current_app, url_for
from flask_smorest import Blueprint
from marshmallow import validate
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from refurb.accounts.access import WORKSHOP
from refurb.api.auth import caller_id, label_prefix, links, operation
from refurb.api.collections import MAX_DEVICE_KG
from refurb.api.devices import DEVICE_LINKS, TYPES, DeviceSchema
from refurb.api.drives import DriveSchema, drive_answer_status, drive_rows
from refurb.api.schemas import Text, path_id
from refurb.core.errors import InvalidInput
from refurb.core.hardware import DRIVE_KINDS, DriveReport, HardwareReport, clean, report_to_json
from refurb.core.i18n import N_
from refurb.database import READ, intent, write_after_reads
from refurb.devices.models import Device
from refurb.devices.services import (
    DRIVE_COLUMNS,
    DeviceRows,
    NewDevice,
    WrittenDevice,
    device_rows,
    record_event,
    write_device_rows,
)
from refurb.extensions import db
from refurb.intake import hardware_reports, queries
from refurb.intake.collections import ensure_intake_open
from refurb.intake.csv_rows import serial_key
from refurb.intake.models import Collection
from refurb.intake.weights import weight_overrides
from refurb.web import get_or_404, now, translate
from refurb.wiping.drives import NewDrive, add_drive
from refurb.workshops.context import require_workshop_id
from refurb.workshops.scoping import in_scope

blp = Blueprint("api_hardware", __name__, description="Rapports matériels (dmidecode, lshw, "
                                                       "smartctl)")

MAX_REPORTS = 40  # dmidecode + lshw + one smartctl per drive, with room
MAX_REPORT_CHARS = 4 * 1024 * 1024
# The bench form's bounds (refurb.intake.forms.ReportConfirmForm): columns refuse more.
MAX_RAM_MIB = 1 << 24
MAX_RAM_SLOTS = 256
EVENT_KIND = "hardware_report"
EVENT_KINDS = {EVENT_KIND: N_("Rapport matériel reçu")}
NO_TYPE = N_("Type d’appareil introuvable dans les rapports (pas de châssis lu) : précisez "
             "device_type.")
ALREADY_THERE = N_("déjà enregistré sur cet appareil")
# The bench's message (refurb.intake.bench.register_device): the same rule, the same words.
TWIN = N_("N° de série %(serial)s déjà enregistré pour ce donateur : %(tag)s.")
NO_SERIAL = N_("sans n° de série et l’appareil a déjà des supports : ajoutez-le depuis la page "
               "de l’appareil s’il manque")


class ReportsSchema(ma.Schema):
    reports = ma.fields.List(
        ma.fields.String(validate=validate.Length(max=MAX_REPORT_CHARS)), required=True,
        validate=validate.Length(min=1, max=MAX_REPORTS),
        metadata={"description": "Sorties brutes : `dmidecode`, `lshw -json`, "
                                 "`smartctl --json -a /dev/…` (ou texte), une par élément."})


class NewReportSchema(ReportsSchema):
    device_type = ma.fields.String(load_default=None, allow_none=True,
                                   validate=validate.OneOf(TYPES), metadata={
                                       "description": "Quand le châssis ne le dit pas."})
    legal_status = ma.fields.String(load_default="reuse",
                                    validate=validate.OneOf(["reuse", "waste"]))
    weight_kg = ma.fields.Decimal(load_default=None, allow_none=True, places=2,
                                  validate=validate.Range(min=0.01, max=MAX_DEVICE_KG))
    condition_notes = Text(load_default="", validate=validate.Length(max=2000))


class RefusedDriveSchema(ma.Schema):
    model = ma.fields.String(required=True, allow_none=True)
    serial = ma.fields.String(required=True, allow_none=True)
    reason = ma.fields.String(required=True)


class ReportAnswerSchema(ma.Schema):
    device = ma.fields.Nested(DeviceSchema, required=True)
    drives = ma.fields.List(ma.fields.Nested(DriveSchema), required=True, metadata={
        "description": "Les supports de l’appareil après ce rapport."})
    added_drives = ma.fields.Integer(required=True)
    refused_drives = ma.fields.List(ma.fields.Nested(RefusedDriveSchema), required=True)
    warnings = ma.fields.List(ma.fields.String(), required=True)


def _read(texts: list[str]) -> tuple[HardwareReport, hardware_reports.CarriedReport]:
    """The reports read, and what the bench form carries to its confirmation (as JSON),
    re-checked as it is there."""
    found = hardware_reports.read_reports(texts)
    return found, hardware_reports.carried_report(
        json.dumps(report_to_json(found), ensure_ascii=False))


def _bounded(value: int | None, maximum: int) -> int | None:
    return value if value is not None and 0 <= value <= maximum else None


def _new_device(found: HardwareReport, values: dict) -> NewDevice:
    device_type = values["device_type"] or found.device_type
    if not device_type:
        raise InvalidInput(NO_TYPE)
    return NewDevice(
        device_type=device_type, make=(found.manufacturer or "")[:120],
        model=(found.model or "")[:120], serial=(found.serial or "")[:120] or None,
        legal_status=values["legal_status"], weight_kg=values["weight_kg"],
        condition_notes=values["condition_notes"], cpu=(found.cpu or "")[:200],
        ram_mib=_bounded(found.ram_mib, MAX_RAM_MIB),
        ram_slots_used=_bounded(found.ram_slots_used, MAX_RAM_SLOTS),
        chassis=(found.chassis or "")[:60],
    )


def _answer(device: Device, *, added: int, refused: list[dict], warnings: list[str],
            new: bool = False) -> dict:
    return {"device": device, "drives": drive_rows(device.drives, new=new),
            "added_drives": added,
            "refused_drives": refused, "warnings": [translate(w) for w in warnings]}


@blp.route(f"/collections/{path_id('collection_id')}/hardware-reports", methods=["POST"])
@operation(scopes=("write", "station"), roles=WORKSHOP, idempotent=True)
@blp.arguments(NewReportSchema)
@blp.response(201, ReportAnswerSchema)
@blp.doc(**links(201, **{name: (target, {"device_id": "$response.body#/device/id"})
                         for name, (target, _) in DEVICE_LINKS.items()}))
def report_new_device(values, collection_id: int):
    """Enregistrer une machine d’une collecte à partir de ses rapports matériels (comme la
    lecture de rapports du banc) : l’appareil et ses supports de stockage"""
    # Everything is read, checked and built before the write transaction (on SQLite: the
    # write lock, one writer at a time), which then holds only the inserts and the commit.
    found, carried = _read(values["reports"])
    values = _new_device(found, values)
    serial = clean(values.serial) if values.serial else None  # "--", "N/A"… are no serial
    values = replace(values, serial=serial)
    at = now()
    with intent(READ):
        collection = _collection(collection_id)
        ensure_intake_open(collection)
        rows = device_rows(
            values, actor_id=caller_id(), now=at, collection_id=collection.id,
            collection_number=collection.number,
            # Only a machine not weighed needs the estimates (a settings read).
            weight_overrides=(weight_overrides([values.device_type])
                              if values.weight_kg is None else None),
            extra_details={"source": "hardware_report", "report": carried.details},
            drives=[_drive_values(drive, at) for drive in carried.drives])
    status = drive_answer_status()
    answer = _NEW_ANSWER.dump({
        "device": SimpleNamespace(**rows.device, id=0, grade=None),
        "drives": [_new_drive(drive, status) for drive in rows.drives],
        "added_drives": len(rows.drives), "refused_drives": [],
        "warnings": [translate(w) for w in carried.warnings]})
    device_url, drive_url, api_url = (_link("devices.show", "device_id", True),
                                      _link("wiping.show_drive", "drive_id", True),
                                      _link("api_devices.get_device", "device_id"))
    write_after_reads()
    written = _write(rows, collection.donor_id, serial)
    device = answer["device"]
    device.update(id=written.id, asset_tag=written.asset_tag, web_url=device_url(written.id))
    _fill_drive_ids(answer["drives"], written, drive_url)
    response = current_app.json.response(answer)
    response.status_code = 201
    response.headers["ETag"] = f'"v{device["version"]}"'
    response.headers["Location"] = api_url(written.id)
    return response


_NEW_ANSWER = ReportAnswerSchema()
_DEVICES, _COLLECTIONS = Device.__table__, Collection.__table__
_COLLECTION_COLUMNS = ("id", "number", "donor_id", "state", "workshop_id")
_TWIN_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


_COLLECTION = select(*(_COLLECTIONS.c[name] for name in _COLLECTION_COLUMNS)).where(
    _COLLECTIONS.c.id == bindparam("id"), _COLLECTIONS.c.workshop_id == bindparam("workshop_id"))


def _collection(collection_id: int) -> Collection:
    """The collection (404 outside the caller's workshop), read as the few columns intake
    needs rather than loaded whole by the ORM (ten times the CPU), then placed in the
    session as a loaded row: what looks it up there later (the tallies, for its donor) does
    not read it again under the write lock."""
    present = db.session.identity_map.get(identity_key(Collection, collection_id))
    if present is not None and in_scope(present):
        return present
    row = db.session.connection().execute(_COLLECTION, {
        "id": collection_id, "workshop_id": require_workshop_id()}).first()
    if row is None:
        abort(404)
    collection = Collection(**row._mapping)
    make_transient_to_detached(collection)  # its values count as read from the database
    db.session.add(collection)
    return collection


def _drive_values(drive: DriveReport, at: datetime) -> dict:
    """The Drive columns of a drive read in a report (as the bench's confirmation saves it)."""
    serial = clean(drive.serial)
    return {"model": (drive.model or "")[:120], "serial": serial[:120] if serial else None,
            "capacity_bytes": drive.capacity_bytes,
            "kind": drive.kind if drive.kind in DRIVE_KINDS else "other",
            "power_on_hours": drive.power_on_hours, "smart_passed": drive.smart_passed,
            "created_at": at}


def _new_drive(values: dict, status: dict) -> dict:
    """A drive about to be written, as the answer shows it (its id filled in after)."""
    return {"id": 0, "device_id": 0, "asset_tag": None, **values, "sanitization": status,
            "web_url": ""}


_MARK = 8_388_607_123_456_789  # an id no row has, replaced in the link built with it


def _link(endpoint: str, name: str, external: bool = False) -> Callable[[int], str]:
    """url_for(endpoint, name=…) for an id known later: built now, outside the write lock."""
    before, _, after = url_for(endpoint, **{name: _MARK}, _external=external).partition(
        str(_MARK))
    return lambda value: f"{before}{value}{after}"


def _fill_drive_ids(answered: list[dict], written: WrittenDevice,
                    link: Callable[[int], str]) -> None:
    """The ids of the drives written, matched by their values (RETURNING gives the rows in
    no set order; two drives with the same values are interchangeable)."""
    fields = DRIVE_COLUMNS[1:]
    waiting: dict[tuple, list[dict]] = {}
    for drive in answered:
        waiting.setdefault(tuple(drive[f] for f in fields), []).append(drive)
    for row in written.drives:
        drive = waiting[tuple(row[1:])].pop()
        drive.update(id=row[0], device_id=written.id, web_url=link(row[0]))
    answered.sort(key=lambda drive: drive["id"])


# refurb.intake.queries.donor_serial_query as statements built once, the workshop named (run
# on the connection, outside the ORM's scoping: they run under the write lock).
_TWIN_ROWS = (
    _DEVICES.join(_COLLECTIONS, _DEVICES.c.collection_id == _COLLECTIONS.c.id),
    (_COLLECTIONS.c.workshop_id == bindparam("twin_workshop_id"),
     _DEVICES.c.workshop_id == bindparam("twin_workshop_id"),
     _COLLECTIONS.c.donor_id == bindparam("twin_donor_id"),
     queries.serial_key_column == bindparam("twin_key")),
)
_TWIN = select(_DEVICES.c.asset_tag).select_from(_TWIN_ROWS[0]).where(*_TWIN_ROWS[1]).limit(1)
_TWIN_EXISTS = (select(_DEVICES.c.id).select_from(_TWIN_ROWS[0]).where(*_TWIN_ROWS[1])
                .correlate(None).exists())


def _write(rows: DeviceRows, donor_id: int, serial: str | None) -> WrittenDevice:
    """The bench's rule (refurb.intake.bench.register_device), one serial per donor, checked
    by the INSERT itself under the write lock (PostgreSQL: under a lock on that serial, taken
    first), where no other report of the same machine can come between check and insert."""
    if not serial:
        return write_device_rows(rows, prefix=label_prefix())
    twin = {"twin_workshop_id": require_workshop_id(), "twin_donor_id": donor_id,
            "twin_key": serial_key(serial)}
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_TWIN_LOCK, {"key": f"donor-serial:{donor_id}:{twin['twin_key']}"})
    written = write_device_rows(rows, prefix=label_prefix(), unless=_TWIN_EXISTS,
                                unless_values=twin)
    if written is None:
        tag = connection.execute(_TWIN, twin).scalar()
        raise InvalidInput(TWIN, serial=serial, tag=tag)
    return written


@blp.route(f"/devices/{path_id('device_id')}/hardware-reports", methods=["POST"])
@operation(scopes=("write", "station"), roles=WORKSHOP, idempotent=True)
@blp.arguments(ReportsSchema)
@blp.response(200, ReportAnswerSchema)
def report_known_device(values, device_id: int):
    """Ajouter les rapports d’une machine déjà étiquetée : ses supports manquants sont
    ajoutés, le rapport entre dans l’historique"""
    found, carried = _read(values["reports"])
    device = get_or_404(Device, device_id)
    known = {clean(d.serial).casefold() for d in device.drives if clean(d.serial)}
    had_drives = bool(device.drives)
    added, refused = 0, []
    for drive in carried.drives:
        serial = clean(drive.serial)
        reason = (ALREADY_THERE if serial and serial.casefold() in known
                  else NO_SERIAL if not serial and had_drives else None)
        if reason:
            refused.append({"model": drive.model, "serial": serial, "reason": translate(reason)})
            continue
        add_drive(device, NewDrive(model=drive.model or "", serial=serial,
                                   capacity_bytes=drive.capacity_bytes or None,
                                   kind=drive.kind or "other"),
                  actor_id=caller_id(), now=now())
        known.add((serial or "").casefold())
        added += 1
    record_event(device, EVENT_KIND, actor_id=caller_id(), now=now(),
                 details={"report": carried.details})
    return _answer(device, added=added, refused=refused, warnings=carried.warnings)
