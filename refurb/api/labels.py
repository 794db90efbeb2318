"""Labels for tags as PDF, PNG or ZPL, drawn by the printing domain on a label stock.

Like `flask labels render`, a file is not a print: nothing enters the device history (the
web's print button records it, the file fetched here may never reach a printer). The stock,
format, start and copies are checked by the printing service itself.
"""

from __future__ import annotations

import io

import marshmallow as ma
from flask import current_app, send_file
from flask_smorest import Blueprint
from marshmallow import validate

from refurb.accounts.access import WORKSHOP
from refurb.api.auth import operation
from refurb.api.schemas import Text
from refurb.core.asset_tags import normalise_scan
from refurb.core.errors import NotFound
from refurb.core.i18n import N_
from refurb.printing import RENDERERS, list_stocks, queries, renderers_for, services
from refurb.web import now

blp = Blueprint("api_labels", __name__, description="Étiquettes code-barres")

BINARY = {"schema": {}}
FILE_RESPONSE = {"200": {"description": "Le fichier d’étiquettes", "content": {
    "application/pdf": BINARY, "image/png": BINARY, "text/plain": BINARY}}}


class LabelArgs(ma.Schema):
    tag = ma.fields.List(Text(validate=validate.Length(min=1, max=40)), required=True,
                         validate=validate.Length(min=1, max=500),
                         metadata={"description": "Numéros d’inventaire (appareils ou supports "
                                                  "retirés), dans l’ordre d’impression."})
    stock = Text(required=True, validate=validate.Length(min=1, max=60),
                 metadata={"description": "Support d’étiquettes (voir /labels/stocks)."})
    format = ma.fields.String(load_default="pdf", validate=validate.OneOf(list(RENDERERS)))
    start = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=1000),
                              metadata={"description": "Première place libre d’une planche."})
    copies = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))


class StockSchema(ma.Schema):
    id = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    per_page = ma.fields.Integer(required=True)
    label_width_mm = ma.fields.Float(required=True, attribute="label_width")
    label_height_mm = ma.fields.Float(required=True, attribute="label_height")
    usage = ma.fields.List(ma.fields.String(), required=True)
    qr = ma.fields.Boolean(required=True)
    formats = ma.fields.Function(lambda s: [r.name for r in renderers_for(s)], required=True)


@blp.route("/labels")
@operation(scopes=("read", "station"), roles=WORKSHOP)
@blp.arguments(LabelArgs, location="query")
@blp.doc(responses=FILE_RESPONSE)
def render_labels(args):
    """Étiquettes de numéros d’inventaire (PDF, PNG de la première page, ou ZPL)"""
    tags = list(dict.fromkeys(normalise_scan(t) for t in args["tag"]))
    drives = queries.get_drives_by_tags(tags)
    known = set(queries.get_devices_by_tags(tags)) | set(drives)
    unknown = [t for t in tags if t not in known]
    if unknown:
        raise NotFound(N_("Numéro d’inventaire inconnu : %(tags)s"), tags=", ".join(unknown))
    labels = services.tag_labels(tags, services.device_url_builder(current_app))
    kind = "drive" if all(t in drives for t in tags) else "device"
    job = services.LabelJob(kind, labels, f"etiquettes-{len(tags)}" if len(tags) > 1
                            else f"etiquette-{tags[0]}")
    output = services.print_labels(
        job, services.PrintOptions(args["stock"], args["start"], args["copies"], args["format"]),
        actor_id=None, now=now())  # a job without hosts: nothing recorded
    return send_file(io.BytesIO(output.content), mimetype=output.media_type,
                     download_name=output.filename, as_attachment=args["format"] != "png",
                     max_age=0)


@blp.route("/labels/stocks")
@operation(scopes=("read", "station"), roles=WORKSHOP)
@blp.response(200, StockSchema(many=True))
def stocks():
    """Supports d’étiquettes (planches et rouleaux) et formats possibles"""
    return list_stocks()
