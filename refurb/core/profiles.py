"""Build profiles: the workshop's standard configurations ("Pack famille": 4 Go, SSD 120 Go,
Linux Mint + LibreOffice) and whether one machine meets them, with what is missing in French.

Pure: the workshop domain hands in plain facts; the ready-stock filter mirrors these rules in SQL
and a test keeps both in step.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from refurb.core.device_types import DEVICE_TYPE_LABELS
from refurb.core.machine_words import capacity, french, memory

# Free software first (DOMAIN.md §1: the FERIS workshops encourage it); Windows only with a
# refurbisher licence key.
OPERATING_SYSTEMS: dict[str, str] = {
    "linux_mint": "Linux Mint",
    "debian": "Debian",
    "emmabuntus": "Emmabuntüs",
    "ubuntu": "Ubuntu",
    "primtux": "PrimTux",
    "windows": "Windows",
    "other": "Autre système",
}
FREE_OPERATING_SYSTEMS = frozenset(OPERATING_SYSTEMS) - {"windows", "other"}
LICENCE_KEY_OS = frozenset({"windows"})

DRIVE_KIND_LABELS = {"hdd": "HDD", "ssd": "SSD", "nvme": "SSD NVMe", "emmc": "eMMC",
                     "other": "autre support"}
SOLID_STATE = frozenset({"ssd", "nvme"})
GB = 10**9  # drive makers count in decimal gigabytes, and so do labels ("120 Go")


def software_key(name: str) -> str:
    """Compare software names the way people type them: case, accents and spaces ignored."""
    text = unicodedata.normalize("NFKD", name.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


@dataclass(frozen=True)
class DriveFacts:
    kind: str
    capacity_bytes: int | None


@dataclass(frozen=True)
class MachineFacts:
    device_type: str
    ram_mib: int | None = None
    drives: tuple[DriveFacts, ...] = ()
    os: str | None = None  # key of OPERATING_SYSTEMS, None when nothing is installed
    software: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    name: str
    device_types: frozenset[str] = frozenset()  # empty: any type
    min_ram_mib: int | None = None
    min_storage_gb: int | None = None
    storage_kinds: frozenset[str] = frozenset()  # empty: any kind of drive
    os_names: frozenset[str] = frozenset()  # empty: any system, even none
    software: tuple[str, ...] = ()
    key: int | str | None = field(default=None, compare=False)  # the database id, for links


@dataclass(frozen=True)
class ProfileMatch:
    profile: Profile
    missing: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return not self.missing


def format_ram(mib: int) -> str:
    return french(memory(mib))


def format_capacity(capacity_bytes: int | None) -> str:
    return french(capacity(capacity_bytes)) or "capacité inconnue"


def _labels(keys: Iterable[str], table: dict) -> str:
    # StrEnum keys hash like their values, so plain strings find DEVICE_TYPE_LABELS entries.
    return ", ".join(sorted(table.get(key, key) for key in keys))


def _storage_wanted(profile: Profile) -> str:
    kinds = _labels(profile.storage_kinds, DRIVE_KIND_LABELS) if profile.storage_kinds else (
        "disque")
    if profile.storage_kinds == SOLID_STATE:
        kinds = "SSD"
    size = f" d'au moins {profile.min_storage_gb} Go" if profile.min_storage_gb else ""
    return f"{kinds}{size}"


def drive_meets(profile: Profile, drive: DriveFacts) -> bool:
    if profile.storage_kinds and drive.kind not in profile.storage_kinds:
        return False
    if profile.min_storage_gb:
        return (drive.capacity_bytes or 0) >= profile.min_storage_gb * GB
    return True


def needs_storage(profile: Profile) -> bool:
    return bool(profile.storage_kinds or profile.min_storage_gb)


def match_profile(profile: Profile, facts: MachineFacts) -> ProfileMatch:
    missing: list[str] = []
    if profile.device_types and facts.device_type not in profile.device_types:
        missing.append(
            f"Type d'appareil : {_labels([facts.device_type], DEVICE_TYPE_LABELS)} "
            f"(attendu : {_labels(profile.device_types, DEVICE_TYPE_LABELS)})"
        )
    if profile.min_ram_mib:
        wanted = format_ram(profile.min_ram_mib)
        if not facts.ram_mib:
            missing.append(f"Mémoire vive non renseignée (au moins {wanted})")
        elif facts.ram_mib < profile.min_ram_mib:
            missing.append(f"Mémoire vive : {format_ram(facts.ram_mib)} (au moins {wanted})")
    if needs_storage(profile) and not any(drive_meets(profile, d) for d in facts.drives):
        present = ", ".join(
            f"{DRIVE_KIND_LABELS.get(d.kind, d.kind)} {format_capacity(d.capacity_bytes)}"
            for d in facts.drives
        ) or "aucun support"
        missing.append(f"Stockage : {_storage_wanted(profile)} requis (présent : {present})")
    if profile.os_names:
        wanted = _labels(profile.os_names, OPERATING_SYSTEMS)
        if not facts.os:
            missing.append(f"Système d'exploitation non installé (attendu : {wanted})")
        elif facts.os not in profile.os_names:
            missing.append(
                f"Système d'exploitation : {OPERATING_SYSTEMS.get(facts.os, facts.os)} "
                f"(attendu : {wanted})"
            )
    installed = {software_key(s) for s in facts.software}
    for name in profile.software:
        if software_key(name) not in installed:
            missing.append(f"Logiciel manquant : {name}")
    return ProfileMatch(profile, tuple(missing))


def match_profiles(profiles: Iterable[Profile], facts: MachineFacts) -> list[ProfileMatch]:
    return [match_profile(profile, facts) for profile in profiles]
