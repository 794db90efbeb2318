"""Asset tags: PREFIX-YEAR-NNNNNN (e.g. RF-2026-000123). The counter lives in the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

TAG_RE = re.compile(r"^([A-Z0-9]{1,6})-(\d{4})-(\d{6,})$")


@dataclass(frozen=True)
class AssetTag:
    prefix: str
    year: int
    number: int

    def __str__(self) -> str:
        return format_tag(self.prefix, self.year, self.number)


def format_tag(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year:04d}-{number:06d}"


def counter_name(prefix: str, year: int) -> str:
    return f"asset:{prefix}:{year}"


def normalise_scan(text: str) -> str:
    """People typing a tag add spaces or use lower case; scanners add a trailing CR/LF."""
    return text.strip().upper().replace(" ", "")


def parse_tag(text: str) -> AssetTag | None:
    match = TAG_RE.match(normalise_scan(text))
    if not match:
        return None
    prefix, year, number = match.groups()
    return AssetTag(prefix, int(year), int(number))
