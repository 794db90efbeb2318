"""The second line of a label: short facts a technician reads at a glance.

Pure formatting (no Flask, no database): the printing services pass plain values in. Labels
are physical objects of a French workshop, so the text is French whatever the UI language.
"""

from __future__ import annotations

import re
from decimal import Decimal

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.hardware.placeholders import clean
from refurb.core.machine_words import capacity, french, memory

__all__ = [
    "SEPARATOR",
    "device_facts_line",
    "drive_facts_line",
    "format_capacity",
    "format_ram",
    "format_screen",
    "short_cpu",
]

SEPARATOR = " · "  # the middle dot exists in latin-1, so PDF core fonts and ZPL print it
SCREEN_TYPES = frozenset({DeviceType.MONITOR, DeviceType.CRT_MONITOR})

_MARKS = re.compile(r"\((?:R|TM|C)\)|[®™©]", re.IGNORECASE)
_CLOCK = re.compile(r"\s*@.*$")  # "… @ 1.70GHz": the model number already says it
_TAIL = re.compile(
    r"\s*(?:,|\bwith\b|\bw/).*$"  # "with Radeon Graphics", ", 5 COMPUTE CORES 2C+3G"
    r"|\s+\d+(?:\.\d+)?\s*GHz\b.*$",
    re.IGNORECASE,
)
_INTEL_CORE = re.compile(r"\b(i[3579]-\w+)", re.IGNORECASE)  # i5-8350U, i7-1165G7
_NOISE = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)\s+Gen|Genuine|Intel|AMD|Apple|Qualcomm|CPU|APU|Processor|"
    r"Mobile|(?:Dual|Quad|Hexa|Octa|\d+)-Core)\b",
    re.IGNORECASE,
)


def short_cpu(cpu: str | None) -> str:
    """'Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz' → 'i5-8350U'; other families keep their name."""
    cpu = clean(cpu)  # firmware fillers ("To Be Filled By O.E.M.") mean unknown
    if not cpu:
        return ""
    text = _MARKS.sub("", cpu)
    text = _TAIL.sub("", _CLOCK.sub("", text))
    core = _INTEL_CORE.search(text)
    if core:
        return core.group(1)
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


def _decimal(value: float | Decimal, digits: int = 1) -> str:
    """French decimal comma, no useless trailing zero: 8 → '8', 15.6 → '15,6'."""
    text = f"{float(value):.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_ram(ram_mib: int | None) -> str:
    """Memory in binary units, as sold: 8192 MiB → '8 Go', 512 → '512 Mo'."""
    return french(memory(ram_mib))


def format_capacity(capacity_bytes: int | None) -> str:
    """Drive capacity in decimal units, as printed on the drive: 10**12 → '1 To'."""
    return french(capacity(capacity_bytes))


def format_screen(inches: float | Decimal | None) -> str:
    """Diagonal in inches with the usual '"' sign: 23.8 → '23,8"'."""
    if inches is None or inches <= 0:
        return ""
    return f'{_decimal(inches)}"'


def _type_label(device_type: str) -> str:
    try:
        return DEVICE_TYPE_LABELS[DeviceType(device_type)]
    except ValueError:
        return device_type


def _join(*parts: str) -> str:
    return SEPARATOR.join(p.strip() for p in parts if p and p.strip())


def device_facts_line(
    device_type: str,
    *,
    cpu: str | None = "",
    ram_mib: int | None = None,
    screen_inches: float | Decimal | None = None,
    collection_number: str | None = None,
) -> str:
    """Type · CPU · RAM (or screen size for monitors) · collection, skipping what is unknown.

    The collection comes last on purpose: when the line is too long for a small label, the
    layout truncates its end, and the number can be found from the tag anyway.
    """
    if device_type in SCREEN_TYPES:
        middle: tuple[str, ...] = (format_screen(screen_inches),)
    else:
        middle = (short_cpu(cpu), format_ram(ram_mib))
    return _join(_type_label(device_type), *middle, collection_number or "")


def drive_facts_line(model: str | None, capacity_bytes: int | None) -> str:
    """Model · capacity: what a technician checks before putting a drive back in a machine."""
    return _join(model or "", format_capacity(capacity_bytes))
