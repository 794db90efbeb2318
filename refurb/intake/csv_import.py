"""Reading a donor's asset list: encoding and separator detection, column mapping, line checks.

Pure Python (no Flask, no database) so the web page, the CLI and the benchmark share it. The
file is streamed line by line from a binary, seekable stream: a 40,000-line list is read twice
(check, then insert) without ever being held in memory.

French Excel saves CSV as cp1252 with ';', other tools UTF-8 (with or without BOM) and ','.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import BinaryIO

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import InvalidInput
from refurb.core.hardware.placeholders import clean

FIELDS = ("type", "make", "model", "serial", "weight", "legal_status", "notes")
REQUIRED_FIELDS = ("type",)
FIELD_LABELS = {
    "type": "Type d'appareil",
    "make": "Marque",
    "model": "Modèle",
    "serial": "N° de série",
    "weight": "Poids (kg)",
    "legal_status": "Réemploi / déchet",
    "notes": "Remarques",
}
MAX_LENGTHS = {"make": 120, "model": 120, "serial": 120, "notes": 2000}
MAX_WEIGHT_KG = Decimal("500")
DELIMITERS = (";", ",", "\t")
# A refused file may be refused on every line: keep enough to act on, count the rest.
KEEP_REFUSED = 1000


class CsvUnreadable(InvalidInput):
    """The file itself cannot be read as a CSV list (empty, no header, broken quoting)."""


@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    delimiter: str
    header: tuple[str, ...]

    @property
    def encoding_label(self) -> str:
        return {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}.get(
            self.encoding, self.encoding
        )

    @property
    def delimiter_label(self) -> str:
        return {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[self.delimiter]


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
    reason: str  # French

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.reason}"


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


# -- words --------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """'N° de série' → 'ndeserie': lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", plain.lower())


def serial_key(serial: str) -> str:
    """Serials are compared without case or inner spaces ("5CG 728" = "5cg728")."""
    return re.sub(r"\s+", "", serial).upper()


HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "serial": (
        "numerodeserie", "numeroserie", "nserie", "ndeserie", "nodeserie", "noserie",
        "numserie", "serie", "serial", "serialnumber", "serialno", "sn", "servicetag",
    ),
    "type": (
        "type", "typedappareil", "typeappareil", "typedemateriel", "typemateriel",
        "typedequipement", "categorie", "category", "nature", "famille", "devicetype",
        "equipmenttype", "assettype", "materiel", "equipement", "kind",
    ),
    "make": ("marque", "fabricant", "constructeur", "make", "manufacturer", "brand", "vendor"),
    "model": (
        "modele", "model", "reference", "ref", "designation", "produit", "product",
        "productname", "modelname",
    ),
    "weight": ("poids", "poidskg", "poidsenkg", "masse", "weight", "weightkg", "kg"),
    "legal_status": (
        "statut", "statutlegal", "statutjuridique", "destination", "devenir", "reemploi",
        "reemploioudechet", "status", "legalstatus", "disposition", "fate", "orientation",
    ),
    "notes": (
        "notes", "note", "remarques", "remarque", "commentaire", "commentaires",
        "observations", "observation", "comment", "comments", "remarks", "etat",
        "etatconstate", "condition",
    ),
}  # fmt: skip

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
    """'3,5', '3.5 kg', '1 250' → Decimal; '' → None (estimated later); raise ValueError."""
    compact = re.sub(r"[\s\u00a0\u202f]|kgs?$", "", (text or "").strip().lower())
    if not compact:
        return None
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"poids illisible « {text.strip()} »") from None
    if not value.is_finite() or value <= 0 or value > maximum:
        raise ValueError(f"poids hors limites « {text.strip()} » (de 0 à {maximum} kg)")
    return value.quantize(Decimal("0.01"))


# -- the file -----------------------------------------------------------------------------
def detect_encoding(stream: BinaryIO, chunk_size: int = 1 << 20) -> str:
    """BOM → UTF-8 with BOM; decodes as UTF-8 throughout → UTF-8; anything else → cp1252."""
    stream.seek(0)
    try:
        if stream.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := stream.read(chunk_size):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8"


def iter_lines(
    stream: BinaryIO, encoding: str, on_bytes: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Binary lines decoded one by one (b'\\n' never occurs inside a UTF-8 or cp1252 char)."""
    stream.seek(0)
    codec = "utf-8" if encoding.startswith("utf-8") else encoding
    errors = "strict" if codec == "utf-8" else "replace"  # cp1252 leaves 5 bytes undefined
    for number, raw in enumerate(stream):
        if on_bytes is not None:
            on_bytes(len(raw))
        text = raw.decode(codec, errors)
        yield text.lstrip("\ufeff") if number == 0 else text


def sniff_delimiter(lines: list[str]) -> str:
    """The header decides when it is clear (weights like '3,5' confuse the sniffer)."""
    header = next((line for line in lines if line.strip()), "")
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts.values())
    winners = [d for d, n in counts.items() if n == best]
    if best and len(winners) == 1:
        return winners[0]
    try:
        return csv.Sniffer().sniff("".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ";"


def _records(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line of the record, cells) for every non-blank record, header included."""
    reader = csv.reader(lines, delimiter=delimiter)
    end = 0
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvUnreadable(
                f"Ligne {start} illisible ({error}) : vérifiez les guillemets du fichier."
            ) from None
        end = reader.line_num
        if any(cell.strip() for cell in cells):
            yield start, cells


def detect_format(stream: BinaryIO) -> CsvFormat:
    encoding = detect_encoding(stream)
    sample = list(itertools.islice(iter_lines(stream, encoding), 50))
    delimiter = sniff_delimiter(sample)
    header = next(_records(sample, delimiter), None)
    stream.seek(0)
    if header is None:
        raise CsvUnreadable("Le fichier est vide : aucune ligne d'en-tête.")
    return CsvFormat(encoding, delimiter, tuple(cell.strip() for cell in header[1]))


def iter_records(
    stream: BinaryIO, fmt: CsvFormat, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Data records (after the header) with their line number in the file."""
    records = _records(iter_lines(stream, fmt.encoding, on_bytes), fmt.delimiter)
    next(records, None)  # the header
    yield from records


# -- mapping ------------------------------------------------------------------------------
Mapping = dict[str, int | None]  # field → column index


def guess_mapping(header: Iterable[str]) -> Mapping:
    """Exact synonym first, then a column whose name starts with a synonym ('Poids (kg)')."""
    names = [normalise(h) for h in header]
    mapping: Mapping = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for exact in (True, False):
        for name in HEADER_SYNONYMS:  # serial first: "N° de série du modèle" is a serial
            if mapping[name] is not None:
                continue
            for index, column in enumerate(names):
                if index in taken or not column:
                    continue
                words = HEADER_SYNONYMS[name]
                hit = column in words if exact else any(
                    column.startswith(w) for w in words if len(w) >= 4
                )
                if hit:
                    mapping[name] = index
                    taken.add(index)
                    break
    return mapping


def parse_mapping_spec(spec: str, header: Iterable[str]) -> Mapping:
    """'type=Type,make=Marque,...' (CLI) → field → column index, by header name."""
    names = {normalise(h): i for i, h in reversed(list(enumerate(header)))}
    mapping: Mapping = dict.fromkeys(FIELDS)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        target, _, column = part.partition("=")
        target = target.strip().lower()
        if target not in FIELDS:
            raise InvalidInput(
                f"Champ inconnu « {target} » dans --map (champs : {', '.join(FIELDS)})."
            )
        index = names.get(normalise(column))
        if index is None:
            raise InvalidInput(f"Colonne « {column.strip()} » absente de l'en-tête du fichier.")
        mapping[target] = index
    return mapping


def check_mapping(mapping: Mapping, header: tuple[str, ...]) -> None:
    missing = [FIELD_LABELS[f] for f in REQUIRED_FIELDS if mapping.get(f) is None]
    if missing:
        raise InvalidInput(f"Colonne obligatoire non associée : {', '.join(missing)}.")
    used = [i for i in mapping.values() if i is not None]
    if any(i < 0 or i >= len(header) for i in used):
        raise InvalidInput("Colonne inconnue dans l'association des colonnes.")
    if len(used) != len(set(used)):
        raise InvalidInput("Une même colonne est associée à deux champs.")


# -- lines --------------------------------------------------------------------------------
def read_row(line: int, cells: list[str], mapping: Mapping) -> Row | Refused:
    def cell(name: str) -> str:
        index = mapping.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    raw_type = cell("type")
    if not raw_type:
        return Refused(line, "champ obligatoire manquant : type d'appareil")
    device_type = parse_device_type(raw_type)
    if device_type is None:
        return Refused(line, f"type d'appareil inconnu « {raw_type} »")
    status = parse_legal_status(cell("legal_status"))
    if status is None:
        return Refused(line, f"statut inconnu « {cell('legal_status')} » (réemploi ou déchet)")
    try:
        weight = parse_weight(cell("weight"))
    except ValueError as error:
        return Refused(line, str(error))
    values = {name: cell(name) for name in MAX_LENGTHS}
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            return Refused(line, f"{FIELD_LABELS[name].lower()} : plus de {limit} caractères")
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
                result.refuse(Refused(line, f"n° de série {row.serial} en double (déjà ligne {first})"))
                continue
        result.valid += 1
        if len(result.sample) < sample_size:
            result.sample.append(row)
    return result
