"""`lshw -json` output: a tree of nodes (an object, or a list of them in recent versions)."""

from __future__ import annotations

import re
from typing import Any

from .base import (
    DriveReport,
    Partial,
    as_dict,
    as_list,
    chassis_name,
    known_chassis,
    load_json,
    to_int,
)
from .placeholders import clean

MAX_NODES = 20_000  # a real tree has a few hundred; bounds the work on hostile input
_OPTICAL = re.compile(r"\b(DVD|CD-?ROM|CD-?RW|CD-?R|BD|Blu-?ray|optical)\b", re.I)
_OPTICAL_CAPS = {"cd-r", "cd-rw", "dvd", "dvd-r", "dvd-ram", "bd", "audio"}


def _is_node(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and "smartctl" not in value
        and ("class" in value or ("id" in value and "children" in value))
    )


def detect(text: str) -> bool:
    doc = load_json(text)
    if isinstance(doc, list):
        return any(_is_node(item) for item in doc)
    return _is_node(doc)


def _text(node: dict, key: str) -> str:
    value = node.get(key)
    if isinstance(value, list):  # "logicalname" is a list when a node has several
        return " ".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _walk(roots: list) -> list[tuple[dict, dict | None, bool]]:
    """(node, parent, behind_usb) in document order, iteratively: no recursion limit to hit."""
    found: list[tuple[dict, dict | None, bool]] = []
    stack: list[tuple[Any, dict | None, bool]] = [(r, None, False) for r in reversed(roots)]
    while stack and len(found) < MAX_NODES:
        node, parent, usb = stack.pop()
        if not isinstance(node, dict):
            continue
        usb = usb or _text(node, "businfo").startswith("usb@")
        found.append((node, parent, usb))
        stack.extend((child, node, usb) for child in reversed(as_list(node.get("children"))))
    return found


def _system_product(node: dict) -> str | None:
    """lshw appends the SKU to the product: "20L6S52C0L (LENOVO_MT_20L6_BU_Think_FM_...)"."""
    product = clean(node.get("product"))
    if product is None:
        return None
    sku = clean(as_dict(node.get("configuration")).get("sku"))
    if sku and product.endswith(f" ({sku})"):
        return clean(product[: -len(sku) - 3])
    match = re.fullmatch(r"(.*) \(([^()]*)\)", product)
    if match and clean(match.group(2)) is None:  # "To Be Filled By O.E.M. (Default string)"
        return clean(match.group(1))
    return product


def parse(text: str) -> Partial:
    out = Partial(source="lshw")
    doc = load_json(text)
    nodes = _walk(doc if isinstance(doc, list) else [doc])

    system = next((n for n, _, _ in nodes if n.get("class") == "system"), None)
    if system is not None:
        out.manufacturer = clean(system.get("vendor"))
        out.model = _system_product(system)
        out.serial = clean(system.get("serial"))
        chassis = clean(as_dict(system.get("configuration")).get("chassis"))
        if chassis is None:  # older lshw: only "description": "Notebook", "Desktop Computer"
            chassis = known_chassis(clean(system.get("description")))
        out.chassis = chassis_name(chassis)

    out.cpu = next(
        (clean(n.get("product")) for n, _, _ in nodes
         if n.get("class") == "processor" and not n.get("disabled") and clean(n.get("product"))),
        None,
    )  # fmt: skip

    _memory(out, nodes)
    for node, parent, usb in nodes:
        if node.get("class") == "disk":
            _disk(out, node, parent, usb)
    return out


def _memory(out: Partial, nodes: list[tuple[dict, dict | None, bool]]) -> None:
    arrays = [
        n for n, _, _ in nodes
        if n.get("class") == "memory" and _text(n, "description").lower() == "system memory"
    ]  # fmt: skip
    banks = [
        to_int(b.get("size")) or 0
        for a in arrays
        for b in as_list(a.get("children"))
        if isinstance(b, dict) and b.get("class") == "memory"
    ]
    if any(banks):
        out.ram_mib = sum(banks) // 2**20
        out.ram_slots_used = sum(1 for b in banks if b)
    else:  # no DMI (not run as root, VM): lshw falls back to the kernel's total
        total = sum(to_int(a.get("size")) or 0 for a in arrays)
        out.ram_mib = total // 2**20 or None


def _disk(out: Partial, node: dict, parent: dict | None, usb: bool) -> None:
    caps = set(as_dict(node.get("capabilities")))
    description = _text(node, "description")
    if (
        _text(node, "id").startswith("cdrom")
        or caps & _OPTICAL_CAPS
        or _OPTICAL.search(description)
    ):
        return
    size = to_int(node.get("size"))
    if not size:  # empty card reader, media placeholder
        return
    parent = parent if parent is not None and parent.get("class") == "storage" else {}
    model = clean(node.get("product")) or clean(parent.get("product"))
    if usb:  # most likely the technician's boot key, not part of the machine
        out.warnings.append(f"lshw : disque USB ignoré ({model or _text(node, 'logicalname')}).")
        return
    where = " ".join(
        (_text(node, "businfo"), _text(node, "logicalname"), description,
         _text(parent, "description"), _text(parent, "logicalname"))
    )  # fmt: skip
    if re.search(r"nvme", where, re.I):
        kind = "nvme"
    elif re.search(r"mmcblk|mmc@", where):
        kind = "emmc"
    elif caps & {"ssd", "nonrotational"} or re.search(r"\bSSD\b", model or ""):
        kind = "ssd"
    else:
        kind = None
    out.drives.append(
        DriveReport(
            model=model,
            serial=clean(node.get("serial")) or clean(parent.get("serial")),
            capacity_bytes=size,
            kind=kind,
        )
    )
