"""Data shapes shared by the parsers, and the defensive helpers they all lean on."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

DRIVE_KINDS = ("hdd", "ssd", "nvme", "emmc", "other")
DEVICE_TYPES = (
    "desktop", "laptop", "all_in_one", "mini_pc", "server", "tablet", "monitor", "other",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DriveReport:
    model: str | None = None
    serial: str | None = None
    capacity_bytes: int | None = None
    kind: str | None = None  # one of DRIVE_KINDS, None when nothing tells
    power_on_hours: int | None = None
    smart_passed: bool | None = None


@dataclass(frozen=True, slots=True)
class HardwareReport:
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    chassis: str | None = None
    device_type: str | None = None  # one of DEVICE_TYPES, None when no chassis was read
    cpu: str | None = None
    ram_mib: int | None = None
    ram_slots_used: int | None = None
    drives: list[DriveReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Partial:
    """What one report told us; merged later with the others."""

    source: str  # "dmidecode", "lshw" or "smartctl"
    manufacturer: str | None = None
    model: str | None = None
    serial: str | None = None
    chassis: str | None = None
    cpu: str | None = None
    ram_mib: int | None = None
    ram_slots_used: int | None = None
    drives: list[DriveReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# SMBIOS chassis names (dmidecode) and lshw's short/long names, keyed like _key() does.
# Value: (name shown to the user, device type).
_CHASSIS: dict[str, tuple[str, str]] = {}
for _names, _shown, _type in (
    (("desktop",), "Desktop", "desktop"),
    (("low profile desktop", "low-profile"), "Low Profile Desktop", "desktop"),
    (("pizza box", "pizzabox"), "Pizza Box", "desktop"),
    (("mini tower", "mini-tower"), "Mini Tower", "desktop"),
    (("tower",), "Tower", "desktop"),
    (("space-saving", "spacesaving"), "Space-saving", "desktop"),
    (("lunch box", "lunchbox"), "Lunch Box", "desktop"),
    (("portable",), "Portable", "laptop"),
    (("laptop",), "Laptop", "laptop"),
    (("notebook",), "Notebook", "laptop"),
    (("sub notebook", "sub-notebook"), "Sub Notebook", "laptop"),
    (("convertible",), "Convertible", "laptop"),
    (("detachable",), "Detachable", "laptop"),
    (("all in one", "all-in-one"), "All In One", "all_in_one"),
    (("mini pc", "mini"), "Mini PC", "mini_pc"),
    (("stick pc", "stick"), "Stick PC", "mini_pc"),
    (("main server chassis", "server"), "Main Server Chassis", "server"),
    (("rack mount chassis", "rackmount"), "Rack Mount Chassis", "server"),
    (("multi-system",), "Multi-system", "server"),
    (("blade",), "Blade", "server"),
    (("blade enclosure", "enclosure"), "Blade Enclosure", "server"),
    (("tablet",), "Tablet", "tablet"),
):
    for _name in _names:
        _CHASSIS[re.sub(r"[^a-z]", "", _name)] = (_shown, _type)


def _chassis_key(name: str) -> str:
    key = re.sub(r"[^a-z]", "", name.lower())
    # lshw's long descriptions: "Desktop Computer", "Portable Computer"...
    return key.removesuffix("computer") or key


def known_chassis(name: str | None) -> str | None:
    """SMBIOS spelling of a chassis name from dmidecode or lshw, None if not a known one."""
    known = _CHASSIS.get(_chassis_key(name)) if name else None
    return known[0] if known else None


def chassis_name(name: str | None) -> str | None:
    """Like known_chassis(), but unknown names ("Other", "Hand Held") are kept as printed."""
    return known_chassis(name) or name or None


def device_type_for(chassis: str | None) -> str | None:
    if not chassis:
        return None
    known = _CHASSIS.get(_chassis_key(chassis))
    return known[1] if known else "other"


def to_int(value: Any) -> int | None:
    """A non-negative int from JSON (int, integral float, digit string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value >= 0 and value.is_integer() else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 20:
        return int(value.strip())
    return None


def digits_int(text: str) -> int | None:
    """An int from "1,000,204,886,016" / "500 107 862 016" / "7.761" (any thousands separator)."""
    digits = re.sub(r"\D", "", text)
    if not digits or len(digits) > 20:  # longer is noise, and int() has a digit cap
        return None
    return int(digits)


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


@lru_cache(maxsize=8)
def load_json(text: str) -> Any:
    """Parsed JSON, or None. Cached: several parsers' detect() look at the same text.

    Also accepts what some lshw versions print: sibling objects with no enclosing list.
    """
    stripped = text.strip().lstrip("\ufeff")
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        pass
    decoder = json.JSONDecoder()
    items: list[Any] = []
    pos = 0
    try:
        while pos < len(stripped):
            item, pos = decoder.raw_decode(stripped, pos)
            items.append(item)
            pos = len(stripped) - len(stripped[pos:].lstrip(" \t\r\n,"))
    except (ValueError, RecursionError):
        return None
    return items or None


def excerpt(text: str, width: int = 60) -> str:
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", line)
    return line if len(line) <= width else line[: width - 1] + "…"
