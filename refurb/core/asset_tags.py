"""Asset tags: PREFIX-YEAR-NNNNNN (e.g. RF-2026-000123). The counter lives in the database."""

from __future__ import annotations

from dataclasses import dataclass

from refurb.core.scan_codes import normalise_scan, read_code, tag_parts

__all__ = ["AssetTag", "counter_name", "format_tag", "normalise_scan", "parse_tag"]


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


def parse_tag(text: str) -> AssetTag | None:
    """The asset tag however it was scanned or typed (see scan_codes), or None."""
    code = read_code(text)
    parts = tag_parts(code) if code else None
    return AssetTag(*parts) if parts else None
