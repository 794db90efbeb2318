"""Estimated weights per device type, used at intake when a machine is not weighed; admins
change them on the settings page (refurb.wiring registers WEIGHT_SETTINGS)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from refurb.core.device_types import DEFAULT_WEIGHTS_KG, DeviceType
from refurb.core.i18n import N_
from refurb.extension_points import Definition
from refurb.settings import services as settings

LABELS = {
    DeviceType.DESKTOP: N_("Poids estimé : unité centrale (kg)"),
    DeviceType.LAPTOP: N_("Poids estimé : ordinateur portable (kg)"),
    DeviceType.ALL_IN_ONE: N_("Poids estimé : tout-en-un (kg)"),
    DeviceType.MINI_PC: N_("Poids estimé : mini pc (kg)"),
    DeviceType.SERVER: N_("Poids estimé : serveur (kg)"),
    DeviceType.TABLET: N_("Poids estimé : tablette (kg)"),
    DeviceType.MONITOR: N_("Poids estimé : écran plat (kg)"),
    DeviceType.CRT_MONITOR: N_("Poids estimé : écran cathodique (kg)"),
    DeviceType.PRINTER: N_("Poids estimé : imprimante (kg)"),
    DeviceType.KEYBOARD_MOUSE: N_("Poids estimé : clavier / souris (kg)"),
    DeviceType.PHONE: N_("Poids estimé : téléphone (kg)"),
    DeviceType.OTHER: N_("Poids estimé : autre (kg)"),
}

WEIGHT_SETTINGS = tuple(
    Definition(
        key=f"weight.{kind.value}",
        label=LABELS[kind],
        kind="decimal",
        default=DEFAULT_WEIGHTS_KG[kind],
        help=N_("Utilisé à la réception quand l'appareil n'est pas pesé."),
        minimum=Decimal("0"),
        section=N_("Réception : poids estimés"),
    )
    for kind in DeviceType
)


def weight_overrides(types: Iterable[str] | None = None) -> dict[str, Decimal]:
    known = {t.value for t in DeviceType}
    wanted = known if types is None else known.intersection(types)
    return {kind: Decimal(settings.get(f"weight.{kind}")) for kind in wanted}
