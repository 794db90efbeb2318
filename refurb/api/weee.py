"""WEEE (DEEE) batches and what they carry, read-only: opening, filling and handing over a
batch stay on the web pages, where the register and the handover document are built."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import WORKSHOP
from refurb.api.auth import links, operation
from refurb.api.pagination import cursor_page, link_header
from refurb.api.schemas import CursorArgs, UtcDateTime, page_schema, path_id
from refurb.web import get_or_404
from refurb.weee import queries
from refurb.weee.models import WeeeBatch

blp = Blueprint("api_weee", __name__, description="Lots DEEE")


class ItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    quantity = ma.fields.Integer(required=True)
    weight_kg = ma.fields.Float(required=True)
    weight_estimated = ma.fields.Boolean(required=True)
    category = ma.fields.Integer(required=True)
    waste_code = ma.fields.String(required=True)
    contains_pops = ma.fields.Boolean(required=True)
    device_id = ma.fields.Integer(required=True, allow_none=True)
    drive_id = ma.fields.Integer(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)


class BatchSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    number = ma.fields.String(required=True)
    state = ma.fields.String(required=True)
    container = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    operator = ma.fields.Function(lambda b: b.operator.name if b.operator else None,
                                  required=True, allow_none=True)
    operation_code = ma.fields.String(required=True, allow_none=True)
    handover_date = ma.fields.Date(required=True, allow_none=True)
    tracking_reference = ma.fields.String(required=True)
    total_weight_kg = ma.fields.Float(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(required=True, allow_none=True)
    web_url = ma.fields.Function(lambda b: url_for("weee.batch", batch_id=b.id, _external=True),
                                 required=True)


class BatchDetailSchema(BatchSchema):
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True)


BatchPage = page_schema(BatchSchema, "BatchPage")


class WithItems:
    """A batch and its items, read by BatchDetailSchema like one object."""

    def __init__(self, batch: WeeeBatch, items: list) -> None:
        self._batch = batch
        self.items = items

    def __getattr__(self, name: str):
        return getattr(self._batch, name)


class BatchListArgs(CursorArgs):
    state = ma.fields.String(validate=validate.OneOf(["open", "closed"]))


@blp.route("/weee/batches")
@operation(scopes=("read",), roles=WORKSHOP)
@blp.arguments(BatchListArgs, location="query")
@blp.response(200, BatchPage)
@blp.doc(**links(200, GetBatch=("get_batch", {"batch_id": "$response.body#/items/0/id"})))
def list_batches(args):
    """Lots DEEE, les plus récents d’abord"""
    page = cursor_page(queries.list_batches_query(args.get("state")), WeeeBatch.id, args)
    return page, 200, link_header(page)


@blp.route(f"/weee/batches/{path_id('batch_id')}")
@operation(scopes=("read",), roles=WORKSHOP)
@blp.response(200, BatchDetailSchema)
def get_batch(batch_id: int):
    """Un lot DEEE et ses éléments"""
    batch = get_or_404(WeeeBatch, batch_id)
    return WithItems(batch, queries.batch_items(batch))
