"""Storage drives with their sanitization status (invariant 1: the latest attempt decides)."""

from __future__ import annotations

from collections.abc import Iterable

import marshmallow as ma
from flask import abort, url_for
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import STAFF
from refurb.api.auth import links, operation
from refurb.api.pagination import cursor_page, link_header
from refurb.api.schemas import CursorArgs, UtcDateTime, page_schema, path_id
from refurb.devices.models import Device, Drive
from refurb.web import get_or_404, translate
from refurb.wiping import queries, status

blp = Blueprint("api_drives", __name__, description="Supports de stockage")


class SanitizationSchema(ma.Schema):
    passing = ma.fields.Boolean(required=True, metadata={
        "description": "Un effacement valable (ou une destruction) est enregistré."})
    best_outcome = ma.fields.String(required=True, allow_none=True)
    must_destroy = ma.fields.Boolean(required=True)
    validated = ma.fields.Boolean(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)


class DriveSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    device_id = ma.fields.Integer(required=True, allow_none=True)
    asset_tag = ma.fields.String(required=True, allow_none=True)
    model = ma.fields.String(required=True)
    serial = ma.fields.String(required=True, allow_none=True)
    capacity_bytes = ma.fields.Integer(required=True, allow_none=True)
    kind = ma.fields.String(required=True)
    power_on_hours = ma.fields.Integer(required=True, allow_none=True)
    smart_passed = ma.fields.Boolean(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    sanitization = ma.fields.Nested(SanitizationSchema, required=True)
    web_url = ma.fields.String(required=True)


DrivePage = page_schema(DriveSchema, "DrivePage")


class DriveListArgs(CursorArgs):
    where = ma.fields.String(validate=validate.OneOf(["removed", "installed"]), metadata={
        "description": "removed : sortis de leur appareil ; installed : dans un appareil."})


def drive_rows(drives: Iterable[Drive], *, new: bool = False) -> list[dict]:
    """Drives as the API shows them, statuses read in one query (none for drives just
    created: they have no record yet)."""
    drives = list(drives)
    by_drive = ({d.id: status.status_of(()) for d in drives} if new
                else status.statuses(drives))
    return [_row(d, by_drive[d.id]) for d in drives]


def drive_answer_status() -> dict:
    """The sanitization part of a drive just created (no record yet)."""
    return _sanitization(status.status_of(()))


def _sanitization(st) -> dict:  # noqa: ANN001
    return {
        "passing": st.passing,
        "best_outcome": st.best_outcome.value if st.best_outcome else None,
        "must_destroy": st.must_destroy, "validated": st.validated,
        "reasons": [translate(r) for r in st.reasons],
    }


def _row(drive: Drive, st) -> dict:  # noqa: ANN001
    return {
        "id": drive.id, "device_id": drive.device_id, "asset_tag": drive.asset_tag,
        "model": drive.model, "serial": drive.serial, "capacity_bytes": drive.capacity_bytes,
        "kind": drive.kind, "power_on_hours": drive.power_on_hours,
        "smart_passed": drive.smart_passed, "created_at": drive.created_at,
        "sanitization": _sanitization(st),
        "web_url": url_for("wiping.show_drive", drive_id=drive.id, _external=True),
    }


@blp.route("/drives")
@operation(scopes=("read",), roles=STAFF)
@blp.arguments(DriveListArgs, location="query")
@blp.response(200, DrivePage)
@blp.doc(**links(200, GetDrive=("get_drive", {"drive_id": "$response.body#/items/0/id"})))
def list_drives(args):
    """Supports de stockage, les plus récents d’abord"""
    page = cursor_page(queries.list_drives_query(args.get("where")), Drive.id, args)
    page["items"] = drive_rows(page["items"])
    return page, 200, link_header(page)


@blp.route(f"/drives/{path_id('drive_id')}")
@operation(scopes=("read", "station"), roles=STAFF)
@blp.response(200, DriveSchema)
def get_drive(drive_id: int):
    """Un support et l’état de son effacement"""
    drive = queries.get_drive(drive_id) or abort(404)
    return drive_rows([drive])[0]


@blp.route(f"/devices/{path_id('device_id')}/drives")
@operation(scopes=("read", "station"), roles=STAFF)
@blp.response(200, DriveSchema(many=True))
def device_drives(device_id: int):
    """Les supports d’un appareil"""
    device = get_or_404(Device, device_id)
    return drive_rows(device.drives)
