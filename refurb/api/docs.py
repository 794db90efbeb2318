"""The OpenAPI document and its reading page. The page's scripts and styles are bundled in
refurb/static/vendor/swagger-ui (no CDN: a workshop network may have no Internet, and the
page must not load code from elsewhere)."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/openapi.json")
def openapi_json():
    spec = current_app.extensions["refurb-api"].spec.to_dict()
    text = json.dumps(spec, ensure_ascii=False, indent=1, default=_number)
    return current_app.response_class(text, mimetype="application/json")


def _number(value):
    if isinstance(value, Decimal):  # bounds of decimal fields
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")
