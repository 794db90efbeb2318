"""Hardware reports (dmidecode text, `lshw -json`, `smartctl --json` or text) → a device and
its drives.

The reports are read by the same parsers as the bench form, carried through the same
re-check (refurb.intake.hardware_reports: what the form's hidden field goes through) and
registered by the same use case (refurb.intake.bench.register_device): a report sent by a
station gives exactly the device the bench page would have given.

A report for a device already tagged (a machine labelled from a donor's asset list) adds the
drives the device does not have yet, through the wiping domain's `add_drive`.
"""

from __future__ import annotations

import json

import marshmallow as ma
from flask_smorest import Blueprint
from marshmallow import validate
from sqlalchemy.orm import lazyload

from refurb.accounts.access import WORKSHOP
from refurb.api.auth import caller_id, label_prefix, links, operation
from refurb.api.collections import MAX_DEVICE_KG
from refurb.api.devices import DEVICE_LINKS, TYPES, DeviceSchema, device_headers
from refurb.api.drives import DriveSchema, drive_rows
from refurb.api.schemas import Text, path_id
from refurb.core.errors import InvalidInput
from refurb.core.hardware import HardwareReport, clean, report_to_json
from refurb.core.i18n import N_
from refurb.devices.models import Device
from refurb.devices.services import NewDevice, record_event
from refurb.intake import bench, hardware_reports
from refurb.intake.models import Collection
from refurb.web import get_or_404, now, translate
from refurb.wiping.drives import NewDrive, add_drive

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
    # Parse before the first query opens the transaction (SQLite's write lock).
    found, carried = _read(values["reports"])
    collection = get_or_404(Collection, collection_id, lazyload(Collection.donor))
    device = bench.register_device(
        collection, _new_device(found, values), actor_id=caller_id(), now=now(),
        prefix=label_prefix(), drives=carried.drives, report=carried.details)
    answer = _answer(device, added=len(carried.drives), refused=[], new=True,
                     warnings=carried.warnings)
    return answer, 201, device_headers(device)


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
