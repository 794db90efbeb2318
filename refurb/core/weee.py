"""WEEE (DEEE) rules: categories, waste codes, treatment operations, weights and the
reuse / recycling rates. Pure: no Flask, no SQLAlchemy.

Sources: directive 2012/19/EU annex III (categories), the European waste list (codes, an
asterisk marks hazardous waste), Trackdéchets registry V2 (`OutgoingWasteLineInput`, operation
codes and the treatment modes each one allows), arrêté du 23 novembre 2005 art. 3 (targets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum

from refurb.core.device_types import DeviceType
from refurb.core.errors import InvalidInput

# -- categories (2012/19/EU annex III, since 15 August 2018) --------------------------------
CATEGORY_LABELS: dict[int, str] = {
    1: "1 — Équipements d'échange thermique",
    2: "2 — Écrans, moniteurs et équipements comprenant des écrans > 100 cm²",
    3: "3 — Lampes",
    4: "4 — Gros équipements (une dimension > 50 cm)",
    5: "5 — Petits équipements",
    6: "6 — Petits équipements informatiques et de télécommunications",
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
        raise InvalidInput(f"Type d'appareil inconnu : {device_type}") from None


def validate_category(value: object) -> int:
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        number = 0
    if number not in CATEGORY_LABELS:
        raise InvalidInput("Catégorie DEEE : un nombre de 1 à 6.")
    return number


# -- waste codes ---------------------------------------------------------------------------
WASTE_CODE_LABELS: dict[str, str] = {
    "16 02 14": "Équipements mis au rebut sans composants dangereux",
    "16 02 13*": "Équipements mis au rebut contenant des composants dangereux",
    "16 02 16": "Composants retirés des équipements mis au rebut",
    "16 02 15*": "Composants dangereux retirés des équipements mis au rebut",
    "20 01 36": "Équipements électriques et électroniques mis au rebut (déchets municipaux)",
    "20 01 35*": "Équipements électriques et électroniques mis au rebut contenant des "
    "composants dangereux (déchets municipaux)",
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
        hint = f" Vouliez-vous dire « {twin} » ?" if twin else ""
        raise InvalidInput(
            f"Code déchet « {text} » non pris en charge ; codes DEEE possibles : "
            f"{', '.join(WASTE_CODES)}.{hint}"
        )
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
    PartKind.DEVICE: "Appareil",
    PartKind.DRIVE: "Disque détruit",
    PartKind.BATTERY: "Batteries",
    PartKind.CABLE: "Câbles",
    PartKind.SCREEN: "Dalles d'écran",
    PartKind.OTHER: "Autres composants",
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
        raise InvalidInput("Nature d'élément inconnue.")
    return kind


# -- treatment operations (Trackdéchets registry V2) ------------------------------------------
class OperationMode(StrEnum):
    REUTILISATION = "REUTILISATION"
    RECYCLAGE = "RECYCLAGE"
    VALORISATION_ENERGETIQUE = "VALORISATION_ENERGETIQUE"
    AUTRES_VALORISATIONS = "AUTRES_VALORISATIONS"
    ELIMINATION = "ELIMINATION"


OPERATION_MODE_LABELS: dict[OperationMode, str] = {
    OperationMode.REUTILISATION: "Réutilisation",
    OperationMode.RECYCLAGE: "Recyclage et autres formes de valorisation de la matière",
    OperationMode.VALORISATION_ENERGETIQUE: "Valorisation énergétique",
    OperationMode.AUTRES_VALORISATIONS: "Autres valorisations",
    OperationMode.ELIMINATION: "Élimination",
}

M = OperationMode
# Codes an outgoing register line accepts, with the modes Trackdéchets allows for each; an
# empty tuple is a grouping or storage step (R12, R13, D13–D15, D9) that takes no mode.
OPERATION_CODES: dict[str, tuple[str, tuple[OperationMode, ...]]] = {
    "R1": ("Utilisation principale comme combustible", (M.VALORISATION_ENERGETIQUE,)),
    "R2": ("Récupération ou régénération des solvants", (M.REUTILISATION, M.RECYCLAGE)),
    "R3": ("Recyclage des substances organiques", (M.RECYCLAGE, M.AUTRES_VALORISATIONS)),
    "R4": ("Recyclage ou récupération des métaux et composés métalliques", (M.RECYCLAGE,)),
    "R5": ("Recyclage ou récupération d'autres matières inorganiques",
           (M.RECYCLAGE, M.AUTRES_VALORISATIONS)),
    "R6": ("Régénération des acides ou des bases", (M.RECYCLAGE,)),
    "R7": ("Récupération des produits servant à capter les polluants", (M.REUTILISATION,)),
    "R8": ("Récupération des produits provenant des catalyseurs", (M.RECYCLAGE,)),
    "R9": ("Régénération ou autres réemplois des huiles",
           (M.REUTILISATION, M.RECYCLAGE, M.VALORISATION_ENERGETIQUE)),
    "R10": ("Épandage sur le sol au profit de l'agriculture", (M.RECYCLAGE,)),
    "R11": ("Utilisation de déchets résiduels issus de R1 à R10",
            (M.RECYCLAGE, M.AUTRES_VALORISATIONS, M.VALORISATION_ENERGETIQUE)),
    "R12": ("Échange de déchets en vue de R1 à R11 (tri, démantèlement)", ()),
    "R13": ("Stockage préalable à R1 à R12", ()),
    "D1": ("Dépôt sur ou dans le sol", (M.ELIMINATION,)),
    "D5": ("Mise en décharge spécialement aménagée", (M.ELIMINATION,)),
    "D9": ("Traitement physico-chimique", ()),
    "D10": ("Incinération à terre", (M.ELIMINATION,)),
    "D13": ("Regroupement préalable à D1 à D12", ()),
    "D14": ("Reconditionnement préalable à D1 à D13", ()),
    "D15": ("Stockage préalable à D1 à D14", ()),
}


def normalise_operation_code(value: object) -> str:
    """"r 4", "R04", "R4" → "R4" (the form the registry V2 documentation lists)."""
    text = re.sub(r"\s+", "", str(value or "")).upper()
    match = re.fullmatch(r"([RD])0*(\d{1,2})", text)
    code = f"{match[1]}{match[2]}" if match else text
    if code not in OPERATION_CODES:
        raise InvalidInput(f"Code de traitement « {value} » inconnu.")
    return code


def allowed_modes(operation_code: str) -> tuple[OperationMode, ...]:
    return OPERATION_CODES[normalise_operation_code(operation_code)][1]


def check_operation(operation_code: object, mode: object) -> tuple[str, OperationMode | None]:
    """Return (code, mode) or refuse a pair the registry would reject."""
    code = normalise_operation_code(operation_code)
    modes = OPERATION_CODES[code][1]
    text = str(mode or "").strip()
    if not modes:
        if text:
            raise InvalidInput(
                f"Le code {code} est un regroupement ou un stockage : pas de mode de traitement."
            )
        return code, None
    try:
        chosen = OperationMode(text)
    except ValueError:
        chosen = None
    if chosen not in modes:
        names = ", ".join(OPERATION_MODE_LABELS[m] for m in modes)
        raise InvalidInput(f"Mode de traitement pour {code} : {names}.")
    return code, chosen


class TransportMode(StrEnum):
    ROAD = "ROAD"
    RAIL = "RAIL"
    AIR = "AIR"
    RIVER = "RIVER"
    SEA = "SEA"


TRANSPORT_MODE_LABELS: dict[TransportMode, str] = {
    TransportMode.ROAD: "Route",
    TransportMode.RAIL: "Ferré",
    TransportMode.AIR: "Aérien",
    TransportMode.RIVER: "Fluvial",
    TransportMode.SEA: "Maritime",
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
            raise InvalidInput("Le poids est obligatoire.")
        return None
    try:
        weight = Decimal(text)
    except ArithmeticError:
        raise InvalidInput(f"Poids « {value} » illisible : un nombre de kilogrammes.") from None
    if not weight.is_finite() or weight <= 0 or weight >= Decimal("100000"):
        raise InvalidInput("Le poids doit être supérieur à 0 kg et inférieur à 100 t.")
    return weight.quantize(KG, ROUND_HALF_UP)


def tonnes(weight_kg: Decimal) -> Decimal:
    """Kilograms → tonnes with the registry's 3 decimals; never 0 for something that weighs
    (the registry refuses a zero weight)."""
    value = (Decimal(weight_kg) / 1000).quantize(TONNE, ROUND_HALF_UP)
    if value == 0 and weight_kg > 0:
        value = (Decimal(weight_kg) / 1000).quantize(TONNE, ROUND_CEILING)
    return value


# -- reuse and recycling rates -------------------------------------------------------------------
class Outcome(StrEnum):
    REUSED = "reused"  # allocated to a beneficiary, or prepared for reuse by the operator
    RECYCLED = "recycled"  # left in a batch whose treatment mode is RECYCLAGE
    RECOVERED = "recovered"  # other recovery (energy, other): counts toward the 80 % only
    OTHER = "other"  # elimination, or a grouping code with no final mode yet


OUTCOME_LABELS = {
    Outcome.REUSED: "Réemploi",
    Outcome.RECYCLED: "Recyclage",
    Outcome.RECOVERED: "Autre valorisation",
    Outcome.OTHER: "Autre",
}


def outcome_for_mode(mode: str | None) -> Outcome:
    return {
        OperationMode.REUTILISATION: Outcome.REUSED,
        OperationMode.RECYCLAGE: Outcome.RECYCLED,
        OperationMode.VALORISATION_ENERGETIQUE: Outcome.RECOVERED,
        OperationMode.AUTRES_VALORISATIONS: Outcome.RECOVERED,
    }.get(mode or "", Outcome.OTHER)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Target:
    recovery: Decimal
    reuse_recycling: Decimal


# French targets since 2019 for categories 2 and 6, by weight.
TARGETS: dict[int, Target] = {
    2: Target(recovery=Decimal("0.80"), reuse_recycling=Decimal("0.70")),
    6: Target(recovery=Decimal("0.80"), reuse_recycling=Decimal("0.70")),
}


@dataclass(frozen=True)
class RateRow:
    category: int
    outcome: Outcome
    weight_kg: Decimal
    count: int = 1


@dataclass(frozen=True)
class Figures:
    count: int = 0
    weight_kg: Decimal = Decimal("0")


SHARE = Decimal("0.0001")


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP)


@dataclass(frozen=True)
class CategoryRates:
    category: int | None  # None: every category together
    figures: dict[Outcome, Figures] = field(default_factory=dict)

    def of(self, outcome: Outcome) -> Figures:
        return self.figures.get(outcome, Figures())

    @property
    def total(self) -> Figures:
        return Figures(
            sum(f.count for f in self.figures.values()),
            sum((f.weight_kg for f in self.figures.values()), Decimal("0")),
        )

    def share_by_count(self, outcome: Outcome) -> Decimal | None:
        return _share(self.of(outcome).count, self.total.count)

    def share_by_weight(self, outcome: Outcome) -> Decimal | None:
        return _share(self.of(outcome).weight_kg, self.total.weight_kg)

    def other_by_count(self) -> Decimal | None:
        """"Other" as the page shows it: everything neither reused nor recycled."""
        part = self.of(Outcome.RECOVERED).count + self.of(Outcome.OTHER).count
        return _share(part, self.total.count)

    def other_by_weight(self) -> Decimal | None:
        part = self.of(Outcome.RECOVERED).weight_kg + self.of(Outcome.OTHER).weight_kg
        return _share(part, self.total.weight_kg)

    @property
    def reuse_recycling_rate(self) -> Decimal | None:
        part = self.of(Outcome.REUSED).weight_kg + self.of(Outcome.RECYCLED).weight_kg
        return _share(part, self.total.weight_kg)

    @property
    def recovery_rate(self) -> Decimal | None:
        return _share(self.total.weight_kg - self.of(Outcome.OTHER).weight_kg,
                      self.total.weight_kg)

    @property
    def target(self) -> Target | None:
        return TARGETS.get(self.category) if self.category is not None else None

    @property
    def meets_recovery(self) -> bool | None:
        if self.target is None or self.recovery_rate is None:
            return None
        return self.recovery_rate >= self.target.recovery

    @property
    def meets_reuse_recycling(self) -> bool | None:
        if self.target is None or self.reuse_recycling_rate is None:
            return None
        return self.reuse_recycling_rate >= self.target.reuse_recycling


@dataclass(frozen=True)
class RatesReport:
    categories: list[CategoryRates]
    overall: CategoryRates


def compute_rates(rows: Iterable[RateRow]) -> RatesReport:
    """Sum counts and weights per category and outcome; shares are derived, never stored."""
    sums: dict[int | None, dict[Outcome, tuple[int, Decimal]]] = {}
    for row in rows:
        category = validate_category(row.category)
        for key in (category, None):
            bucket = sums.setdefault(key, {})
            count, weight = bucket.get(row.outcome, (0, Decimal("0")))
            bucket[row.outcome] = (count + row.count, weight + Decimal(row.weight_kg))

    def build(key: int | None) -> CategoryRates:
        bucket = sums.get(key, {})
        return CategoryRates(key, {o: Figures(c, w) for o, (c, w) in bucket.items()})

    categories = [build(c) for c in sorted(k for k in sums if k is not None)]
    return RatesReport(categories, build(None))
