"""Devices: the list (filters, cursor), one device with its ETag, its history, its drives; a
state change (lifecycle service, If-Match) and a note."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import validate
from sqlalchemy.orm import lazyload

from refurb.accounts.access import STAFF, WORKSHOP
from refurb.api.auth import caller_id, links, operation
from refurb.api.pagination import cursor_page, link_header
from refurb.api.problems import ApiProblem
from refurb.api.schemas import CursorArgs, Id, Text, UtcDateTime, page_schema, path_id
from refurb.api.versions import check_if_match, etag_of
from refurb.core.device_types import DeviceType
from refurb.core.errors import ConcurrentChange
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.devices import queries, services
from refurb.devices.models import Device
from refurb.devices.services import state_label
from refurb.web import get_or_404, now, translate

blp = Blueprint("api_devices", __name__, description="Appareils et leur cycle de vie")

STATES = [s.value for s in State]
TYPES = [t.value for t in DeviceType]
READ = ("read", "station")


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    asset_tag = ma.fields.String(required=True)
    device_type = ma.fields.String(required=True)
    make = ma.fields.String(required=True)
    model = ma.fields.String(required=True)
    serial = ma.fields.String(required=True, allow_none=True)
    state = ma.fields.String(required=True)
    state_label = ma.fields.Function(lambda d: translate(state_label(d.state)), required=True)
    legal_status = ma.fields.String(required=True)
    collection_id = ma.fields.Integer(required=True, allow_none=True)
    weight_kg = ma.fields.Float(required=True, allow_none=True)
    weight_estimated = ma.fields.Boolean(required=True)
    cpu = ma.fields.String(required=True)
    ram_mib = ma.fields.Integer(required=True, allow_none=True)
    ram_slots_used = ma.fields.Integer(required=True, allow_none=True)
    chassis = ma.fields.String(required=True)
    condition_notes = ma.fields.String(required=True)
    grade = ma.fields.String(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    version = ma.fields.Integer(required=True)
    web_url = ma.fields.Function(lambda d: url_for("devices.show", device_id=d.id,
                                                   _external=True), required=True)


DevicePage = page_schema(DeviceSchema, "DevicePage")


class DeviceListArgs(CursorArgs):
    state = ma.fields.String(validate=validate.OneOf(STATES))
    type = ma.fields.String(validate=validate.OneOf(TYPES))
    collection_id = Id()
    q = Text(validate=validate.Length(min=1, max=120), metadata={
        "description": "N° de série, marque, modèle ou numéro d’inventaire (contient)."})


class EventSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    from_state = ma.fields.String(required=True, allow_none=True)
    to_state = ma.fields.String(required=True, allow_none=True)
    actor_id = ma.fields.Integer(required=True, allow_none=True)
    occurred_at = UtcDateTime(required=True)
    reason = ma.fields.String(required=True)
    details = ma.fields.Dict(required=True)


class TransitionSchema(ma.Schema):
    target = ma.fields.String(required=True, validate=validate.OneOf(STATES))
    reason = Text(load_default="", validate=validate.Length(max=2000))


class NoteSchema(ma.Schema):
    note = Text(required=True, validate=validate.Length(min=1, max=2000))


DEVICE_LINKS = {
    name: (target, {"device_id": "$response.body#/id"})
    for name, target in (("GetDevice", "get_device"), ("History", "device_history"),
                         ("Drives", "device_drives"), ("ChangeState", "change_state"),
                         ("AddNote", "add_note"), ("AddReport", "report_known_device"))
}


def device_headers(device: Device) -> dict[str, str]:
    return {"ETag": etag_of(device),
            "Location": url_for("api_devices.get_device", device_id=device.id)}


@blp.route("/devices")
@operation(scopes=("read",), roles=STAFF)
@blp.arguments(DeviceListArgs, location="query")
@blp.response(200, DevicePage)
@blp.doc(**links(200, **{name: (target, {"device_id": "$response.body#/items/0/id"})
                         for name, (target, _) in DEVICE_LINKS.items()}))
def list_devices(args):
    """Appareils, les plus récents d’abord"""
    if args.get("q"):
        query = queries.search_select(args["q"])
        if args.get("state"):
            query = query.where(Device.state == args["state"])
        if args.get("type"):
            query = query.where(Device.device_type == args["type"])
    else:
        query = queries.list_devices_query(args.get("state"), args.get("type"))
    if args.get("collection_id"):
        query = query.where(Device.collection_id == args["collection_id"])
    page = cursor_page(query, Device.id, args)
    return page, 200, link_header(page)


@blp.route(f"/devices/{path_id('device_id')}")
@operation(scopes=READ, roles=STAFF)
@blp.response(200, DeviceSchema, headers={"ETag": {"schema": {"type": "string"}}})
@blp.doc(**links(200, **DEVICE_LINKS))
def get_device(device_id: int):
    """Un appareil (l’ETag sert à If-Match)"""
    device = get_or_404(Device, device_id, lazyload(Device.drives))  # not in the answer
    return device, 200, {"ETag": etag_of(device)}


@blp.route(f"/devices/{path_id('device_id')}/history")
@operation(scopes=("read",), roles=STAFF)
@blp.response(200, EventSchema(many=True))
def device_history(device_id: int):
    """L’historique d’un appareil, le plus récent d’abord (bénéficiaires en pseudonyme)"""
    device = get_or_404(Device, device_id)
    return queries.get_history(device.id)


@blp.route(f"/devices/{path_id('device_id')}/transitions", methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.doc(parameters=["IfMatch"])
@blp.arguments(TransitionSchema)
@blp.response(200, DeviceSchema, headers={"ETag": {"schema": {"type": "string"}}})
def change_state(values, device_id: int):
    """Changer l’état (mêmes règles que la page de l’appareil ; 412 si If-Match est périmé)"""
    device = get_or_404(Device, device_id)
    guarded = check_if_match(device)
    try:
        services.transition(device, values["target"], actor_id=caller_id(), now=now(),
                            reason=values["reason"])
    except ConcurrentChange:
        if guarded:  # changed between our read and our write: the caller's version is stale
            raise ApiProblem(412, N_("%(tag)s a été modifié pendant votre demande : relisez-le "
                                     "avant de recommencer."), code="stale_version",
                             tag=device.asset_tag) from None
        raise
    return device, 200, {"ETag": etag_of(device)}


@blp.route(f"/devices/{path_id('device_id')}/notes", methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.arguments(NoteSchema)
@blp.response(201, EventSchema)
def add_note(values, device_id: int):
    """Ajouter une note à l’historique"""
    device = get_or_404(Device, device_id)
    return services.record_event(device, "note", actor_id=caller_id(), now=now(),
                                 reason=values["note"])
