"""Collections: list, read, plan, move one step; a device typed in at the bench."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import WORKSHOP
from refurb.api.auth import caller_id, label_prefix, links, operation
from refurb.api.devices import DEVICE_LINKS, TYPES, DeviceSchema, device_headers
from refurb.api.pagination import cursor_page, link_header
from refurb.api.schemas import CursorArgs, Id, Text, UtcDateTime, page_schema, path_id
from refurb.core.collections import STATE_LABELS, CollectionState
from refurb.devices.services import NewDevice
from refurb.intake import bench, queries
from refurb.intake.collections import (
    MAX_MEASURED_WEIGHT_KG,
    CollectionValues,
    advance_collection,
    plan_collection,
)
from refurb.intake.models import Collection
from refurb.web import get_or_404, now, translate

blp = Blueprint("api_collections", __name__, description="Collectes (enlèvements de dons)")

STATES = [s.value for s in CollectionState]
MAX_DEVICE_KG = 999_999  # devices.weight_kg is NUMERIC(8, 2)

class CollectionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    donor_id = ma.fields.Integer(required=True)
    donor_name = ma.fields.Function(lambda c: c.donor.name, required=True)
    state = ma.fields.String(required=True)
    state_label = ma.fields.Function(
        lambda c: translate(STATE_LABELS[CollectionState(c.state)]), required=True)
    pickup_site = ma.fields.String(required=True)
    pickup_contact = ma.fields.String(required=True)
    planned_on = ma.fields.Date(required=True, allow_none=True)
    collected_on = ma.fields.Date(required=True, allow_none=True)
    received_on = ma.fields.Date(required=True, allow_none=True)
    closed_on = ma.fields.Date(required=True, allow_none=True)
    transport_notes = ma.fields.String(required=True)
    measured_weight_kg = ma.fields.Float(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    web_url = ma.fields.Function(lambda c: url_for("intake.show_collection",
                                                   collection_id=c.id, _external=True),
                                 required=True)

CollectionPage = page_schema(CollectionSchema, "CollectionPage")

class CollectionListArgs(CursorArgs):
    state = ma.fields.String(validate=validate.OneOf(STATES))

class NewCollectionSchema(ma.Schema):
    donor_id = Id(required=True)
    pickup_site = Text(load_default="", validate=validate.Length(max=300))
    pickup_contact = Text(load_default="", validate=validate.Length(max=200))
    planned_on = ma.fields.Date(load_default=None, allow_none=True)
    transport_notes = Text(load_default="", validate=validate.Length(max=5000))
    measured_weight_kg = ma.fields.Decimal(
        load_default=None, allow_none=True, places=2,
        validate=validate.Range(min=0, max=int(MAX_MEASURED_WEIGHT_KG)))

class StepSchema(ma.Schema):
    target = ma.fields.String(required=True, validate=validate.OneOf(STATES))

class NewDeviceSchema(ma.Schema):
    device_type = ma.fields.String(required=True, validate=validate.OneOf(TYPES))
    make = Text(load_default="", validate=validate.Length(max=120))
    model = Text(load_default="", validate=validate.Length(max=120))
    serial = Text(load_default=None, allow_none=True, validate=validate.Length(max=120))
    legal_status = ma.fields.String(load_default="reuse",
                                    validate=validate.OneOf(["reuse", "waste"]))
    weight_kg = ma.fields.Decimal(load_default=None, allow_none=True, places=2,
                                  validate=validate.Range(min=0.01, max=MAX_DEVICE_KG))
    condition_notes = Text(load_default="", validate=validate.Length(max=5000))

def collection_values(values: dict) -> CollectionValues:
    return CollectionValues(pickup_site=values["pickup_site"],
                            pickup_contact=values["pickup_contact"],
                            planned_on=values["planned_on"],
                            transport_notes=values["transport_notes"],
                            measured_weight_kg=values["measured_weight_kg"])

def _location(collection: Collection) -> dict[str, str]:
    return {"Location": url_for("api_collections.get_collection", collection_id=collection.id)}

@blp.route("/collections")
@operation(scopes=("read",), roles=WORKSHOP)
@blp.arguments(CollectionListArgs, location="query")
@blp.response(200, CollectionPage)
@blp.doc(**links(200, **{
    name: (target, {"collection_id": "$response.body#/items/0/id"})
    for name, target in (("GetCollection", "get_collection"), ("AddDevice", "create_device"),
                         ("AddReport", "report_new_device"), ("MoveOn", "advance"))}))
def list_collections(args):
    """Collectes, les plus récentes d’abord"""
    page = cursor_page(queries.list_collections_query(args.get("state")), Collection.id, args)
    return page, 200, link_header(page)

@blp.route("/collections", methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.arguments(NewCollectionSchema)
@blp.response(201, CollectionSchema)
@blp.doc(**links(201, **{
    name: (target, {"collection_id": "$response.body#/id"})
    for name, target in (("GetCollection", "get_collection"), ("AddDevice", "create_device"),
                         ("AddReport", "report_new_device"), ("MoveOn", "advance"))}))
def create_collection(values):
    """Planifier une collecte chez un donateur"""
    collection = plan_collection(values["donor_id"], collection_values(values), now=now())
    return collection, 201, _location(collection)

@blp.route(f"/collections/{path_id('collection_id')}")
@operation(scopes=("read", "station"), roles=WORKSHOP)
@blp.response(200, CollectionSchema)
def get_collection(collection_id: int):
    """Une collecte"""
    return get_or_404(Collection, collection_id)

@blp.route(f"/collections/{path_id('collection_id')}/state", methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.arguments(StepSchema)
@blp.response(200, CollectionSchema)
def advance(values, collection_id: int):
    """Faire avancer la collecte d’un état (planifiée → enlevée → réceptionnée → clôturée)"""
    collection = get_or_404(Collection, collection_id)
    advance_collection(collection, values["target"], now=now())
    return collection

@blp.route(f"/collections/{path_id('collection_id')}/devices", methods=["POST"])
@operation(scopes=("write",), roles=WORKSHOP, idempotent=True)
@blp.arguments(NewDeviceSchema)
@blp.response(201, DeviceSchema)
@blp.doc(**links(201, **DEVICE_LINKS))
def create_device(values, collection_id: int):
    """Enregistrer un appareil saisi à la main dans une collecte (comme le formulaire du banc)"""
    collection = get_or_404(Collection, collection_id)
    device = bench.register_device(
        collection,
        NewDevice(device_type=values["device_type"], make=values["make"], model=values["model"],
                  serial=values["serial"] or None, legal_status=values["legal_status"],
                  weight_kg=values["weight_kg"], condition_notes=values["condition_notes"]),
        actor_id=caller_id(), now=now(), prefix=label_prefix())
    return device, 201, device_headers(device)
