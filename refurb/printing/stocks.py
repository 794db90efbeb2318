"""Label stocks (sheets and rolls) described as data in ``labels/*.toml``.

A stock only knows physical geometry and printer traits; what is drawn on each
label is decided by :mod:`refurb.printing.layout`.
"""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refurb.core.errors import Message
from refurb.core.i18n import N_

__all__ = [
    "DEFAULT_LABELS_DIR",
    "FIELDS",
    "LabelError",
    "LabelStock",
    "StockError",
    "list_stocks",
    "load_stock",
    "parse_stock",
]

DEFAULT_LABELS_DIR = Path(__file__).resolve().parents[2] / "labels"

FIELDS = ("tag", "facts", "qr")
KINDS = ("sheet", "roll")
USAGES = ("device", "drive")
MM_PER_INCH = 25.4
# Die-cut sheets are specified to 0.01 mm; allow rounding in published figures.
_FIT_TOLERANCE_MM = 0.05
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

_TOP_KEYS = {
    "id", "title", "reference", "kind", "page", "dpi", "thermal", "fields", "qr", "zpl",
    "usage", "padding", "grid",
}
_GRID_KEYS = {
    "columns", "rows", "label_width", "label_height", "h_pitch", "v_pitch",
    "top_margin", "left_margin",
}


class LabelError(ValueError):
    """Base of label printing errors. `message` is a msgid with its parameters, translated
    where it is shown; str() gives the French text (CLI, logs)."""

    def __init__(self, message: str | Message, **params: Any) -> None:
        self.message = message if isinstance(message, Message) else Message(message, params)
        super().__init__(self.message.render())


class StockError(LabelError):
    """A label stock file is missing or inconsistent."""


@dataclass(frozen=True, slots=True)
class LabelStock:
    """Physical description of a label stock; all lengths in millimetres."""

    id: str
    title: str
    kind: str  # "sheet" | "roll"
    page_width: float
    page_height: float
    dpi: int
    thermal: bool
    fields: tuple[str, ...]
    qr: bool
    zpl: bool
    columns: int
    rows: int
    label_width: float
    label_height: float
    h_pitch: float
    v_pitch: float
    top_margin: float
    left_margin: float
    padding: float = 1.5
    usage: tuple[str, ...] = USAGES
    reference: str = ""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def dot_mm(self) -> float:
        """Size of one printer dot in millimetres."""
        return MM_PER_INCH / self.dpi

    def mm_to_dots(self, mm: float) -> int:
        return round(mm * self.dpi / MM_PER_INCH)

    @property
    def label_size_dots(self) -> tuple[int, int]:
        return self.mm_to_dots(self.label_width), self.mm_to_dots(self.label_height)

    def place_origin(self, place: int) -> tuple[float, float]:
        """Top-left corner (mm) of 1-based ``place``, counted row by row."""
        if not 1 <= place <= self.per_page:
            raise ValueError(f"Emplacement {place} hors de la planche (1..{self.per_page}).")
        row, col = divmod(place - 1, self.columns)
        return self.left_margin + col * self.h_pitch, self.top_margin + row * self.v_pitch

    def has_field(self, field: str) -> bool:
        return field in self.fields


def _err(source: str, problem: str, **params: Any) -> StockError:
    return StockError(Message(N_("Support d'étiquettes « %(stock)s » : %(problem)s"),
                              {"stock": source, "problem": Message(problem, params)}))


def _number(source: str, table: dict, key: str, where: str = "") -> float:
    value = table.get(key)
    label = f"{where}{key}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _err(source, N_("« %(key)s » doit être un nombre (en mm), reçu %(value)s."),
                   key=label, value=repr(value))
    if value <= 0 and key not in ("top_margin", "left_margin"):
        raise _err(source, N_("« %(key)s » doit être strictement positif, reçu %(value)s."),
                   key=label, value=value)
    if value < 0:
        raise _err(source, N_("« %(key)s » ne peut pas être négatif, reçu %(value)s."),
                   key=label, value=value)
    return float(value)


def _integer(source: str, table: dict, key: str, where: str = "") -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _err(source, N_("« %(key)s » doit être un entier ≥ 1, reçu %(value)s."),
                   key=f"{where}{key}", value=repr(value))
    return value


def _boolean(source: str, data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _err(source, N_("« %(key)s » doit valoir true ou false, reçu %(value)s."),
                   key=key, value=repr(value))
    return value


def _string_list(source: str, data: dict, key: str, allowed: tuple[str, ...],
                 default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(source, N_("« %(key)s » doit être une liste de textes, reçu %(value)s."),
                   key=key, value=repr(value))
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise _err(source, N_("valeur inconnue dans « %(key)s » : %(unknown)s (valeurs "
                              "possibles : %(allowed)s)."),
                   key=key, unknown=", ".join(unknown), allowed=", ".join(allowed))
    if len(set(value)) != len(value):
        raise _err(source, N_("« %(key)s » contient des doublons."), key=key)
    return tuple(value)


def parse_stock(data: dict, source: str) -> LabelStock:
    """Validate the decoded TOML of one stock; ``source`` is its id (file stem)."""
    title, reference, kind = _identity(data, source)
    page_w, page_h, dpi = _page(data, source)
    thermal, fields, qr, zpl, usage = _traits(data, source, kind)
    if kind == "roll":
        if data.get("grid") is not None:
            raise _err(source, N_("un rouleau n'a pas de « grid » : l'étiquette est la page."))
        grid = _Grid(1, 1, page_w, page_h, page_w, page_h, 0.0, 0.0)
    else:
        grid = _grid(data.get("grid"), source, page_w, page_h)
    padding = _padding(data, source, grid)
    return LabelStock(
        id=source, title=title, kind=kind, page_width=page_w, page_height=page_h,
        dpi=dpi, thermal=thermal, fields=fields, qr=qr, zpl=zpl, columns=grid.columns,
        rows=grid.rows, label_width=grid.label_width, label_height=grid.label_height,
        h_pitch=grid.h_pitch, v_pitch=grid.v_pitch, top_margin=grid.top_margin,
        left_margin=grid.left_margin, padding=padding, usage=usage, reference=reference,
    )


def _identity(data: dict, source: str) -> tuple[str, str, str]:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _err(source, N_("clé(s) inconnue(s) : %(keys)s."), keys=", ".join(unknown))
    stock_id = data.get("id", source)
    if stock_id != source:
        raise _err(source, N_("l'identifiant « %(id)s » doit être le nom du fichier."),
                   id=stock_id)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _err(source, N_("« title » (intitulé en français) est obligatoire."))
    reference = data.get("reference", "")
    if not isinstance(reference, str):
        raise _err(source, N_("« reference » doit être un texte."))
    kind = data.get("kind")
    if kind not in KINDS:
        raise _err(source, N_("« kind » doit valoir « sheet » (planche) ou « roll » (rouleau), "
                              "reçu %(value)s."), value=repr(kind))
    return title.strip(), reference, kind


def _page(data: dict, source: str) -> tuple[float, float, int]:
    page = data.get("page")
    if not isinstance(page, dict) or set(page) - {"width", "height"}:
        raise _err(source, N_("« page » doit être { width = …, height = … } en mm."))
    page_w = _number(source, page, "width", "page.")
    page_h = _number(source, page, "height", "page.")
    dpi = data.get("dpi")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 100 <= dpi <= 1200:
        raise _err(source, N_("« dpi » (résolution de l'imprimante) doit être un entier entre "
                              "100 et 1200, reçu %(value)s."), value=repr(dpi))
    return page_w, page_h, dpi


def _traits(data: dict, source: str,
            kind: str) -> tuple[bool, tuple[str, ...], bool, bool, tuple[str, ...]]:
    """Printer and content traits: thermal, fields, QR code, ZPL, usage."""
    thermal = _boolean(source, data, "thermal", False)
    fields = _string_list(source, data, "fields", FIELDS, ("tag", "facts"))
    if "tag" not in fields:
        raise _err(source, N_("« fields » doit contenir « tag » (le code-barres du numéro "
                              "d'inventaire)."))
    qr = _boolean(source, data, "qr", "qr" in fields)
    if qr != ("qr" in fields):
        raise _err(source, N_("« qr » et la présence de « qr » dans « fields » se "
                              "contredisent."))
    zpl = _boolean(source, data, "zpl", False)
    if zpl and not (thermal and kind == "roll"):
        raise _err(source, N_("« zpl = true » n'a de sens que pour un rouleau thermique "
                              "(Zebra)."))
    usage = _string_list(source, data, "usage", USAGES, USAGES)
    if not usage:
        raise _err(source, N_("« usage » ne peut pas être vide."))
    return thermal, fields, qr, zpl, usage


@dataclass(frozen=True, slots=True)
class _Grid:
    columns: int
    rows: int
    label_width: float
    label_height: float
    h_pitch: float
    v_pitch: float
    top_margin: float
    left_margin: float


def _grid(grid: object, source: str, page_w: float, page_h: float) -> _Grid:
    if not isinstance(grid, dict):
        raise _err(source, N_("une planche doit décrire sa grille dans [grid]."))
    unknown = sorted(set(grid) - _GRID_KEYS)
    missing = sorted(_GRID_KEYS - set(grid))
    if unknown:
        raise _err(source, N_("clé(s) inconnue(s) dans [grid] : %(keys)s."),
                   keys=", ".join(unknown))
    if missing:
        raise _err(source, N_("clé(s) manquante(s) dans [grid] : %(keys)s."),
                   keys=", ".join(missing))
    g = _Grid(
        _integer(source, grid, "columns", "grid."), _integer(source, grid, "rows", "grid."),
        *(_number(source, grid, key, "grid.") for key in (
            "label_width", "label_height", "h_pitch", "v_pitch", "top_margin", "left_margin")),
    )
    if (g.h_pitch + _FIT_TOLERANCE_MM < g.label_width
            or g.v_pitch + _FIT_TOLERANCE_MM < g.label_height):
        raise _err(source, N_("le pas de la grille est plus petit que l'étiquette : les "
                              "étiquettes se chevaucheraient."))
    used_w = g.left_margin + (g.columns - 1) * g.h_pitch + g.label_width
    used_h = g.top_margin + (g.rows - 1) * g.v_pitch + g.label_height
    if used_w > page_w + _FIT_TOLERANCE_MM:
        raise _err(source, N_("la grille ne tient pas dans la largeur de la page : %(used)s mm "
                              "pour %(page)s mm."), used=f"{used_w:.2f}", page=f"{page_w:.2f}")
    if used_h > page_h + _FIT_TOLERANCE_MM:
        raise _err(source, N_("la grille ne tient pas dans la hauteur de la page : %(used)s mm "
                              "pour %(page)s mm."), used=f"{used_h:.2f}", page=f"{page_h:.2f}")
    return g


def _padding(data: dict, source: str, grid: _Grid) -> float:
    padding = data.get("padding", 1.5)
    if isinstance(padding, bool) or not isinstance(padding, int | float) or padding < 0:
        raise _err(source, N_("« padding » doit être un nombre ≥ 0 (mm), reçu %(value)s."),
                   value=repr(padding))
    if 2 * padding >= min(grid.label_width, grid.label_height):
        raise _err(source, N_("« padding » est trop grand pour la taille de l'étiquette."))
    return float(padding)


def _directory(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else DEFAULT_LABELS_DIR


def load_stock(name: str, directory: str | Path | None = None) -> LabelStock:
    """Load ``<directory>/<name>.toml`` (``name`` is the stock id, without extension)."""
    folder = _directory(directory)
    if not isinstance(name, str) or not _NAME_RE.match(name) or name.endswith(".toml"):
        raise StockError(N_("Nom de support d'étiquettes invalide : %(name)s."), name=repr(name))
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml"))) or "aucun"
        raise StockError(N_("Support d'étiquettes inconnu : « %(name)s » (supports "
                            "disponibles : %(known)s)."), name=name, known=known)
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _PARSED.get(key)
    if cached is not None:
        return cached
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise _err(name, N_("fichier TOML illisible (%(error)s)."), error=str(exc)) from exc
    stock = parse_stock(data, name)
    for stale in [k for k in list(_PARSED) if k[0] == key[0]]:
        _PARSED.pop(stale, None)
    _PARSED[key] = stock
    return stock


# Parsed stocks by (file, modification time, size): every page with a print box lists the
# stocks, and reading and checking the TOML files each time cost more than the rest of the
# box. Editing, adding or removing a file is seen at the next call (a new key, or no file).
_PARSED: dict[tuple[str, int, int], LabelStock] = {}


# The listing by folder, with the folder's modification time and when its files were last
# looked at: every device page lists the stocks, and globbing then stating each file cost more
# than the rest of its print box. A file added, removed or renamed changes the folder's time
# and is seen at once; a file edited in place is seen within RECHECK_SECONDS.
_LISTED: dict[str, tuple[int, float, tuple[LabelStock, ...]]] = {}
RECHECK_SECONDS = 1.0


def list_stocks(directory: str | Path | None = None) -> list[LabelStock]:
    """All stocks of the directory, sorted by id; one invalid file fails loudly."""
    folder = _directory(directory)
    changed = folder.stat().st_mtime_ns
    now = time.monotonic()
    kept = _LISTED.get(str(folder))
    if kept is not None and kept[0] == changed and now - kept[1] < RECHECK_SECONDS:
        return list(kept[2])
    stocks = tuple(load_stock(p.stem, folder) for p in sorted(folder.glob("*.toml")))
    _LISTED[str(folder)] = (changed, now, stocks)
    return list(stocks)
