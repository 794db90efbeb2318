"""One line of a donor's asset list → a Row to import or a refusal saying why: the words for
device types and statuses, weights, lengths; and the first pass over every line, which also
flags what Excel or a wrong code page did to the values. Pure Python."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType, estimated_weight
from refurb.core.errors import Message
from refurb.core.excel_damage import ColumnWatch, formula_error, identifier_damage
from refurb.core.hardware.placeholders import clean
from refurb.core.i18n import N_
from refurb.core.mojibake import garbled_excerpt, looks_garbled
from refurb.intake.csv_columns import Mapping, normalise

MAX_LENGTHS = {"make": 120, "model": 120, "serial": 120, "inventory": 60, "notes": 2000}
# The name of a field inside a sentence ("marque : plus de 120 caractères").
LENGTH_NAMES = {"make": N_("marque"), "model": N_("modèle"), "serial": N_("n° de série"),
                "inventory": N_("n° d'inventaire du donateur"), "notes": N_("remarques")}
MAX_WEIGHT_KG = Decimal("500")
# A refused file may be refused on every line: keep enough to act on, count the rest.
KEEP_REFUSED = 1000
# Identifiers Excel mangles (scientific notation, lost zeros, dates); free text it can only
# garble through a wrong code page or a formula error.
IDENTIFIER_FIELDS = ("serial", "inventory")
WATCHED_FIELDS = ("serial", "inventory", "make", "model", "notes")
PREVIEW_ROWS = 20


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
    donor_inventory_number: str | None = None


@dataclass(frozen=True, slots=True)
class StoredRow:
    """A row as it will be saved: the weight estimated from the type when none was given."""

    row: Row
    weight_kg: Decimal
    weight_estimated: bool


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


@dataclass(frozen=True, slots=True)
class Flag:
    """A value that may have been damaged: imported as it is only once a person has confirmed
    its column."""

    line: int
    field: str
    why: Message

    def describe(self, translate: Callable[[str], str] = lambda text: text) -> str:
        return Message(N_("Ligne %(line)s : %(reason)s"),
                       {"line": self.line, "reason": self.why}).render(translate)

    def __str__(self) -> str:
        return self.describe()


@dataclass
class Validation:
    """What a first pass over the file found. Memory: one entry per distinct serial, and at
    most KEEP_REFUSED refusals and flags per column."""

    valid: int = 0
    refused: list[Refused] = field(default_factory=list)
    refused_total: int = 0
    serial_lines: dict[str, int] = field(default_factory=dict)  # serial key → first line
    sample: list[StoredRow] = field(default_factory=list)
    flags: dict[str, list[Flag]] = field(default_factory=dict)  # field → flagged lines
    flag_counts: Counter = field(default_factory=Counter)
    confirmed: frozenset[str] = frozenset()
    by_type: Counter = field(default_factory=Counter)
    weight_kg: Decimal = Decimal("0")
    weight_estimated_kg: Decimal = Decimal("0")

    def refuse(self, refusal: Refused) -> None:
        self.refused_total += 1
        if len(self.refused) < KEEP_REFUSED:
            self.refused.append(refusal)

    def flag(self, flag: Flag) -> None:
        self.flag_counts[flag.field] += 1
        kept = self.flags.setdefault(flag.field, [])
        if len(kept) < KEEP_REFUSED:
            kept.append(flag)

    @property
    def unconfirmed(self) -> list[str]:
        """Fields with flagged lines nobody has confirmed yet."""
        return [name for name in self.flags if name not in self.confirmed]

    @property
    def unconfirmed_total(self) -> int:
        return sum(self.flag_counts[name] for name in self.unconfirmed)

    @property
    def ok(self) -> bool:
        return self.refused_total == 0 and not self.unconfirmed


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
        donor_inventory_number=values["inventory"] or None,
    )


def validate(
    records: Iterable[tuple[int, list[str]]],
    mapping: Mapping,
    *,
    confirmed: Iterable[str] = (),
    column_notes: dict[int, Message] | None = None,
    header_line: int = 1,
    estimates: dict[str, Decimal] | None = None,
    sample_size: int = PREVIEW_ROWS,
) -> Validation:
    """First pass: every line checked, serials repeated inside the file refused, values Excel
    or a wrong code page may have damaged flagged (per column, for the user to confirm)."""
    result = Validation(confirmed=frozenset(confirmed))
    watched = [(name, mapping[name], ColumnWatch(identifier=name in IDENTIFIER_FIELDS))
               for name in WATCHED_FIELDS if mapping.get(name) is not None]
    for name, index in mapping.items():
        note = (column_notes or {}).get(index) if index is not None else None
        if note is not None:
            result.flag(Flag(header_line, name, note))
    for line, cells in records:
        row = read_row(line, cells, mapping)
        if isinstance(row, Refused):
            result.refuse(row)
            continue
        for name, index, watch in watched:
            text = cells[index].strip() if index < len(cells) else ""
            if text:
                _inspect(result, line, name, text, watch)
        if row.serial:
            key = serial_key(row.serial)
            first = result.serial_lines.setdefault(key, line)
            if first != line:
                result.refuse(_refused(line, N_("n° de série %(serial)s en double (déjà ligne "
                                                "%(first)s)"), serial=row.serial, first=first))
                continue
        _count(result, row, estimates, sample_size)
    for name, _index, watch in watched:
        for line, why in watch.flags():
            result.flag(Flag(line, name, why))
    for kept in result.flags.values():
        kept.sort(key=lambda flag: flag.line)
    return result


def _inspect(result: Validation, line: int, name: str, text: str, watch: ColumnWatch) -> None:
    damage = identifier_damage(text) if watch.identifier else formula_error(text)
    if damage is None and looks_garbled(text):
        damage = Message(N_("texte mal décodé « %(text)s » : essayez un autre encodage"),
                         {"text": garbled_excerpt(text)})
    if damage is not None:
        result.flag(Flag(line, name, damage))
    watch.see(line, text)


def _count(result: Validation, row: Row, estimates: dict[str, Decimal] | None,
           sample_size: int) -> None:
    result.valid += 1
    result.by_type[row.device_type] += 1
    estimated = row.weight_kg is None
    weight = estimated_weight(row.device_type, estimates) if estimated else row.weight_kg
    result.weight_kg += weight
    if estimated:
        result.weight_estimated_kg += weight
    if len(result.sample) < sample_size:
        result.sample.append(StoredRow(row, weight, estimated))
