"""Reading one field of a line: device names, sizes, counts, serial numbers, options."""

from __future__ import annotations

from refurb.core.nwipe.patterns import MASKED_SERIAL_RE, UNITS


def basename(device: str) -> str:
    return device.rstrip("/").rsplit("/", 1)[-1]


def clean_device(token: str) -> str:
    return token.strip("'\"`.,;:()[]")


def to_bytes(number: str, unit: str) -> int | None:
    factor = UNITS.get(unit.upper())
    if factor is None:
        return None
    try:
        return int(float(number) * factor)
    except (ValueError, OverflowError):
        return None


def to_int(value: str) -> int | None:
    value = value.strip()
    # isdigit() alone accepts "⓪" or "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() else None


def clean_serial(raw: str) -> tuple[str | None, bool]:
    serial = raw.strip()
    if not serial:
        return None, False
    if MASKED_SERIAL_RE.match(serial):
        return None, True
    return serial, False


def verify_from_option(value: str) -> str | None:
    v = value.strip().lower()
    if v.startswith("0") or "off" in v:
        return "off"
    if v.startswith("1") or "last" in v:
        return "last"
    if v.startswith("2") or "all" in v:
        return "all"
    return None
