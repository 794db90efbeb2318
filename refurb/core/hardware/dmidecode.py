"""`dmidecode` text output: system identity, chassis, CPU and memory."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import Partial, chassis_name
from .placeholders import clean

_HANDLE = re.compile(r"^Handle (0x[0-9A-Fa-f]+), DMI type \d+")
_TITLES = (
    "System Information",
    "Base Board Information",
    "Chassis Information",
    "Processor Information",
    "Memory Device",
    "Physical Memory Array",
)
_DETECT = re.compile(
    r"^(?:Handle 0x[0-9A-Fa-f]+, DMI type \d+|# dmidecode \d|(?:"
    + "|".join(_TITLES)
    + r")[ \t]*$)",
    re.MULTILINE,
)
_WANTED = frozenset(_TITLES)
_BODY_STARTS = frozenset("\t ")  # a record's body lines are indented
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(bytes|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)\b")
_NOT_RAM_TYPES = {"Flash", "ROM", "EEPROM", "EPROM", "FEPROM"}
_KIB_PER_UNIT = {"bytes": 1 / 1024, "k": 1, "m": 1024, "g": 1024**2, "t": 1024**3}


@dataclass(slots=True)
class _Record:
    title: str
    handle: str | None
    fields: dict[str, str] = field(default_factory=dict)


# The words _DETECT starts with (see smartctl.detect_text: a substring search first).
_DETECT_WORDS = ("Handle 0x", "# dmidecode ", *_TITLES)


def detect(text: str) -> bool:
    return any(word in text for word in _DETECT_WORDS) and bool(_DETECT.search(text))


def _records(text: str, titles: frozenset[str] | None = None) -> list[_Record]:
    """Split into records: a "Handle" line or a blank line ends one; the next line titles it.
    With `titles`, only records so titled are kept.

    Only the shallowest indentation of a record holds its "Key: Value" fields; deeper lines
    are lists (Flags, Characteristics, OEM strings) whose colons must not count.
    """
    records: list[_Record] = []
    if titles is None:
        _scan(text.splitlines(), None, records)
        return records
    # A blank line ends whatever came before it, so the text between two is read on its own,
    # and one that holds none of the titles cannot hold a record asked for: only the stretches
    # around each title found by a substring search are read line by line (a report has
    # ~1,000 lines, a tenth of them in the records asked for).
    starts = set()
    for title in titles:
        at = text.find(title)
        while at >= 0:
            starts.add(text.rfind("\n\n", 0, at) + 2)  # 1 when none: the text's start
            at = text.find(title, at + len(title))
    for start in sorted(starts):
        start = 0 if start == 1 else start
        end = text.find("\n\n", start)
        _scan((text[start:] if end < 0 else text[start:end]).splitlines(), titles, records)
    return records


def _scan(lines: list[str], titles: frozenset[str] | None, records: list[_Record]) -> None:
    current: _Record | None = None
    skipping = False  # in the body of a record not asked for
    handle: str | None = None
    base_indent: int | None = None
    for line in lines:
        if skipping and line[:1] in _BODY_STARTS and line.strip():
            continue
        stripped = line.strip()
        if not stripped:
            current, handle, skipping = None, None, False
            continue
        if line.startswith("Handle "):  # the cheap test first
            match = _HANDLE.match(line)
            if match:
                current, handle, skipping = None, match.group(1).lower(), False
                continue
        if skipping:
            continue
        indent = len(line) - len(line.lstrip())
        if current is None:
            if indent and ":" in line:
                continue  # body of a record whose title we never saw (truncated paste)
            if titles is not None and stripped not in titles:
                skipping = True
                continue
            current = _Record(title=stripped, handle=handle)
            records.append(current)
            base_indent = None
            continue
        key, sep, value = stripped.partition(":")
        if not sep:
            continue
        if base_indent is None:
            base_indent = indent
        if indent > base_indent:
            continue
        current.fields.setdefault(key.strip(), value.strip())


def _size_kib(size: str) -> int | None:
    """KiB in a Memory Device "Size", 0 when no module, None when unreadable."""
    match = _SIZE.match(size)
    if not match:
        return 0 if re.match(r"(No Module Installed|Not Installed|None|0\b)", size, re.I) else None
    unit = match.group(2)
    factor = _KIB_PER_UNIT["bytes" if unit == "bytes" else unit[0].lower()]
    return int(float(match.group(1)) * factor)


def parse(text: str) -> Partial:
    out = Partial(source="dmidecode")
    records = _records(text, _WANTED)
    by_title: dict[str, list[_Record]] = {}
    for rec in records:
        by_title.setdefault(rec.title, []).append(rec)

    if "DMI table is broken" in text or "Wrong DMI structures length" in text:
        out.warnings.append(
            "dmidecode : la table DMI est signalée comme endommagée, des valeurs peuvent manquer."
        )

    system = by_title.get("System Information", [])
    if system:
        fields = system[0].fields
        out.manufacturer = clean(fields.get("Manufacturer"))
        out.model = clean(fields.get("Product Name"))
        out.serial = clean(fields.get("Serial Number"))
    else:
        out.warnings.append("dmidecode : pas de section « System Information ».")
    board = by_title.get("Base Board Information", [])
    if system and not (out.manufacturer and out.model) and board:
        # Whitebox PCs: the board is the only identity the firmware gives; say so, do not
        # pretend the board maker built the machine.
        fields = board[0].fields
        name = " ".join(
            v for v in (clean(fields.get("Manufacturer")), clean(fields.get("Product Name"))) if v
        )
        if name:
            out.warnings.append(
                f"dmidecode : fabricant ou modèle non renseigné par le constructeur "
                f"(carte mère : {name})."
            )

    chassis = by_title.get("Chassis Information", [])
    if chassis:
        out.chassis = chassis_name(clean(chassis[0].fields.get("Type")))

    out.cpu = _cpu(by_title.get("Processor Information", []))
    if by_title.get("Processor Information") and out.cpu is None:
        out.warnings.append("dmidecode : modèle de processeur non renseigné.")

    _memory(out, by_title)
    return out


def _cpu(processors: list[_Record]) -> str | None:
    for rec in processors:
        fields = rec.fields
        if fields.get("Type") in ("Math Processor", "DSP Processor", "Video Processor"):
            continue
        status = fields.get("Status", "")
        if status and not status.startswith("Populated"):
            continue
        version = clean(fields.get("Version"))
        if version:
            return version
    return None


def _memory(out: Partial, by_title: dict[str, list[_Record]]) -> None:
    devices = by_title.get("Memory Device", [])
    if not devices:
        out.warnings.append("dmidecode : aucune barrette mémoire décrite, RAM inconnue.")
        return
    # Some firmwares also describe flash or video memory as Memory Devices of another array.
    not_system = {
        rec.handle
        for rec in by_title.get("Physical Memory Array", [])
        if rec.handle and rec.fields.get("Use", "System Memory") != "System Memory"
    }
    total_kib = 0
    populated = 0
    unreadable = 0
    for rec in devices:
        if rec.fields.get("Array Handle", "").lower() in not_system:
            continue
        if rec.fields.get("Type") in _NOT_RAM_TYPES:  # same, when handles are gone (-q)
            continue
        kib = _size_kib(rec.fields.get("Size", ""))
        if kib is None:
            unreadable += 1
        elif kib > 0:
            total_kib += kib
            populated += 1
    if unreadable:
        out.warnings.append(
            f"dmidecode : taille illisible pour {unreadable} emplacement(s) mémoire."
        )
    if populated:
        out.ram_mib = total_kib // 1024
        out.ram_slots_used = populated
    else:
        out.warnings.append("dmidecode : aucune barrette mémoire détectée, RAM inconnue.")
