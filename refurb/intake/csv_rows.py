"""One line of a donor's asset list → a Row to import or a refusal saying why: the words for
device types and statuses, weights, lengths, and the first pass over every line. Pure Python."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import Message
from refurb.core.hardware.placeholders import clean
from refurb.core.i18n import N_
from refurb.intake.csv_columns import Mapping, normalise

MAX_LENGTHS = {"make": 120, "model": 120, "serial": 120, "notes": 2000}
# The name of a field inside a sentence ("marque : plus de 120 caractères").
LENGTH_NAMES = {"make": N_("marque"), "model": N_("modèle"), "serial": N_("n° de série"),
                "notes": N_("remarques")}
MAX_WEIGHT_KG = Decimal("500")
# A refused file may be refused on every line: keep enough to act on, count the rest.
KEEP_REFUSED = 1000


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    device_type: str
    make: str
    model: str
    serial: str | None
    weight_kg: Decimal | None
    legal_status: str
    notes: str


@dataclass(frozen=True, slots=True)
class Refused:
    line: int
    why: Message  # translated where it is shown

    @property
    def reason(self) -> str:
        """In French (CLI, logs)."""
        return self.why.render()

    def describe(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return Message(N_("Ligne %(line)s : %(reason)s"),
                       {"line": self.line, "reason": self.why}).render(translate)

    def __str__(self) -> str:
        return self.describe()


@dataclass
class Validation:
    """What a first pass over the file found. Memory: one entry per distinct serial."""

    valid: int = 0
    refused: list[Refused] = field(default_factory=list)
    refused_total: int = 0
    serial_lines: dict[str, int] = field(default_factory=dict)  # serial key → first line
    sample: list[Row] = field(default_factory=list)

    def refuse(self, refusal: Refused) -> None:
        self.refused_total += 1
        if len(self.refused) < KEEP_REFUSED:
            self.refused.append(refusal)

    @property
    def ok(self) -> bool:
        return self.refused_total == 0


class WeightRefused(ValueError):
    """A weight that cannot be read or is out of bounds; `message` says which."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


def serial_key(serial: str) -> str:
    """Serials are compared without case or inner spaces ("5CG 728" = "5cg728")."""
    return re.sub(r"\s+", "", serial).upper()


_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    DeviceType.LAPTOP: (
        "portable", "pcportable", "ordiportable", "ordinateurportable", "notebook",
        "ultrabook", "netbook", "laptop",
    ),
    DeviceType.DESKTOP: (
        "fixe", "pcfixe", "ordinateurfixe", "ordinateur", "uc", "tour", "desktop", "pc",
        "unitecentrale", "workstation", "stationdetravail", "sff",
    ),
    DeviceType.ALL_IN_ONE: ("aio", "toutenun", "allinone"),
    DeviceType.MINI_PC: ("minipc", "nuc", "thinclient", "clientleger"),
    DeviceType.SERVER: ("serveur", "server"),
    DeviceType.TABLET: ("tablette", "tablet", "ipad"),
    DeviceType.MONITOR: ("ecran", "moniteur", "monitor", "lcd", "ecranlcd", "screen", "display"),
    DeviceType.CRT_MONITOR: ("crt", "ecrancrt", "cathodique", "ecrancathodique"),
    DeviceType.PRINTER: ("imprimante", "printer", "mfp", "multifonction"),
    DeviceType.KEYBOARD_MOUSE: ("clavier", "souris", "keyboard", "mouse"),
    DeviceType.PHONE: ("telephone", "smartphone", "mobile", "phone", "gsm"),
    DeviceType.OTHER: ("autre", "other", "divers"),
}  # fmt: skip
TYPE_WORDS: dict[str, str] = {}
for _kind, _words in _TYPE_WORDS.items():
    for _word in (*_words, normalise(_kind.value), normalise(DEVICE_TYPE_LABELS[_kind])):
        TYPE_WORDS[_word] = _kind.value

STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("reuse", "reemploi", "reutilisation", "reemployable", "ok", "bon", "fonctionnel",
         "oui", "r"), "reuse"),
    **dict.fromkeys(
        ("waste", "dechet", "deee", "hs", "horsservice", "rebut", "recyclage", "recycler",
         "destruction", "d", "non"), "waste"),
}  # fmt: skip


@lru_cache(maxsize=4096)  # a list repeats a handful of spellings thousands of times
def parse_device_type(text: str) -> str | None:
    return TYPE_WORDS.get(normalise(text))


@lru_cache(maxsize=4096)
def parse_legal_status(text: str) -> str | None:
    key = normalise(text)
    return "reuse" if not key else STATUS_WORDS.get(key)


def parse_weight(text: str, maximum: Decimal = MAX_WEIGHT_KG) -> Decimal | None:
    """'3,5', '3.5 kg', '1 250' → Decimal; '' → None (estimated later); else WeightRefused."""
    compact = re.sub(r"[\s\u00a0\u202f]|kgs?$", "", (text or "").strip().lower())
    if not compact:
        return None
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise WeightRefused(Message(N_("poids illisible « %(text)s »"),
                                    {"text": text.strip()})) from None
    if not value.is_finite() or value <= 0 or value > maximum:
        raise WeightRefused(Message(N_("poids hors limites « %(text)s » (de 0 à %(maximum)s kg)"),
                                    {"text": text.strip(), "maximum": maximum}))
    return value.quantize(Decimal("0.01"))


def _refused(line: int, msgid: str, **params) -> Refused:
    return Refused(line, Message(msgid, params))


def read_row(line: int, cells: list[str], mapping: Mapping) -> Row | Refused:
    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    raw_type = cell("type")
    if not raw_type:
        return _refused(line, N_("champ obligatoire manquant : type d'appareil"))
    device_type = parse_device_type(raw_type)
    if device_type is None:
        return _refused(line, N_("type d'appareil inconnu « %(text)s »"), text=raw_type)
    status = parse_legal_status(cell("legal_status"))
    if status is None:
        return _refused(line, N_("statut inconnu « %(text)s » (réemploi ou déchet)"),
                        text=cell("legal_status"))
    try:
        weight = parse_weight(cell("weight"))
    except WeightRefused as error:
        return Refused(line, error.message)
    values = {name: cell(name) for name in MAX_LENGTHS}
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            return _refused(line, N_("%(field)s : plus de %(limit)s caractères"),
                            field=Message(LENGTH_NAMES[name]), limit=limit)
    return Row(
        line=line,
        device_type=device_type,
        make=values["make"],
        model=values["model"],
        serial=clean(values["serial"]),  # "--", "N/A", "To be filled by O.E.M." → no serial
        weight_kg=weight,
        legal_status=status,
        notes=values["notes"],
    )


def validate(
    records: Iterable[tuple[int, list[str]]], mapping: Mapping, sample_size: int = 10
) -> Validation:
    """First pass: every line checked, serials repeated inside the file refused."""
    result = Validation()
    for line, cells in records:
        row = read_row(line, cells, mapping)
        if isinstance(row, Refused):
            result.refuse(row)
            continue
        if row.serial:
            key = serial_key(row.serial)
            first = result.serial_lines.setdefault(key, line)
            if first != line:
                result.refuse(_refused(line, N_("n° de série %(serial)s en double (déjà ligne "
                                                "%(first)s)"), serial=row.serial, first=first))
                continue
        result.valid += 1
        if len(result.sample) < sample_size:
            result.sample.append(row)
    return result
