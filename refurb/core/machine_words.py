"""A machine in plain words, for people who are not technicians: "Portable 15,6 pouces, 8 Go de
mémoire, SSD 256 Go, Linux Mint", and the one formatter of memory and drive sizes.

Pure: words are msgids inside core Messages (`refurb.web.translate` renders them in the
reader's language, `str()` in French, as labels and documents print them); numbers are written
with the decimal mark the caller gives (",", or "." for English).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import Message, render
from refurb.core.i18n import N_

# Drive makers count in powers of ten (a "1 To" drive holds 10**12 bytes); memory is sold in
# powers of two (8 Go = 8192 MiB).
DECIMAL_UNITS = ((10**12, N_("%(size)s To")), (10**9, N_("%(size)s Go")),
                 (10**6, N_("%(size)s Mo")), (10**3, N_("%(size)s ko")))
BYTES = N_("%(size)s o")
MIB_GB = N_("%(size)s Go")
MIB_MB = N_("%(size)s Mo")

# What a family calls the machine (the inventory's names are longer: "Unité centrale").
PLAIN_TYPES = {
    DeviceType.LAPTOP: N_("Portable"),
    DeviceType.DESKTOP: N_("Ordinateur fixe"),
    DeviceType.ALL_IN_ONE: N_("Tout-en-un"),
    DeviceType.MINI_PC: N_("Mini PC"),
    DeviceType.TABLET: N_("Tablette"),
    DeviceType.MONITOR: N_("Écran"),
    DeviceType.PHONE: N_("Téléphone"),
}
# NVMe, SATA… are the workshop's business: a family needs to know "SSD" (fast) or "disque dur".
PLAIN_DRIVES = {"ssd": N_("SSD %(size)s"), "nvme": N_("SSD %(size)s"),
                "hdd": N_("disque dur %(size)s"), "emmc": N_("mémoire eMMC %(size)s")}
OTHER_DRIVE = N_("stockage %(size)s")


def decimal_text(value: float | Decimal, mark: str = ",") -> str:
    """One decimal at most, no useless zero: 8 → "8", 15.6 → "15,6" (or "15.6")."""
    text = f"{float(value):.1f}".rstrip("0").rstrip(".")
    return text.replace(".", mark)


def capacity(capacity_bytes: int | None, mark: str = ",") -> Message | None:
    """A drive's size in decimal units, as printed on it: 10**12 → "1 To" / "1 TB"."""
    if not capacity_bytes or capacity_bytes <= 0:
        return None
    for size, msgid in DECIMAL_UNITS:
        if capacity_bytes >= size:
            # Exact sizes as printed on the drive ("1 To"); others keep their rounding visible
            # ("1,0 To" for 1,000,204,886,016 bytes).
            text = (str(capacity_bytes // size) if capacity_bytes % size == 0
                    else f"{capacity_bytes / size:.1f}".replace(".", mark))
            return Message(msgid, {"size": text})
    return Message(BYTES, {"size": str(capacity_bytes)})


def memory(ram_mib: int | None, mark: str = ",") -> Message | None:
    """Memory in binary units, as sold: 8192 MiB → "8 Go" / "8 GB", 512 → "512 Mo"."""
    if not ram_mib or ram_mib <= 0:
        return None
    if ram_mib < 1024:
        return Message(MIB_MB, {"size": str(ram_mib)})
    return Message(MIB_GB, {"size": decimal_text(ram_mib / 1024, mark)})


def french(message: Message | None) -> str:
    """The French text (labels, documents, history details): "" for an unknown size."""
    return render(message) if message is not None else ""


@dataclass(frozen=True)
class Joined(Message):
    """Parts rendered one after the other, separated by a comma."""

    parts: tuple = field(default=())

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return ", ".join(render(part, translate) for part in self.parts)


@dataclass(frozen=True)
class MachineFacts:
    device_type: str
    ram_mib: int | None = None
    screen_inches: Decimal | float | None = None
    drives: tuple[tuple[str, int | None], ...] = ()  # (kind, capacity in bytes)
    system: str = ""  # the installed system's name ("Linux Mint 21"), "" when none


def _type_words(facts: MachineFacts, mark: str) -> Message:
    try:
        kind = DeviceType(facts.device_type)
    except ValueError:
        return Message(N_("Appareil"))
    name = Message(PLAIN_TYPES.get(kind) or DEVICE_TYPE_LABELS[kind])
    if facts.screen_inches and facts.screen_inches > 0:
        return Message(N_("%(type)s %(inches)s pouces"),
                       {"type": name, "inches": decimal_text(facts.screen_inches, mark)})
    return name


def _drive_words(kind: str, size: int | None, mark: str) -> Message | None:
    words = capacity(size, mark)
    if words is None:
        return None
    return Message(PLAIN_DRIVES.get(kind, OTHER_DRIVE), {"size": words})


def describe_machine(facts: MachineFacts, mark: str = ",") -> Joined:
    """"Portable 15,6 pouces, 8 Go de mémoire, SSD 256 Go, Linux Mint": what is unknown is left
    out; drives of unknown size too."""
    parts: list = [_type_words(facts, mark)]
    ram = memory(facts.ram_mib, mark)
    if ram is not None:
        parts.append(Message(N_("%(size)s de mémoire"), {"size": ram}))
    parts.extend(words for kind, size in facts.drives
                 if (words := _drive_words(kind, size, mark)) is not None)
    if facts.system.strip():
        parts.append(facts.system.strip())
    return Joined("", {}, tuple(parts))
