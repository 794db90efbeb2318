"""What a household or a school needs, as a social worker notes it on the file, and whether a
ready machine fits it.

Pure: the file's needs and a machine's facts in, a yes or no out. The waiting list counts the
ready stock with `fits`; the stock page filters with the same three facts in SQL
(`acceptable_types`, the memory floor, the webcam), so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_

# The kinds of machine a social worker asks for, and the stock's device types each accepts.
LAPTOP, DESKTOP, TABLET = "laptop", "desktop", "tablet"
KIND_LABELS = {
    LAPTOP: N_("Portable"),
    DESKTOP: N_("Fixe"),
    TABLET: N_("Tablette"),
}
KIND_TYPES: dict[str, frozenset[str]] = {
    LAPTOP: frozenset({DeviceType.LAPTOP.value}),
    DESKTOP: frozenset({DeviceType.DESKTOP.value, DeviceType.ALL_IN_ONE.value,
                        DeviceType.MINI_PC.value}),
    TABLET: frozenset({DeviceType.TABLET.value}),
}
# No kind noted: any machine a household can use on its own.
ANY_COMPUTER = frozenset().union(*KIND_TYPES.values())

MAX_MEMORY_MIB = 256 * 1024
MAX_NOTES = 300


@dataclass(frozen=True)
class Needs:
    kind: str | None = None
    min_ram_mib: int | None = None
    webcam: bool = False
    notes: str = ""  # "clavier adapté", "grand écran"…: read by a person, not matched

    @property
    def noted(self) -> bool:
        return bool(self.kind or self.min_ram_mib or self.webcam or self.notes)


@dataclass(frozen=True)
class Machine:
    device_type: str
    ram_mib: int | None
    webcam: bool  # a passed webcam check at its last quality control


def acceptable_types(needs: Needs) -> frozenset[str]:
    return KIND_TYPES.get(needs.kind or "", ANY_COMPUTER)


def fits(needs: Needs, machine: Machine) -> bool:
    """A machine of an accepted type, with at least the memory asked (unknown memory does not
    count as enough), with a working webcam when one is asked."""
    if machine.device_type not in acceptable_types(needs):
        return False
    if needs.min_ram_mib and (machine.ram_mib or 0) < needs.min_ram_mib:
        return False
    return machine.webcam or not needs.webcam


def count_fitting(needs: Needs, stock: list[tuple[Machine, int]]) -> int:
    """Machines that fit, from the stock counted by profile (machine, how many)."""
    return sum(count for machine, count in stock if fits(needs, machine))


def clean_needs(kind: str | None, min_ram_gib: int | None, webcam: bool,
                notes: str | None) -> Needs:
    """What the file form typed, checked: memory in GiB as people say it ("4 Go")."""
    kind = (kind or "").strip() or None
    if kind is not None and kind not in KIND_TYPES:
        raise InvalidInput(N_("Type de machine demandé inconnu : %(kind)s."), kind=kind)
    if min_ram_gib is not None and not 0 <= min_ram_gib <= MAX_MEMORY_MIB // 1024:
        raise InvalidInput(N_("Mémoire minimale : entre 0 et %(max)s Go."),
                           max=MAX_MEMORY_MIB // 1024)
    text = " ".join((notes or "").split())
    if len(text) > MAX_NOTES:
        raise InvalidInput(N_("Autres besoins : %(max)s caractères au plus."), max=MAX_NOTES)
    return Needs(kind=kind, min_ram_mib=min_ram_gib * 1024 if min_ram_gib else None,
                 webcam=bool(webcam), notes=text)
