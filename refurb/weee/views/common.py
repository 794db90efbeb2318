"""The WEEE blueprint and what its pages share: label tables and the period in the URL.

`bp` lives here rather than in the package's __init__ so that the topic modules can import it
without importing the package that imports them."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, request

from refurb.clock import today
from refurb.core.weee import (
    CATEGORY_LABELS,
    OPERATION_CODES,
    OPERATION_MODE_LABELS,
    PART_KIND_LABELS,
    TRANSPORT_MODE_LABELS,
    WASTE_CODE_LABELS,
)
from refurb.weee.batches import CONTAINERS

bp = Blueprint("weee", __name__, url_prefix="/weee")


def labels() -> dict:
    return {"categories": CATEGORY_LABELS, "codes": WASTE_CODE_LABELS,
            "kinds": PART_KIND_LABELS, "containers": CONTAINERS,
            "operations": OPERATION_CODES, "modes": OPERATION_MODE_LABELS,
            "transport": TRANSPORT_MODE_LABELS}


def period() -> tuple[date, date]:
    """?start=&end= (ISO dates); anything unreadable falls back to the current year."""
    current = today()
    start, end = date(current.year, 1, 1), current
    for name in ("start", "end"):
        try:
            value = date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            continue
        if not 1900 <= value.year <= 2999:  # keeps date arithmetic away from year 9999
            continue
        if name == "start":
            start = value
        else:
            end = value
    return (start, end) if start <= end else (end, start)


def direction() -> str:
    return "incoming" if request.args.get("direction") == "incoming" else "outgoing"
