"""The training blueprint and the `training_hours` template global (registered in
refurb.wiring)."""

from __future__ import annotations

from flask import Blueprint

from refurb.core.training import format_hours

bp = Blueprint("training", __name__, url_prefix="/training")


def training_hours(value) -> str:
    """Decimal hours as the French read them: 7,5 → "7 h 30"."""
    return "" if value is None else format_hours(value)
