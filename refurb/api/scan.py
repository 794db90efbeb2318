"""The scan box for programs: what a scanned tag names (a device, a removed drive, or what
another domain resolves, such as a shelf), or devices whose serial, make or model match."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import STAFF
from refurb.api.auth import operation
from refurb.api.devices import DeviceSchema
from refurb.api.drives import DriveSchema, drive_rows
from refurb.api.schemas import Text
from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import NotFound
from refurb.core.i18n import N_
from refurb.devices import queries
from refurb.extension_points import scan_resolvers

blp = Blueprint("api_scan", __name__, description="Scan d’un numéro d’inventaire")

MAX_MATCHES = 20


class ScanArgs(ma.Schema):
    q = Text(required=True, validate=validate.Length(min=1, max=120),
             metadata={"description": "Numéro d’inventaire scanné, ou texte à chercher."})


class ScanSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(
        ["device", "drive", "other", "search"]))
    device = ma.fields.Nested(DeviceSchema, required=True, allow_none=True)
    drive = ma.fields.Nested(DriveSchema, required=True, allow_none=True)
    web_url = ma.fields.String(required=True, allow_none=True)
    matches = ma.fields.List(ma.fields.Nested(DeviceSchema), required=True)


@blp.route("/scan")
@operation(scopes=("read", "station"), roles=STAFF)
@blp.arguments(ScanArgs, location="query")
@blp.response(200, ScanSchema)
def scan(args):
    """Ce que nomme un numéro scanné (404 s’il a la forme d’un numéro mais n’existe pas)"""
    text = args["q"]
    answer = {"kind": "other", "device": None, "drive": None, "web_url": None, "matches": []}
    device = queries.get_device_by_tag(text)
    if device is not None:
        return {**answer, "kind": "device", "device": device,
                "web_url": url_for("devices.show", device_id=device.id, _external=True)}
    drive = queries.get_drive_by_tag(text)
    if drive is not None:
        row = drive_rows([drive])[0]
        return {**answer, "kind": "drive", "drive": row, "web_url": row["web_url"]}
    for resolver in scan_resolvers:
        url = resolver(text)
        if url:
            return {**answer, "web_url": url}
    if parse_tag(text) is not None:
        raise NotFound(N_("Numéro d'inventaire inconnu : %(tag)s"), tag=normalise_scan(text))
    found = queries.search_devices(text, 1, MAX_MATCHES)
    return {**answer, "kind": "search", "matches": found.items}
