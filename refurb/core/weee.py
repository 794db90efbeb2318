"""WEEE (DEEE) rules: categories, waste codes, treatment operations, weights and the
reuse / recycling rates. Pure: no Flask, no SQLAlchemy.

Sources: directive 2012/19/EU annex III (categories), the European waste list (codes, an
asterisk marks hazardous waste), Trackdéchets registry V2 (`OutgoingWasteLineInput`, operation
codes and the treatment modes each one allows). The rates are in `refurb.core.weee_rates`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_

# -- categories (2012/19/EU annex III, since 15 August 2018) --------------------------------
CATEGORY_LABELS: dict[int, str] = {
    1: N_("1 — Équipements d'échange thermique"),
    2: N_("2 — Écrans, moniteurs et équipements comprenant des écrans > 100 cm²"),
    3: N_("3 — Lampes"),
    4: N_("4 — Gros équipements (une dimension > 50 cm)"),
    5: N_("5 — Petits équipements"),
    6: N_("6 — Petits équipements informatiques et de télécommunications"),
}

# A laptop, a tablet or an all-in-one carries a screen over 100 cm²: category 2, like monitors.
# Towers, mini PCs, keyboards, phones (screen under 100 cm²) and desktop printers have no side
# over 50 cm: category 6. A rack server usually has: category 4.
DEVICE_CATEGORY: dict[DeviceType, int] = {
    DeviceType.DESKTOP: 6,
    DeviceType.LAPTOP: 2,
    DeviceType.ALL_IN_ONE: 2,
    DeviceType.MINI_PC: 6,
    DeviceType.SERVER: 4,
    DeviceType.TABLET: 2,
    DeviceType.MONITOR: 2,
    DeviceType.CRT_MONITOR: 2,
    DeviceType.PRINTER: 6,
    DeviceType.KEYBOARD_MOUSE: 6,
    DeviceType.PHONE: 6,
    DeviceType.OTHER: 6,
}


def category_for(device_type: str) -> int:
    try:
        return DEVICE_CATEGORY[DeviceType(device_type)]
    except ValueError:
        raise InvalidInput(N_("Type d'appareil inconnu : %(type)s"), type=device_type) from None


def validate_category(value: object) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        number = 0
    if number not in CATEGORY_LABELS:
        raise InvalidInput(N_("Catégorie DEEE : un nombre de 1 à 6."))
    return number


# -- waste codes ---------------------------------------------------------------------------
WASTE_CODE_LABELS: dict[str, str] = {
    "16 02 14": N_("Équipements mis au rebut sans composants dangereux"),
    "16 02 13*": N_("Équipements mis au rebut contenant des composants dangereux"),
    "16 02 16": N_("Composants retirés des équipements mis au rebut"),
    "16 02 15*": N_("Composants dangereux retirés des équipements mis au rebut"),
    "20 01 36": N_("Équipements électriques et électroniques mis au rebut (déchets municipaux)"),
    "20 01 35*": N_("Équipements électriques et électroniques mis au rebut contenant des "
                    "composants dangereux (déchets municipaux)"),
}
WASTE_CODES = tuple(WASTE_CODE_LABELS)

_WASTE_CODE_SHAPE = re.compile(r"^(\d{2})[\s.\-]*(\d{2})[\s.\-]*(\d{2})\s*(\*?)$")


def normalise_waste_code(value: object) -> str:
    """"160214", "16-02-14", "16 02 13 *" → the canonical "16 02 14" / "16 02 13*"."""
    text = str(value or "").strip()
    match = _WASTE_CODE_SHAPE.match(text)
    code = f"{match[1]} {match[2]} {match[3]}{match[4]}" if match else text
    if code not in WASTE_CODE_LABELS:
        # Same digits without the asterisk (or with one too many) is the usual slip: say so.
        bare = code.rstrip("*")
        twin = next((c for c in WASTE_CODES if c.rstrip("*") == bare), None)
        if twin:
            raise InvalidInput(N_("Code déchet « %(code)s » non pris en charge ; codes DEEE "
                                  "possibles : %(codes)s. Vouliez-vous dire « %(twin)s » ?"),
                               code=text, codes=", ".join(WASTE_CODES), twin=twin)
        raise InvalidInput(N_("Code déchet « %(code)s » non pris en charge ; codes DEEE "
                              "possibles : %(codes)s."), code=text, codes=", ".join(WASTE_CODES))
    return code


def is_hazardous(waste_code: str) -> bool:
    return normalise_waste_code(waste_code).endswith("*")


def compact_waste_code(waste_code: str) -> str:
    """"16 02 13*" → "160213" (for identifiers)."""
    return normalise_waste_code(waste_code).replace(" ", "").rstrip("*")


# A CRT holds leaded glass: hazardous. Everything else defaults to the plain code and an
# admin picks the starred one when a machine still holds batteries or a mercury backlight.
def default_device_waste_code(device_type: str) -> str:
    return "16 02 13*" if device_type == DeviceType.CRT_MONITOR else "16 02 14"


class PartKind(StrEnum):
    DEVICE = "device"
    DRIVE = "drive"
    BATTERY = "battery"
    CABLE = "cable"
    SCREEN = "screen"
    OTHER = "other"


PART_KIND_LABELS: dict[PartKind, str] = {
    PartKind.DEVICE: N_("Appareil"),
    PartKind.DRIVE: N_("Disque détruit"),
    PartKind.BATTERY: N_("Batteries"),
    PartKind.CABLE: N_("Câbles"),
    PartKind.SCREEN: N_("Dalles d'écran"),
    PartKind.OTHER: N_("Autres composants"),
}
LOOSE_KINDS = tuple(k for k in PartKind if k != PartKind.DEVICE)

# Components removed from equipment are 16 02 16; batteries count among the hazardous ones.
PART_DEFAULTS: dict[PartKind, tuple[int, str]] = {
    PartKind.DRIVE: (6, "16 02 16"),
    PartKind.BATTERY: (6, "16 02 15*"),
    PartKind.CABLE: (6, "16 02 16"),
    PartKind.SCREEN: (2, "16 02 16"),
    PartKind.OTHER: (6, "16 02 16"),
}


def validate_kind(value: object, *, loose: bool = True) -> PartKind:
    try:
        kind = PartKind(str(value))
    except ValueError:
        kind = None
    if kind is None or (loose and kind == PartKind.DEVICE):
        raise InvalidInput(N_("Nature d'élément inconnue."))
    return kind


# -- treatment operations (Trackdéchets registry V2) ------------------------------------------
class OperationMode(StrEnum):
    REUTILISATION = "REUTILISATION"
    RECYCLAGE = "RECYCLAGE"
    VALORISATION_ENERGETIQUE = "VALORISATION_ENERGETIQUE"
    AUTRES_VALORISATIONS = "AUTRES_VALORISATIONS"
    ELIMINATION = "ELIMINATION"


OPERATION_MODE_LABELS: dict[OperationMode, str] = {
    OperationMode.REUTILISATION: N_("Réutilisation"),
    OperationMode.RECYCLAGE: N_("Recyclage et autres formes de valorisation de la matière"),
    OperationMode.VALORISATION_ENERGETIQUE: N_("Valorisation énergétique"),
    OperationMode.AUTRES_VALORISATIONS: N_("Autres valorisations"),
    OperationMode.ELIMINATION: N_("Élimination"),
}

M = OperationMode
# Codes an outgoing register line accepts, with the modes Trackdéchets allows for each; an
# empty tuple is a grouping or storage step (R12, R13, D13–D15, D9) that takes no mode.
OPERATION_CODES: dict[str, tuple[str, tuple[OperationMode, ...]]] = {
    "R1": (N_("Utilisation principale comme combustible"), (M.VALORISATION_ENERGETIQUE,)),
    "R2": (N_("Récupération ou régénération des solvants"), (M.REUTILISATION, M.RECYCLAGE)),
    "R3": (N_("Recyclage des substances organiques"), (M.RECYCLAGE, M.AUTRES_VALORISATIONS)),
    "R4": (N_("Recyclage ou récupération des métaux et composés métalliques"), (M.RECYCLAGE,)),
    "R5": (N_("Recyclage ou récupération d'autres matières inorganiques"),
           (M.RECYCLAGE, M.AUTRES_VALORISATIONS)),
    "R6": (N_("Régénération des acides ou des bases"), (M.RECYCLAGE,)),
    "R7": (N_("Récupération des produits servant à capter les polluants"), (M.REUTILISATION,)),
    "R8": (N_("Récupération des produits provenant des catalyseurs"), (M.RECYCLAGE,)),
    "R9": (N_("Régénération ou autres réemplois des huiles"),
           (M.REUTILISATION, M.RECYCLAGE, M.VALORISATION_ENERGETIQUE)),
    "R10": (N_("Épandage sur le sol au profit de l'agriculture"), (M.RECYCLAGE,)),
    "R11": (N_("Utilisation de déchets résiduels issus de R1 à R10"),
            (M.RECYCLAGE, M.AUTRES_VALORISATIONS, M.VALORISATION_ENERGETIQUE)),
    "R12": (N_("Échange de déchets en vue de R1 à R11 (tri, démantèlement)"), ()),
    "R13": (N_("Stockage préalable à R1 à R12"), ()),
    "D1": (N_("Dépôt sur ou dans le sol"), (M.ELIMINATION,)),
    "D5": (N_("Mise en décharge spécialement aménagée"), (M.ELIMINATION,)),
    "D9": (N_("Traitement physico-chimique"), ()),
    "D10": (N_("Incinération à terre"), (M.ELIMINATION,)),
    "D13": (N_("Regroupement préalable à D1 à D12"), ()),
    "D14": (N_("Reconditionnement préalable à D1 à D13"), ()),
    "D15": (N_("Stockage préalable à D1 à D14"), ()),
}


def normalise_operation_code(value: object) -> str:
    """"r 4", "R04", "R4" → "R4" (the form the registry V2 documentation lists)."""
    text = re.sub(r"\s+", "", str(value or "")).upper()
    match = re.fullmatch(r"([RD])0*(\d{1,2})", text)
    code = f"{match[1]}{match[2]}" if match else text
    if code not in OPERATION_CODES:
        raise InvalidInput(N_("Code de traitement « %(code)s » inconnu."), code=value)
    return code


def allowed_modes(operation_code: str) -> tuple[OperationMode, ...]:
    return OPERATION_CODES[normalise_operation_code(operation_code)][1]


class Labels(Message):
    """Several labels in one message parameter ("Réutilisation, Recyclage"), each translated."""

    def __init__(self, labels: tuple[str, ...]) -> None:
        super().__init__("", {"labels": labels})

    def render(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return ", ".join(translate(label) for label in self.params["labels"])


def check_operation(operation_code: object, mode: object) -> tuple[str, OperationMode | None]:
    """Return (code, mode) or refuse a pair the registry would reject."""
    code = normalise_operation_code(operation_code)
    modes = OPERATION_CODES[code][1]
    text = str(mode or "").strip()
    if not modes:
        if text:
            raise InvalidInput(N_("Le code %(code)s est un regroupement ou un stockage : pas de "
                                  "mode de traitement."), code=code)
        return code, None
    try:
        chosen = OperationMode(text)
    except ValueError:
        chosen = None
    if chosen not in modes:
        raise InvalidInput(N_("Mode de traitement pour %(code)s : %(modes)s."), code=code,
                           modes=Labels(tuple(OPERATION_MODE_LABELS[m] for m in modes)))
    return code, chosen


class TransportMode(StrEnum):
    ROAD = "ROAD"
    RAIL = "RAIL"
    AIR = "AIR"
    RIVER = "RIVER"
    SEA = "SEA"


TRANSPORT_MODE_LABELS: dict[TransportMode, str] = {
    TransportMode.ROAD: N_("Route"),
    TransportMode.RAIL: N_("Ferré"),
    TransportMode.AIR: N_("Aérien"),
    TransportMode.RIVER: N_("Fluvial"),
    TransportMode.SEA: N_("Maritime"),
}

MAX_CARRIERS = 5  # the register line has room for five transporters

# Eco-organisms approved for WEEE (Trackdéchets seed data).
ECO_ORGANISMS: dict[str, str] = {
    "48774196900033": "Ecologic",
    "83033936200022": "ecosystem",
}


# -- weights -----------------------------------------------------------------------------------
KG = Decimal("0.01")
TONNE = Decimal("0.001")


def parse_weight_kg(value: object, *, required: bool = True) -> Decimal | None:
    """A weight typed by a person: "3,5", "3.5 kg" → Decimal("3.50")."""
    text = str(value if value is not None else "").strip().lower().removesuffix("kg").strip()
    text = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        if required:
            raise InvalidInput(N_("Le poids est obligatoire."))
        return None
    try:
        weight = Decimal(text)
    except ArithmeticError:
        raise InvalidInput(N_("Poids « %(weight)s » illisible : un nombre de kilogrammes."),
                           weight=value) from None
    if not weight.is_finite() or weight <= 0 or weight >= Decimal("100000"):
        raise InvalidInput(N_("Le poids doit être supérieur à 0 kg et inférieur à 100 t."))
    return weight.quantize(KG, ROUND_HALF_UP)


def tonnes(weight_kg: Decimal) -> Decimal:
    """Kilograms → tonnes with the registry's 3 decimals; never 0 for something that weighs
    (the registry refuses a zero weight)."""
    value = (Decimal(weight_kg) / 1000).quantize(TONNE, ROUND_HALF_UP)
    if value == 0 and weight_kg > 0:
        value = (Decimal(weight_kg) / 1000).quantize(TONNE, ROUND_CEILING)
    return value
