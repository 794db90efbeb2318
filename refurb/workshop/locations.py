"""Stock locations (shelves, bins, pallets): create, edit, put a device there, print a label.

Use cases take plain values, the actor and the clock, flush and never commit (the request
commits once, see refurb.web)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.concurrency import flush_or_conflict
from refurb.core.errors import DomainError, InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import State
from refurb.core.scan_codes import is_repeat
from refurb.core.workshop import IN_WORKSHOP, changed_elsewhere, state_name
from refurb.counters import next_number
from refurb.devices.models import Device, DeviceEvent
from refurb.devices.scan_repeat import repeat_window
from refurb.devices.services import record_event
from refurb.extensions import db
from refurb.printing import LabelData, LabelError, list_stocks, render_pdf
from refurb.workshop.models import LOCATION_KINDS, StockLocation
from refurb.workshop.queries.locations import get_location_by_code

NOWHERE = N_("aucun emplacement")


def _checked(name: str, kind: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(N_("Donnez un nom à l'emplacement (ex. « Étagère A3 »)."))
    if kind not in LOCATION_KINDS:
        raise InvalidInput(N_("Type d'emplacement inconnu : %(kind)s"), kind=kind)
    return name


def create_location(name: str, kind: str, notes: str = "", *, now: datetime) -> StockLocation:
    name = _checked(name, kind)
    location = StockLocation(code=f"LOC-{next_number('location'):04d}", name=name, kind=kind,
                             notes=(notes or "").strip(), active=True, created_at=now)
    db.session.add(location)
    db.session.flush()
    return location


def update_location(location: StockLocation, name: str, kind: str, notes: str,
                    active: bool) -> StockLocation:
    location.name, location.kind = _checked(name, kind), kind
    location.notes, location.active = (notes or "").strip(), active
    db.session.flush()
    return location


def where(location: StockLocation | None) -> str | Message:
    """A location's code, or "no location" translated with the message it goes in."""
    return location.code if location else Message(NOWHERE)


def move_device(
    device: Device, location: StockLocation | None, *, actor_id: int | None, now: datetime,
    details: dict[str, Any] | None = None,
) -> DeviceEvent:
    """Put a device on a shelf (or take it off every shelf with None)."""
    if State(device.state) not in IN_WORKSHOP:
        raise DomainError(N_("%(tag)s n'est plus à l'atelier (%(state)s)."),
                          tag=device.asset_tag, state=state_name(device.state))
    if location is not None and not location.active:
        raise DomainError(N_("L'emplacement %(code)s n'est plus utilisé."), code=location.code)
    new_id = location.id if location else None
    if device.location_id == new_id:
        raise DomainError(N_("%(tag)s est déjà à %(where)s."), tag=device.asset_tag,
                          where=where(location))
    previous = db.session.get(StockLocation, device.location_id) if device.location_id else None
    device.location_id = new_id
    device.updated_at = now
    flush_or_conflict(changed_elsewhere(device.asset_tag))
    moved = {"from_location": previous.code if previous else None,
             "to_location": location.code if location else None}
    return record_event(
        device, "location_changed", actor_id=actor_id, now=now,
        details={**{k: v for k, v in moved.items() if v}, **(details or {})},
    )


def move_to_scanned(device: Device, text: str, *, actor_id: int | None,
                    now: datetime) -> DeviceEvent | None:
    """The location typed or scanned on the device panel; empty takes it off every shelf.
    None when the same label was just read: nothing changes."""
    text = (text or "").strip()
    location = get_location_by_code(text) if text else None
    if text and location is None:
        raise InvalidInput(N_("Emplacement inconnu : %(code)s"), code=text)
    if location is not None and device.location_id == location.id and is_repeat(
            location.code, location.code, device.updated_at, now, repeat_window()):
        return None  # the shelf label read twice: already taken into account
    return move_device(device, location, actor_id=actor_id, now=now)


def location_label_pdf(location: StockLocation, stock_id: str | None) -> bytes:
    """A shelf label: its code as a barcode (what the scanner reads) and its name."""
    stocks = {s.id: s for s in list_stocks() if "device" in s.usage}
    if not stocks:
        raise InvalidInput(N_("Aucun support d'étiquettes n'est défini."))
    try:
        stock = stocks.get(stock_id or "") or next(iter(stocks.values()))
        return render_pdf(stock, [LabelData(tag=location.code, facts_line=location.name)])
    except LabelError as error:
        # Printing's messages are French text, shown as the reason.
        raise InvalidInput(N_("Étiquette impossible à produire : %(reason)s"),
                           reason=str(error)) from None
