"""Label stocks (sheets and rolls) described as data in ``labels/*.toml``.

A stock only knows physical geometry and printer traits; what is drawn on each
label is decided by :mod:`refurb.printing.layout`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

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
    """Base of label printing errors; messages are French, fit to show to users."""


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


def _err(source: str, message: str) -> StockError:
    return StockError(f"Support d'étiquettes « {source} » : {message}")


def _number(source: str, table: dict, key: str, where: str = "") -> float:
    value = table.get(key)
    label = f"{where}{key}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _err(source, f"« {label} » doit être un nombre (en mm), reçu {value!r}.")
    if value <= 0 and key not in ("top_margin", "left_margin"):
        raise _err(source, f"« {label} » doit être strictement positif, reçu {value}.")
    if value < 0:
        raise _err(source, f"« {label} » ne peut pas être négatif, reçu {value}.")
    return float(value)


def _integer(source: str, table: dict, key: str, where: str = "") -> int:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _err(source, f"« {where}{key} » doit être un entier ≥ 1, reçu {value!r}.")
    return value


def _boolean(source: str, data: dict, key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _err(source, f"« {key} » doit valoir true ou false, reçu {value!r}.")
    return value


def _string_list(source: str, data: dict, key: str, allowed: tuple[str, ...],
                 default: tuple[str, ...]) -> tuple[str, ...]:
    value = data.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _err(source, f"« {key} » doit être une liste de textes, reçu {value!r}.")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise _err(source, f"valeur inconnue dans « {key} » : {', '.join(unknown)} "
                           f"(valeurs possibles : {', '.join(allowed)}).")
    if len(set(value)) != len(value):
        raise _err(source, f"« {key} » contient des doublons.")
    return tuple(value)


def parse_stock(data: dict, source: str) -> LabelStock:
    """Validate the decoded TOML of one stock; ``source`` is its id (file stem)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise _err(source, f"clé(s) inconnue(s) : {', '.join(unknown)}.")
    stock_id = data.get("id", source)
    if stock_id != source:
        raise _err(source, f"l'identifiant « {stock_id} » doit être le nom du fichier.")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _err(source, "« title » (intitulé en français) est obligatoire.")
    reference = data.get("reference", "")
    if not isinstance(reference, str):
        raise _err(source, "« reference » doit être un texte.")
    kind = data.get("kind")
    if kind not in KINDS:
        raise _err(source, f"« kind » doit valoir « sheet » (planche) ou « roll » (rouleau), "
                           f"reçu {kind!r}.")

    page = data.get("page")
    if not isinstance(page, dict) or set(page) - {"width", "height"}:
        raise _err(source, "« page » doit être { width = …, height = … } en mm.")
    page_w = _number(source, page, "width", "page.")
    page_h = _number(source, page, "height", "page.")

    dpi = data.get("dpi")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 100 <= dpi <= 1200:
        raise _err(source, f"« dpi » (résolution de l'imprimante) doit être un entier entre "
                           f"100 et 1200, reçu {dpi!r}.")
    thermal = _boolean(source, data, "thermal", False)
    fields = _string_list(source, data, "fields", FIELDS, ("tag", "facts"))
    if "tag" not in fields:
        raise _err(source, "« fields » doit contenir « tag » (le code-barres du numéro d'inventaire).")
    qr = _boolean(source, data, "qr", "qr" in fields)
    if qr != ("qr" in fields):
        raise _err(source, "« qr » et la présence de « qr » dans « fields » se contredisent.")
    zpl = _boolean(source, data, "zpl", False)
    if zpl and not (thermal and kind == "roll"):
        raise _err(source, "« zpl = true » n'a de sens que pour un rouleau thermique (Zebra).")
    usage = _string_list(source, data, "usage", USAGES, USAGES)
    if not usage:
        raise _err(source, "« usage » ne peut pas être vide.")

    grid = data.get("grid")
    if kind == "roll":
        if grid is not None:
            raise _err(source, "un rouleau n'a pas de « grid » : l'étiquette est la page.")
        cols = rows = 1
        label_w, label_h, h_pitch, v_pitch, top, left = page_w, page_h, page_w, page_h, 0.0, 0.0
    else:
        if not isinstance(grid, dict):
            raise _err(source, "une planche doit décrire sa grille dans [grid].")
        unknown = sorted(set(grid) - _GRID_KEYS)
        missing = sorted(_GRID_KEYS - set(grid))
        if unknown:
            raise _err(source, f"clé(s) inconnue(s) dans [grid] : {', '.join(unknown)}.")
        if missing:
            raise _err(source, f"clé(s) manquante(s) dans [grid] : {', '.join(missing)}.")
        cols = _integer(source, grid, "columns", "grid.")
        rows = _integer(source, grid, "rows", "grid.")
        label_w = _number(source, grid, "label_width", "grid.")
        label_h = _number(source, grid, "label_height", "grid.")
        h_pitch = _number(source, grid, "h_pitch", "grid.")
        v_pitch = _number(source, grid, "v_pitch", "grid.")
        top = _number(source, grid, "top_margin", "grid.")
        left = _number(source, grid, "left_margin", "grid.")
        if h_pitch + _FIT_TOLERANCE_MM < label_w or v_pitch + _FIT_TOLERANCE_MM < label_h:
            raise _err(source, "le pas de la grille est plus petit que l'étiquette : "
                               "les étiquettes se chevaucheraient.")
        used_w = left + (cols - 1) * h_pitch + label_w
        used_h = top + (rows - 1) * v_pitch + label_h
        if used_w > page_w + _FIT_TOLERANCE_MM:
            raise _err(source, f"la grille ne tient pas dans la largeur de la page : "
                               f"{used_w:.2f} mm pour {page_w:.2f} mm.")
        if used_h > page_h + _FIT_TOLERANCE_MM:
            raise _err(source, f"la grille ne tient pas dans la hauteur de la page : "
                               f"{used_h:.2f} mm pour {page_h:.2f} mm.")

    padding = data.get("padding", 1.5)
    if isinstance(padding, bool) or not isinstance(padding, int | float) or padding < 0:
        raise _err(source, f"« padding » doit être un nombre ≥ 0 (mm), reçu {padding!r}.")
    if 2 * padding >= min(label_w, label_h):
        raise _err(source, "« padding » est trop grand pour la taille de l'étiquette.")

    return LabelStock(
        id=source, title=title.strip(), kind=kind, page_width=page_w, page_height=page_h,
        dpi=dpi, thermal=thermal, fields=fields, qr=qr, zpl=zpl, columns=cols, rows=rows,
        label_width=label_w, label_height=label_h, h_pitch=h_pitch, v_pitch=v_pitch,
        top_margin=top, left_margin=left, padding=float(padding), usage=usage,
        reference=reference,
    )


def _directory(directory: str | Path | None) -> Path:
    return Path(directory) if directory is not None else DEFAULT_LABELS_DIR


def load_stock(name: str, directory: str | Path | None = None) -> LabelStock:
    """Load ``<directory>/<name>.toml`` (``name`` is the stock id, without extension)."""
    folder = _directory(directory)
    if not isinstance(name, str) or not _NAME_RE.match(name) or name.endswith(".toml"):
        raise StockError(f"Nom de support d'étiquettes invalide : {name!r}.")
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml"))) or "aucun"
        raise StockError(f"Support d'étiquettes inconnu : « {name} » "
                         f"(supports disponibles : {known}).")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise _err(name, f"fichier TOML illisible ({exc}).") from exc
    return parse_stock(data, name)


def list_stocks(directory: str | Path | None = None) -> list[LabelStock]:
    """All stocks of the directory, sorted by id; one invalid file fails loudly."""
    folder = _directory(directory)
    return [load_stock(p.stem, folder) for p in sorted(folder.glob("*.toml"))]
