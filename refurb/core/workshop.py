"""Workshop floor rules: where a machine stands, which states take repair work, where a
diagnosis sends a machine, and the codes and amounts technicians type. Pure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.core.scan_codes import location_number, read_code

S = State
# Where a machine physically is in the workshop (a work order or a shelf makes sense).
IN_WORKSHOP = frozenset({S.RECEIVED, S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RESERVED,
                         S.RETURNED, S.PARTS, S.TO_DISPOSE})
# Where software, work orders and quality control may be recorded.
REPAIRABLE = frozenset({S.DIAGNOSIS, S.WIPING, S.REPAIR, S.READY, S.RETURNED})
# Where a diagnosis may be recorded (received and returned machines enter diagnosis first).
DIAGNOSABLE = frozenset({S.RECEIVED, S.RETURNED, S.DIAGNOSIS})


def state_name(state: str) -> Message:
    """A state's name as a message parameter, translated with the message."""
    return Message(STATE_LABELS[State(state)])


def changed_elsewhere(asset_tag: str) -> Message:
    return Message(N_("%(tag)s vient d'être modifié par quelqu'un d'autre : rechargez la page."),
                   {"tag": asset_tag})


def decision_target(decision: str, has_drive: bool) -> State:
    """Reuse goes through data erasure first when there is a drive to erase."""
    if decision == "reuse":
        return S.WIPING if has_drive else S.REPAIR
    return {"parts": S.PARTS, "dispose": S.TO_DISPOSE}[decision]


def parse_location_code(text: str) -> str | None:
    """A shelf code however scanned or typed (see scan_codes): LOC-0007 either way."""
    code = read_code(text)
    return code if code and location_number(code) is not None else None


def parse_ram_gb(value: Any) -> int | None:
    """RAM typed in Go (4, 8, 1,5): stored in MiB like the rest."""
    if value in (None, ""):
        return None
    try:
        gb = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(N_("Mémoire : indiquez un nombre de Go (ex. 8).")) from None
    if not 0 < gb <= 4096:
        raise InvalidInput(N_("Mémoire : indiquez un nombre de Go entre 0 et 4096."))
    return int(gb * 1024)


def positive_quantity(quantity: Any) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise InvalidInput(N_("La quantité doit être un nombre entier.")) from None
    if quantity < 1:
        raise InvalidInput(N_("La quantité doit être d'au moins 1."))
    return quantity
