"""The workshop blueprint, on its own so the topic modules attach their routes to it without
importing the package that imports them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workshop", __name__, url_prefix="/workshop")
