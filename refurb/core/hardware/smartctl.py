"""`smartctl -x` / `-a` text and `smartctl --json -a` output, one drive per report."""

from __future__ import annotations

import re
from typing import Any

from .base import DriveReport, Partial, as_dict, as_list, digits_int, load_json, to_int
from .placeholders import clean

# Beyond ~28 years powered on the number is a misread unit, not a drive's life.
MAX_POWER_ON_HOURS = 250_000

_INFO_SECTION = "=== START OF INFORMATION SECTION ==="
_DETECT_TEXT = re.compile(
    r"^(?:smartctl \d+\.\d+|=== START OF [A-Z ]*SECTION ===|SMART overall-health"
    r"|SMART Health Status:|Device Model:|Model Number:)",
    re.MULTILINE,
)
_NVME_MARKERS = re.compile(
    r"^(?:Model Number|NVMe Version|Total NVM Capacity|PCI Vendor/Subsystem ID):"
    r"|NVMe Log|Namespace 1 Size/Capacity",
    re.MULTILINE,
)
_ATTRIBUTE = re.compile(r"^\s*(\d{1,3})\s+([A-Za-z][\w-]*)\s+(.*)$")
_FLAGS = re.compile(r"(0x[0-9a-fA-F]{4})|[P-][O-][S-][R-][C-][K-]")
# Attributes only flash drives have, and those only spinning drives have.
_SSD_ATTRIBUTES = frozenset({
    "Wear_Leveling_Count", "Media_Wearout_Indicator", "SSD_Life_Left", "Percent_Lifetime_Remain",
    "Percent_Lifetime_Used", "Remaining_Lifetime_Perc", "Used_Rsvd_Blk_Cnt_Tot",
    "Unused_Rsvd_Blk_Cnt_Tot", "Available_Reservd_Space", "Wear_Range_Delta",
})  # fmt: skip
_HDD_ATTRIBUTES = frozenset({
    "Spin_Up_Time", "Spin_Retry_Count", "Head_Flying_Hours", "Seek_Error_Rate",
    "Seek_Time_Performance", "Calibration_Retry_Count", "Head_Stability",
})  # fmt: skip


# --- shared ---------------------------------------------------------------------------------


def _kind_from_attributes(names: set[str], model: str | None) -> str | None:
    if names & _SSD_ATTRIBUTES or any("NAND" in n for n in names):
        return "ssd"
    if model and re.search(r"\bSSD\b|Solid State", model, re.I):
        return "ssd"
    if names & _HDD_ATTRIBUTES:
        return "hdd"
    return None


def _scaled_hours(name: str, raw: str) -> int | None:
    """Attribute 9 raw value in hours; some vendors count minutes or seconds."""
    match = re.match(r"\s*(\d{1,12})", raw)
    if not match:
        return None
    value = int(match.group(1))
    if re.match(r"\s*\d+h\+", raw):  # "12345h+12m+05.123s" already leads with hours
        return value
    lowered = name.lower()
    if "half_min" in lowered:
        return value // 120
    if "minute" in lowered:
        return value // 60
    if "second" in lowered:
        return value // 3600
    return value


def _checked_hours(hours: int | None, warnings: list[str], label: str) -> int | None:
    if hours is not None and hours > MAX_POWER_ON_HOURS:
        warnings.append(f"smartctl : heures de fonctionnement invraisemblables ({hours}) {label}.")
        return None
    return hours


def _usable(drive: DriveReport) -> bool:
    return any(v is not None for v in (drive.model, drive.serial, drive.capacity_bytes))


# --- text -----------------------------------------------------------------------------------


# The words _DETECT_TEXT starts with: tried at every position of a long paste (a dmidecode
# dump), the expression cost more than parsing a drive; a substring search is ten times faster.
_DETECT_WORDS = ("smartctl ", "=== START OF ", "SMART overall-health", "SMART Health Status:",
                 "Device Model:", "Model Number:")


def detect_text(text: str) -> bool:
    return any(word in text for word in _DETECT_WORDS) and bool(_DETECT_TEXT.search(text))


def parse_text(text: str) -> Partial:
    out = Partial(source="smartctl")
    # Several drives pasted one after another: each starts its own information section.
    chunks = text.split(_INFO_SECTION) if text.count(_INFO_SECTION) > 1 else [text]
    for chunk in chunks:
        if not chunk.strip():
            continue
        drive = _parse_text_drive(chunk, out.warnings)
        if _usable(drive):
            out.drives.append(drive)
    if not out.drives:
        error = re.search(r"^(?:Smartctl open device|.*(?:failed|Unable to detect)).*$", text,
                          re.MULTILINE | re.IGNORECASE)  # fmt: skip
        detail = f" ({error.group(0).strip()[:120]})" if error else ""
        out.warnings.append(f"smartctl : aucun disque lisible dans le rapport{detail}.")
    return out


def _fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and not key[0].isspace():
            fields.setdefault(" ".join(key.split()).lower(), value.strip())
    return fields


def _text_capacity(fields: dict[str, str]) -> int | None:
    # NVMe: the whole device ("Total NVM"), else its first namespace; ATA/SCSI: "User Capacity".
    for key in ("total nvm capacity", "namespace 1 size/capacity", "user capacity"):
        value = fields.get(key)
        if value:
            number = re.split(r"bytes|\[", value, maxsplit=1)[0]
            capacity = digits_int(number)
            if capacity:
                return capacity
    return None


def _parse_text_drive(text: str, warnings: list[str]) -> DriveReport:
    fields = _fields(text)
    model = _text_model(fields)
    attributes, names = _text_attributes(text)
    hours = _checked_hours(_text_hours(text, fields, attributes), warnings,
                           f"pour {model or 'un disque'}")
    return DriveReport(
        model=model,
        serial=clean(fields.get("serial number")),  # SCSI: "Serial number" (keys are lowered)
        capacity_bytes=_text_capacity(fields),
        kind=_text_kind(text, fields, names, model),
        power_on_hours=hours,
        smart_passed=_text_health(fields),
    )


def _text_model(fields: dict[str, str]) -> str | None:
    model = clean(fields.get("device model")) or clean(fields.get("model number"))
    if model is None:
        vendor = clean(fields.get("vendor"))  # SCSI/SAS: "Vendor:" + "Product:"
        product = clean(fields.get("product"))
        model = " ".join(v for v in (vendor if vendor != "ATA" else None, product) if v) or None
    return model


def _text_attributes(text: str) -> tuple[dict[int, tuple[str, str]], set[str]]:
    """SMART attributes: id → (name, raw value), and the set of names seen."""
    attributes: dict[int, tuple[str, str]] = {}
    names: set[str] = set()
    for line in text.splitlines():
        match = _ATTRIBUTE.match(line)
        if not match:
            continue
        tokens = match.group(3).split()
        # -x: FLAGS VALUE WORST THRESH FAIL RAW; -a: FLAG VALUE WORST THRESH TYPE UPDATED WHEN RAW.
        # Checking the flags column keeps hex dumps (dmidecode pasted alongside) out.
        flags = _FLAGS.fullmatch(tokens[0]) if tokens else None
        skip = 7 if flags and flags.group(1) else 5
        if not flags or len(tokens) <= skip or not tokens[1].isdigit():
            continue
        names.add(match.group(2))
        attributes.setdefault(int(match.group(1)), (match.group(2), " ".join(tokens[skip:])))
    return attributes, names


def _text_kind(text: str, fields: dict[str, str], names: set[str],
               model: str | None) -> str | None:
    rotation = fields.get("rotation rate", "")
    if _NVME_MARKERS.search(text):
        return "nvme"
    if re.search(r"solid state", rotation, re.I):
        return "ssd"
    if re.search(r"\d+\s*rpm", rotation, re.I):
        return "hdd"
    # No usable "Rotation Rate" line: judge from what the drive reports.
    kind = _kind_from_attributes(names, model)
    if kind is None and re.search(r"^TRIM Command:\s+Available", text, re.M):
        kind = "ssd"
    return kind


def _text_hours(text: str, fields: dict[str, str],
                attributes: dict[int, tuple[str, str]]) -> int | None:
    if 9 in attributes:
        return _scaled_hours(*attributes[9])
    if fields.get("power on hours"):  # NVMe, "7,761"
        return digits_int(fields["power on hours"].split("[")[0])
    match = re.search(r"Accumulated power on time, hours:minutes (\d+):", text)  # SCSI
    if match is None:
        match = re.search(r"^\s*0x01\s+0x010\s+\d+\s+(\d+)\s.*Power-on Hours", text, re.M)
    return int(match.group(1)[:12]) if match else None


def _text_health(fields: dict[str, str]) -> bool | None:
    health = fields.get("smart overall-health self-assessment test result", "")
    if health.upper().startswith("PASSED"):
        return True
    if health.upper().startswith("FAILED"):
        return False
    if fields.get("smart health status"):  # SCSI: "OK" or the failure reason
        return fields["smart health status"].upper().startswith("OK")
    return None


# --- JSON -----------------------------------------------------------------------------------


def _is_smartctl_doc(doc: Any) -> bool:
    return isinstance(doc, dict) and ("smartctl" in doc or "json_format_version" in doc)


def detect_json(text: str) -> bool:
    doc = load_json(text)
    if isinstance(doc, list):  # several reports saved into one array
        return bool(doc) and all(_is_smartctl_doc(d) for d in doc)
    return _is_smartctl_doc(doc)


def parse_json(text: str) -> Partial:
    out = Partial(source="smartctl")
    doc = load_json(text)
    for item in doc if isinstance(doc, list) else [doc]:
        if not isinstance(item, dict):
            continue
        for message in as_list(as_dict(item.get("smartctl")).get("messages")):
            message = as_dict(message)
            text_ = clean(message.get("string"))
            if text_ and message.get("severity") == "error":
                out.warnings.append(f"smartctl : {text_[:200]}")
        drive = _parse_json_drive(item, out.warnings)
        if _usable(drive):
            out.drives.append(drive)
    if not out.drives:
        out.warnings.append("smartctl : aucun disque lisible dans le rapport JSON.")
    return out


def _parse_json_drive(doc: dict, warnings: list[str]) -> DriveReport:
    device = as_dict(doc.get("device"))
    model = clean(doc.get("model_name")) or clean(doc.get("scsi_model_name"))
    if model is None:
        parts = (
            clean(doc.get("scsi_vendor") or doc.get("vendor")),
            clean(doc.get("scsi_product") or doc.get("product")),
        )
        model = " ".join(p for p in parts if p) or None

    namespaces = [as_dict(as_dict(ns).get("size")).get("bytes") for ns in
                  as_list(doc.get("nvme_namespaces"))]  # fmt: skip
    capacity = next(
        (c for c in (
            to_int(doc.get("nvme_total_capacity")),
            to_int(as_dict(doc.get("user_capacity")).get("bytes")),
            *(to_int(n) for n in namespaces),
        ) if c),
        None,
    )  # fmt: skip

    table = as_list(as_dict(doc.get("ata_smart_attributes")).get("table"))
    attributes = [a for a in table if isinstance(a, dict)]
    names = {a["name"] for a in attributes if isinstance(a.get("name"), str)}
    protocol = f"{device.get('protocol', '')} {device.get('type', '')}"
    rotation = doc.get("rotation_rate")
    if "nvme" in protocol.lower() or "nvme_smart_health_information_log" in doc:
        kind = "nvme"
    elif to_int(rotation) == 0:
        kind = "ssd"
    elif to_int(rotation):
        kind = "hdd"
    else:
        kind = _kind_from_attributes(names, model)

    hours = to_int(as_dict(doc.get("power_on_time")).get("hours"))
    if hours is None:
        hours = to_int(as_dict(doc.get("nvme_smart_health_information_log")).get("power_on_hours"))
    if hours is None:
        for attr in attributes:
            if attr.get("id") == 9:
                raw = as_dict(attr.get("raw"))
                raw_text = raw.get("string") if isinstance(raw.get("string"), str) else ""
                value = to_int(raw.get("value"))
                name = attr.get("name") if isinstance(attr.get("name"), str) else ""
                hours = _scaled_hours(name, raw_text or str(value if value is not None else ""))
                break
    hours = _checked_hours(hours, warnings, f"pour {model or 'un disque'}")

    passed = as_dict(doc.get("smart_status")).get("passed")
    return DriveReport(
        model=model,
        serial=clean(doc.get("serial_number")),
        capacity_bytes=capacity,
        kind=kind,
        power_on_hours=hours,
        smart_passed=passed if isinstance(passed, bool) else None,
    )
