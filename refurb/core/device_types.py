"""Device types, their French names and the default weights used when nothing was weighed."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from refurb.core.i18n import N_


class DeviceType(StrEnum):
    DESKTOP = "desktop"
    LAPTOP = "laptop"
    ALL_IN_ONE = "all_in_one"
    MINI_PC = "mini_pc"
    SERVER = "server"
    TABLET = "tablet"
    MONITOR = "monitor"
    CRT_MONITOR = "crt_monitor"
    PRINTER = "printer"
    KEYBOARD_MOUSE = "keyboard_mouse"
    PHONE = "phone"
    OTHER = "other"


DEVICE_TYPE_LABELS = {
    DeviceType.DESKTOP: N_("Unité centrale"),
    DeviceType.LAPTOP: N_("Ordinateur portable"),
    DeviceType.ALL_IN_ONE: N_("Tout-en-un"),
    DeviceType.MINI_PC: N_("Mini PC"),
    DeviceType.SERVER: N_("Serveur"),
    DeviceType.TABLET: N_("Tablette"),
    DeviceType.MONITOR: N_("Écran plat"),
    DeviceType.CRT_MONITOR: N_("Écran cathodique"),
    DeviceType.PRINTER: N_("Imprimante"),
    DeviceType.KEYBOARD_MOUSE: N_("Clavier / souris"),
    DeviceType.PHONE: N_("Téléphone"),
    DeviceType.OTHER: N_("Autre"),
}

# DOMAIN.md §4 (EMPA/ecoinvent); admins may override them in settings.
DEFAULT_WEIGHTS_KG: dict[DeviceType, Decimal] = {
    DeviceType.DESKTOP: Decimal("10"),
    DeviceType.LAPTOP: Decimal("3"),
    DeviceType.ALL_IN_ONE: Decimal("8"),
    DeviceType.MINI_PC: Decimal("1.5"),
    DeviceType.SERVER: Decimal("20"),
    DeviceType.TABLET: Decimal("0.6"),
    DeviceType.MONITOR: Decimal("5"),
    DeviceType.CRT_MONITOR: Decimal("12"),
    DeviceType.PRINTER: Decimal("7"),
    DeviceType.KEYBOARD_MOUSE: Decimal("0.8"),
    DeviceType.PHONE: Decimal("0.2"),
    DeviceType.OTHER: Decimal("2"),
}


def estimated_weight(device_type: str, overrides: dict[str, Decimal] | None = None) -> Decimal:
    kind = DeviceType(device_type)
    if overrides and kind.value in overrides:
        return Decimal(overrides[kind.value])
    return DEFAULT_WEIGHTS_KG[kind]
