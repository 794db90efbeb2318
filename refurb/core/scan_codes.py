"""What a scanner or a keyboard sends, read back as the code printed on the label. Pure.

One reading for every scanned code (machine and drive asset tags, shelf codes): the scan box,
batch scans, the wiping station, locations and the API all go through `normalise_scan`.

What goes wrong on a workshop bench, and what is undone here:
- scanners wrap the code: AIM symbology identifier (`]C0` Code 128, `]Q1` QR), STX/ETX,
  GS, tabs, CR/LF; people add spaces or type in lower case;
- hyphens left out (`RF2026000033`), or typed as spaces;
- a scanner set to a US keyboard on an AZERTY computer types the unshifted number row:
  `&é"'(-è_çà` for 1234567890, `)` (or `°` with shift) for the hyphen, `$` for the `]` of an
  AIM identifier. Such text has no digit at all, so it is read again through that layout only
  when it cannot be a code as it is.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

# Asset tags: PREFIX-YEAR-NNNNNN (format_tag in asset_tags); shelves: LOC-NNNN.
_TAG_WITH_HYPHENS = re.compile(r"^([A-Z0-9]{1,6})-(\d{4})-(\d{6,})$")
_TAG_BARE = re.compile(r"^[A-Z][A-Z0-9]{0,5}\d{10,}$")
_LOCATION = re.compile(r"^LOC-?(\d{1,9})$")
NUMBER_DIGITS = 6  # format_tag pads the counter to six digits
PLAUSIBLE_YEARS = range(1990, 2100)

# US key → what an AZERTY layout types for it, read backwards.
AZERTY_NUMBER_ROW = str.maketrans({
    "&": "1", "é": "2", "É": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "È": "7",
    "_": "8", "ç": "9", "Ç": "9", "à": "0", "À": "0", ")": "-", "°": "-",
})
_AZERTY_ONLY = frozenset("&éÉ\"'(èÈçÇàÀ)°")
# `]` + symbology letter + modifier; `$` is where AZERTY puts the `]` key of a US layout.
_AIM_PREFIX = re.compile(r"^[\]$][A-Za-z][0-9A-Za-z&éÉ\"'(\-èÈ_çÇàÀ]")
_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]+")


def strip_scanner_noise(text: str) -> str:
    """Control characters, whitespace and the AIM identifier a scanner puts around the code."""
    text = _NOISE.sub(" ", text or "").strip()
    if _AIM_PREFIX.match(text) and len(text) > 3:
        text = text[3:].strip()
    return text


def _squeezed(text: str) -> str:
    squeezed = _NOISE.sub("", strip_scanner_noise(text)).upper()
    # An identifier the spaces hid ("$A 00"), or a second one, would be taken off when this
    # text is read again: taken off now, so that reading twice reads the same.
    while _AIM_PREFIX.match(squeezed) and len(squeezed) > 3:
        squeezed = squeezed[3:]
    return squeezed


def tag_parts(text: str) -> tuple[str, int, int] | None:
    """(prefix, year, number) of an asset tag already cleaned and upper-cased, or None."""
    match = _TAG_WITH_HYPHENS.match(text)
    if match:
        prefix, year, number = match.groups()
        return prefix, int(year), int(number)
    if text.count("-") > 2 or not _TAG_BARE.match(text.replace("-", "")):
        return None
    return _split_bare(text)


def _split_bare(text: str) -> tuple[str, int, int] | None:
    """Hyphens left out: the prefix may end in digits, so the cut that gives a plausible year
    wins, preferring the hyphens that were typed, then the counter's usual six digits
    (RF2026000033 is RF, 2026, 33). A bare prefix starts with a letter: an all-digit serial
    is never read as a tag."""
    hyphens = {i - n for n, i in enumerate(i for i, c in enumerate(text) if c == "-")}
    joined = text.replace("-", "")
    candidates = []
    for cut in range(1, 7):
        prefix, rest = joined[:cut], joined[cut:]
        if len(rest) < 4 + NUMBER_DIGITS or not rest.isdigit() or not prefix[0].isalpha():
            continue
        year, number = int(rest[:4]), rest[4:]
        if year in PLAUSIBLE_YEARS:
            against_typed = len(hyphens - {cut, cut + 4})
            candidates.append((against_typed, len(number) != NUMBER_DIGITS, len(number),
                               prefix, year, int(number)))
    if not candidates:
        return None
    *_, prefix, year, number = min(candidates)
    return prefix, year, number


def location_number(text: str) -> int | None:
    match = _LOCATION.match(text)
    return int(match.group(1)) if match else None


def format_location(number: int) -> str:
    return f"LOC-{number:04d}"


def _canonical(text: str) -> str | None:
    parts = tag_parts(text)
    if parts is not None:
        prefix, year, number = parts
        return f"{prefix}-{year:04d}-{number:06d}"
    number = location_number(text)
    return format_location(number) if number is not None else None


def _read_as_azerty(raw: str) -> str:
    text = _NOISE.sub("", strip_scanner_noise(raw))
    return text.translate(AZERTY_NUMBER_ROW).upper()


def read_code(text: str) -> str | None:
    """The label's code (asset tag or shelf code) in its printed form, or None."""
    plain = _squeezed(text)
    found = _canonical(plain)
    if found is None and _AZERTY_ONLY & set(strip_scanner_noise(text)):
        found = _canonical(_read_as_azerty(text))
    return found


def normalise_scan(text: str) -> str:
    """What was scanned, as printed on its label when it is a code; otherwise the text without
    scanner noise or spaces, upper-cased (a serial number)."""
    return read_code(text) or _squeezed(text)


def is_repeat(code: str, previous_code: str | None, previous_at: datetime | None,
              now: datetime, window_seconds: int) -> bool:
    """The same label read twice within the window: one scan, not two (a scanner's double
    beep, a second press of the trigger)."""
    if previous_code is None or previous_at is None or window_seconds <= 0:
        return False
    return (normalise_scan(code) == normalise_scan(previous_code)
            and timedelta(0) <= now - previous_at <= timedelta(seconds=window_seconds))
