"""Firmware filler strings ("To Be Filled By O.E.M.", "Default string"...) mean "unknown"."""

from __future__ import annotations

import re

# Compared after lower-casing and dropping everything but letters and digits, so that
# "To be filled by O.E.M.", "TO BE FILLED BY OEM" and "N/A" / "NA" collapse together.
_PLACEHOLDERS = frozenset(
    re.sub(r"[^0-9a-z]", "", p.lower())
    for p in (
        "To Be Filled By O.E.M.",
        "To Be Filled",
        "Default string",
        "Default",
        "System manufacturer",
        "System Product Name",
        "System Serial Number",
        "System Version",
        "System Name",
        "Product Name",
        "Chassis Manufacturer",
        "Chassis Serial Number",
        "Chassis Version",
        "Base Board Serial Number",
        "Board Serial Number",
        "Serial Number",
        "SerialNumber",
        "Type1ProductConfigId",
        "Type2 - Board Serial Number",
        "CPU Version",
        "Processor Version",
        "Not Specified",
        "Not Applicable",
        "Not Available",
        "Not Provided",
        "Not Present",
        "Not Installed",
        "Unknown",
        "Unknow",
        "Undefined",
        "Invalid",
        "None",
        "Null",
        "Empty",
        "N/A",
        "OEM",
        "O.E.M.",
        "Manufacturer",
        "Vendor",
        "<OUT OF SPEC>",
        "<BAD INDEX>",
        "0123456789",
        "1234567890",
        "ABCDEFGHIJ",
    )
)
_DIGIT_RUN = "01234567890"
_UNPRINTABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\u200b\ufeff]")


def clean(value: object) -> str | None:
    """Return the trimmed value, or None when it is missing or a known placeholder."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = _UNPRINTABLE.sub(" ", str(value)).strip()
    key = re.sub(r"[^0-9a-z]", "", text.lower())
    if not key or key in _PLACEHOLDERS:  # empty, "--", "....", or a filler string
        return None
    if len(key) > 1 and key.count(key[0]) == len(key):  # "00000000", "xxxxxxxx", "FF FF FF"
        return None
    if len(key) >= 6 and key.isdigit() and key in _DIGIT_RUN:  # "123456789", "012345"...
        return None
    if key == "0":
        return None
    return text
