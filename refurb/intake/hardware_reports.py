"""Hardware reports (dmidecode, lshw, smartctl) pasted or uploaded at the bench: read, carried
from the preview to the confirmation in a hidden field, and re-checked there."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from refurb.core.errors import InvalidInput
from refurb.core.hardware import DRIVE_KINDS, DriveReport, HardwareReport, parse_reports
from refurb.core.hardware.placeholders import clean
from refurb.core.i18n import N_

MAX_DRIVES = 256  # a storage server at most; the hidden field is typed by a browser
UNREADABLE = N_("Rapport illisible : relancez la lecture des rapports.")


def read_reports(texts: Iterable[str]) -> HardwareReport:
    """Whatever was pasted or uploaded; the parser never raises, it warns."""
    return parse_reports([t for t in texts if t and t.strip()])


def drives_from_json(text: str) -> list[DriveReport]:
    """The drives carried from the preview to the confirmation (a hidden field: re-checked)."""
    try:
        return _drives(json.loads(text or "{}"))
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput(UNREADABLE) from None


def warnings_from_json(text: str) -> list[str]:
    try:
        return _warnings(json.loads(text or "{}"))
    except (ValueError, AttributeError):
        raise InvalidInput(UNREADABLE) from None


def report_details(text: str) -> dict[str, Any]:
    """What the device's `received` event keeps of the reports: re-checked drives, warnings."""
    return {
        "drives": [asdict(d) for d in drives_from_json(text)],
        "warnings": warnings_from_json(text),
    }


@dataclass(frozen=True)
class CarriedReport:
    """The three readings above from one parse of the carried JSON (the API reads all three)."""

    drives: list[DriveReport]
    warnings: list[str]

    @property
    def details(self) -> dict[str, Any]:
        return {"drives": [asdict(d) for d in self.drives], "warnings": list(self.warnings)}


def carried_report(text: str) -> CarriedReport:
    try:
        data = json.loads(text or "{}")
        drives = _drives(data)
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput(UNREADABLE) from None
    try:
        warnings = _warnings(data)
    except (ValueError, AttributeError):
        raise InvalidInput(UNREADABLE) from None
    return CarriedReport(drives, warnings)


def _drives(data: Any) -> list[DriveReport]:
    items = data.get("drives") or []
    if len(items) > MAX_DRIVES:
        raise ValueError("drives")
    return [_drive_from_dict(item) for item in items]


def _warnings(data: Any) -> list[str]:
    warnings = data.get("warnings") or []
    return [str(w)[:500] for w in warnings if isinstance(w, str)][:50]


def _drive_from_dict(item: dict[str, Any]) -> DriveReport:
    def whole(name: str, limit: int) -> int | None:
        value = item.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < limit:
            raise ValueError(name)
        return value

    smart = item.get("smart_passed")
    kind = item.get("kind")
    return DriveReport(
        model=str(item.get("model") or "")[:120] or None,
        serial=clean(item.get("serial")),
        capacity_bytes=whole("capacity_bytes", 2**63),
        kind=kind if kind in DRIVE_KINDS else None,
        power_on_hours=whole("power_on_hours", 2**31),
        smart_passed=smart if isinstance(smart, bool) else None,
    )
