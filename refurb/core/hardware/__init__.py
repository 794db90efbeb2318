"""Read what technicians paste (dmidecode, lshw -json, smartctl text or JSON) into one record.

Pure Python on purpose: no Flask, no database. Nothing here raises on bad input; what could
not be read becomes a French warning for the intake form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import fields, replace
from typing import Any, NamedTuple

from . import dmidecode, lshw, smartctl
from .base import (
    DEVICE_TYPES,
    DRIVE_KINDS,
    DriveReport,
    HardwareReport,
    Partial,
    device_type_for,
    excerpt,
)
from .placeholders import clean

__all__ = [
    "DEVICE_TYPES",
    "DRIVE_KINDS",
    "PARSERS",
    "DriveReport",
    "HardwareReport",
    "Parser",
    "clean",
    "merge",
    "parse_reports",
    "report_to_json",
]

JSON_KEYS = (
    "manufacturer", "model", "serial", "chassis", "device_type", "cpu", "ram_mib",
    "ram_slots_used", "drives",
)  # fmt: skip
DRIVE_JSON_KEYS = tuple(f.name for f in fields(DriveReport))
_IDENTITY = ("manufacturer", "model", "serial", "chassis", "cpu", "ram_mib", "ram_slots_used")
# Who is trusted first for the machine itself: firmware tables, then lshw's view of them.
_PRIORITY = {"dmidecode": 0, "lshw": 1}
MAX_DRIVES = 64  # far beyond any workshop machine; also bounds the pairwise matching
MAX_WARNINGS = 30


class Parser(NamedTuple):
    name: str
    detect: Callable[[str], bool]
    parse: Callable[[str], Partial]


# JSON formats first; each detect() is strict enough that one text matches one format,
# except a paste holding dmidecode and smartctl text together, which both read.
PARSERS: tuple[Parser, ...] = (
    Parser("smartctl-json", smartctl.detect_json, smartctl.parse_json),
    Parser("lshw-json", lshw.detect, lshw.parse),
    Parser("dmidecode", dmidecode.detect, dmidecode.parse),
    Parser("smartctl", smartctl.detect_text, smartctl.parse_text),
)


def _as_text(raw: Any) -> str | None:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return raw.lstrip("\ufeff") if isinstance(raw, str) else None


def parse_reports(texts: Iterable[str]) -> HardwareReport:
    partials: list[Partial] = []
    warnings: list[str] = []
    for number, raw in enumerate(texts, start=1):
        text = _as_text(raw)
        if text is None or not text.strip():
            warnings.append(f"Rapport n°{number} vide.")
            continue
        matched = False
        for parser in PARSERS:
            try:
                if not parser.detect(text):
                    continue
                matched = True
                partials.append(parser.parse(text))
            except Exception as exc:  # noqa: BLE001 - last line of defence: never fail intake
                warnings.append(
                    f"Rapport n°{number} ({parser.name}) : lecture interrompue "
                    f"({type(exc).__name__})."
                )
        if not matched:
            warnings.append(f"Rapport non reconnu : n°{number} « {excerpt(text)} ».")
    report = merge(partials)
    return replace(report, warnings=_tidy(warnings + report.warnings))


def _tidy(warnings: list[str]) -> list[str]:
    unique = list(dict.fromkeys(warnings))
    if len(unique) <= MAX_WARNINGS:
        return unique
    extra = len(unique) - MAX_WARNINGS
    return [*unique[:MAX_WARNINGS], f"… et {extra} autre(s) avertissement(s)."]


def _fill(base: DriveReport, extra: DriveReport) -> DriveReport:
    return replace(
        base,
        **{f: getattr(extra, f) for f in DRIVE_JSON_KEYS if getattr(base, f) is None},
    )


def _same_serial(a: DriveReport, b: DriveReport) -> bool:
    return bool(a.serial and b.serial and a.serial.casefold() == b.serial.casefold())


def _probably_same(a: DriveReport, b: DriveReport) -> bool:
    """No serial on one side (masked, or lshw run without root): same size and model family."""
    if a.serial and b.serial or not a.capacity_bytes or a.capacity_bytes != b.capacity_bytes:
        return False
    ma, mb = (a.model or "").casefold(), (b.model or "").casefold()
    # lshw truncates ATA models to 16 characters ("Samsung SSD 860").
    return not ma or not mb or ma.startswith(mb) or mb.startswith(ma)


def merge(partials: Iterable[Partial]) -> HardwareReport:
    ordered = sorted(partials, key=lambda p: _PRIORITY.get(p.source, 2))
    values: dict[str, Any] = {
        name: next((getattr(p, name) for p in ordered if getattr(p, name) is not None), None)
        for name in _IDENTITY
    }
    warnings = [w for p in ordered for w in p.warnings]
    serials = {p.serial for p in ordered if p.serial}
    if len({s.casefold() for s in serials}) > 1:
        warnings.append(
            "Numéros de série différents selon les rapports : "
            + ", ".join(sorted(serials)[:5])
            + " — s'agit-il bien de la même machine ?"
        )

    drives: list[DriveReport] = []
    claimed: set[int] = set()  # drives already matched by an lshw disk
    dropped = 0
    # smartctl describes the drive itself; lshw only adds what smartctl did not cover.
    smart = [d for p in ordered if p.source == "smartctl" for d in p.drives]
    others = [d for p in ordered if p.source != "smartctl" for d in p.drives]
    for from_lshw, drive in [(False, d) for d in smart] + [(True, d) for d in others]:
        twin = next((i for i, d in enumerate(drives) if _same_serial(d, drive)), None)
        if twin is None and from_lshw:
            twin = next(
                (i for i, d in enumerate(drives) if i not in claimed and _probably_same(d, drive)),
                None,
            )
        if twin is not None:
            drives[twin] = _fill(drives[twin], drive)
        elif len(drives) < MAX_DRIVES:
            drives.append(drive)
            twin = len(drives) - 1
        else:
            dropped += 1
            continue
        if from_lshw:
            claimed.add(twin)
    if dropped:
        warnings.append(
            f"{dropped} disque(s) ignoré(s) : plus de {MAX_DRIVES} disques, "
            "les rapports ne semblent pas décrire une seule machine."
        )

    return HardwareReport(
        **values,
        device_type=device_type_for(values["chassis"]),
        drives=drives,
        warnings=warnings,
    )


def report_to_json(report: HardwareReport, *, with_warnings: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {key: getattr(report, key) for key in JSON_KEYS if key != "drives"}
    data["drives"] = [{k: getattr(d, k) for k in DRIVE_JSON_KEYS} for d in report.drives]
    if with_warnings:
        data["warnings"] = list(report.warnings)
    return data
