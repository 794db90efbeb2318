"""Shared label geometry: where each label goes on the page and what it contains.

Every renderer (PDF, PNG, ZPL) draws from these boxes, so a preview shows
exactly what gets printed. Lengths are millimetres, origin at the top-left
corner of the label, y growing downwards.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import segno
from fpdf.fonts import CORE_FONTS_CHARWIDTHS

from .barcode_layout import (
    QUIET_MODULES,
    Barcode,
    bar_runs,
    code128_pattern,
    fit_error,
    fit_module_mm,
    min_module_mm,
)
from .stocks import LabelError, LabelStock

__all__ = [
    "FONT_METRICS",
    "LABEL_KINDS",
    "PT_MM",
    "LabelData",
    "LabelLayout",
    "LabelLayoutError",
    "PlacedLabel",
    "QRSymbol",
    "TextLine",
    "check_copies",
    "expand_copies",
    "label_list",
    "layout_label",
    "paginate",
    "text_width_mm",
    "to_latin1",
]

PT_MM = 25.4 / 72
LABEL_KINDS = ("device", "drive")

QR_QUIET_MODULES = 2  # inside the QR box; label padding and bar quiet zone add more
QR_MIN_MODULE_MM = 0.25  # phone cameras resolve this comfortably at 10-15 cm
QR_PREFERRED_MODULE_MM = 0.33
GOOD_BAR_MODULE_MM = 0.25  # bars are not made narrower than this to enlarge the QR
QR_ERROR = "m"
GAP_MM = 1.0  # between the bar area and the QR box
MIN_BAR_HEIGHT_MM = 5.0  # below this, handheld scanners miss the symbol when tilted
MAX_BAR_HEIGHT_MM = 18.0
DRIVE_MAX_BAR_HEIGHT_MM = 10.0  # drive labels favour a legible model/capacity line
BAR_TEXT_GAP_MM = 0.6
LINE_GAP_MM = 0.35
BASELINE = 0.78  # baseline position within a line of 1 em (core fonts' ascent)
MIN_FACTS_PT = 5.0
ELLIPSIS = "..."

FONT_METRICS = {
    "courier-bold": CORE_FONTS_CHARWIDTHS["courierB"],
    "helvetica": CORE_FONTS_CHARWIDTHS["helvetica"],
    "helvetica-bold": CORE_FONTS_CHARWIDTHS["helveticaB"],
}


class LabelLayoutError(LabelError):
    """The requested labels cannot be laid out on this stock."""


@dataclass(frozen=True, slots=True)
class LabelData:
    """What to print on one label; plain data, no ORM objects."""

    tag: str
    facts_line: str = ""
    qr_url: str | None = None
    kind: str = "device"  # "device" | "drive" (drive removed from a machine)

    def __post_init__(self) -> None:
        if self.kind not in LABEL_KINDS:
            raise LabelLayoutError(f"Type d'étiquette inconnu : {self.kind!r} "
                                   f"(attendu : {', '.join(LABEL_KINDS)}).")


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str  # latin-1 only, already fitted to the box
    font: str  # key of FONT_METRICS
    size_pt: float
    x: float  # left of the first glyph
    baseline: float
    width: float  # advance width of ``text``
    box: tuple[float, float, float, float]  # x, y, w, h the line is centred in


@dataclass(frozen=True, slots=True)
class QRSymbol:
    text: str
    x: float  # top-left of the symbol, quiet zone excluded
    y: float
    size: int  # modules per side
    module_mm: float
    rects: tuple[tuple[int, int, int, int], ...]  # col, row, width, height in modules

    @property
    def side_mm(self) -> float:
        return self.size * self.module_mm


@dataclass(frozen=True, slots=True)
class LabelLayout:
    width: float
    height: float
    barcode: Barcode
    bar_x: float  # left edge of the first module
    bar_y: float
    bar_height: float
    tag_line: TextLine
    facts_line: TextLine | None
    qr: QRSymbol | None


@dataclass(frozen=True, slots=True)
class PlacedLabel:
    page: int  # 0-based
    place: int  # 1-based place on the sheet, row by row
    x: float  # label top-left on the page
    y: float
    data: LabelData
    layout: LabelLayout


# --------------------------------------------------------------------------- text

_TRANSLIT = {
    "\u2018": "'", "\u2019": "'", "\u201a": ",", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "\u00b7", "\u2219": "\u00b7", "\u20ac": "EUR",
    "\u0153": "oe", "\u0152": "OE", "\u2264": "<=", "\u2265": ">=", "\u2122": "TM",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u00ad": "",
    # Letters without a Unicode decomposition to a latin-1 base letter.
    "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i",
    "\u0126": "H", "\u0127": "h", "\u0166": "T", "\u0167": "t",
}


def to_latin1(text: str) -> str:
    """Printable latin-1 text: core PDF fonts and ZPL cannot show anything else."""
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in _TRANSLIT:
            out.append(_TRANSLIT[ch])
        elif 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF:
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        else:
            # Accented letters outside latin-1 (ł, ő, ș…) keep their base letter.
            base = unicodedata.normalize("NFKD", ch)
            out.extend(c for c in base if 0x20 <= ord(c) <= 0x7E or 0xA0 <= ord(c) <= 0xFF)
    return " ".join("".join(out).split())


def text_width_mm(text: str, font: str, size_pt: float) -> float:
    widths = FONT_METRICS[font]
    return sum(widths.get(c, 600) for c in text) * size_pt * PT_MM / 1000


def _fit_text(text: str, font: str, size_pt: float, min_pt: float,
              max_width: float) -> tuple[str, float, float]:
    """Shrink, then truncate with an ellipsis; returns (text, size, width)."""
    width = text_width_mm(text, font, size_pt)
    if width <= max_width:
        return text, size_pt, width
    size = max(min_pt, size_pt * max_width / width)
    width = text_width_mm(text, font, size)
    if width <= max_width + 1e-9:
        return text, size, width
    ell = text_width_mm(ELLIPSIS, font, size)
    widths = FONT_METRICS[font]
    budget = (max_width - ell) * 1000 / (size * PT_MM)
    used, cut = 0.0, 0
    for i, c in enumerate(text):
        used += widths.get(c, 600)
        if used > budget:
            cut = i
            break
    clipped = text[:cut].rstrip() + ELLIPSIS
    return clipped, size, text_width_mm(clipped, font, size)


# ----------------------------------------------------------------------------- QR


_DARK_RUN = re.compile(rb"\x01+")


def qr_runs(matrix: Sequence[Sequence[int]]) -> tuple[tuple[int, int, int, int], ...]:
    """Dark modules as rectangles: runs per row, stacked when rows repeat a run."""
    done: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], int] = {}  # (col, width) -> first row
    for r, row in enumerate(matrix):
        runs = [(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(bytes(row))]
        current = set(runs)
        for key in [k for k in open_ if k not in current]:
            r0 = open_.pop(key)
            done.append((key[0], r0, key[1], r - r0))
        for key in runs:
            open_.setdefault(key, r)
    n = len(matrix)
    done.extend((c, r0, w, n - r0) for (c, w), r0 in open_.items())
    done.sort(key=lambda t: (t[1], t[0]))
    return tuple(done)


# Bounded small: one symbol holds ~250 rectangles (~20 KB); copies are shared per call anyway.
@lru_cache(maxsize=256)
def _qr(text: str) -> tuple[int, tuple[tuple[int, int, int, int], ...]]:
    # segno scores the 8 ISO 18004 mask patterns: ~3 ms, most of a QR label's cost.
    # A fixed mask would be ~5x faster but non-conformant and sometimes harder to read.
    qr = segno.make(text, error=QR_ERROR, micro=False)
    return len(qr.matrix), qr_runs(qr.matrix)


# ------------------------------------------------------------------------- layout


def _snap(value: float, dot: float, lo: float, hi: float) -> float:
    """Nearest dot-grid position within [lo, hi] (else the unsnapped value)."""
    first, last = math.ceil(lo / dot - 1e-9), math.floor(hi / dot + 1e-9)
    if first > last:
        return value
    return min(max(round(value / dot), first), last) * dot


class _TooNarrow(Exception):
    def __init__(self, available: float) -> None:
        self.available = available


@dataclass(frozen=True, slots=True)
class _Frame:
    module_mm: float
    bar_x: float
    bar_y: float
    bar_height: float
    region: tuple[float, float]  # x, width of the area under the bars (text lines)
    tag_top: float
    tag_pt: float
    facts_top: float | None
    facts_pt: float
    qr_x: float
    qr_y: float
    qr_module: float


def _clamp(v: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, v))


@lru_cache(maxsize=1024)
def _frame(stock: LabelStock, kind: str, modules: int, qr_size: int | None) -> _Frame:
    """Geometry shared by every label whose symbols have these sizes (cached)."""
    pad = stock.padding
    cx, cy = pad, pad
    cw, ch = stock.label_width - 2 * pad, stock.label_height - 2 * pad
    dot = stock.dot_mm

    # The barcode is what technicians scan all day: it gets the width first.
    # The QR code is guaranteed its minimum size, gets its preferred size when
    # that does not make the bars narrower than a comfortable module, and
    # finally takes whatever width the bars leave.
    reserve = 0.0
    if qr_size:
        q_total = qr_size + 2 * QR_QUIET_MODULES
        q_min = max(min_module_mm(stock.dpi, stock.thermal), QR_MIN_MODULE_MM)
        q_pref = max(q_min, QR_PREFERRED_MODULE_MM)
        if stock.thermal:
            q_min = math.ceil(q_min / dot - 1e-9) * dot
            q_pref = math.ceil(q_pref / dot - 1e-9) * dot
        reserve = q_total * q_min + GAP_MM
        if q_total * q_min > ch:
            raise LabelLayoutError(
                f"Le QR code ({qr_size} modules) ne tient pas dans la hauteur de l'étiquette "
                f"« {stock.id} » : raccourcissez l'adresse ou désactivez le QR code.")
    m = fit_module_mm(modules, cw - reserve, stock.dpi, stock.thermal)
    if m is None:
        raise _TooNarrow(cw - reserve)
    if qr_size and q_total * q_pref <= ch:
        m_pref = fit_module_mm(modules, cw - q_total * q_pref - GAP_MM, stock.dpi, stock.thermal)
        if m_pref is not None and m_pref >= min(m, GOOD_BAR_MODULE_MM) - 1e-9:
            m = m_pref
    region_w = cw
    qr_x = qr_y = qr_module = 0.0
    if qr_size:
        side_avail = min(ch, cw - (modules + 2 * QUIET_MODULES) * m - GAP_MM)
        qr_module = max(side_avail / q_total, q_min)
        if stock.thermal:
            qr_module = max(math.floor(qr_module / dot + 1e-9) * dot, q_min)
        box = q_total * qr_module
        box_x = cx + cw - box
        box_y = cy + (ch - box) / 2
        qr_x = box_x + QR_QUIET_MODULES * qr_module
        qr_y = box_y + QR_QUIET_MODULES * qr_module
        if stock.thermal:
            qr_x = _snap(qr_x, dot, qr_x - qr_module, qr_x)
            qr_y = _snap(qr_y, dot, qr_y - qr_module, qr_y + qr_module)
        region_w = box_x - GAP_MM - cx

    # Vertical stack: bars, tag line, facts line, centred in the content box.
    tag_pt = _clamp(ch * 0.40, 6.0, 11.0)
    has_facts = stock.has_field("facts")
    if kind == "drive":
        facts_pt = _clamp(ch * 0.36, 5.5, 9.0)
        bar_cap = DRIVE_MAX_BAR_HEIGHT_MM
    else:
        facts_pt = _clamp(ch * 0.30, 5.0, 8.0)
        bar_cap = MAX_BAR_HEIGHT_MM
    text_h = BAR_TEXT_GAP_MM + tag_pt * PT_MM
    if has_facts:
        text_h += LINE_GAP_MM + facts_pt * PT_MM
    bar_h = min(ch - text_h, bar_cap)
    if bar_h < MIN_BAR_HEIGHT_MM:
        raise LabelLayoutError(
            f"L'étiquette « {stock.id} » est trop basse : il reste {max(bar_h, 0):.1f} mm "
            f"pour les barres (minimum {MIN_BAR_HEIGHT_MM:.0f} mm).")
    top = cy + (ch - bar_h - text_h) / 2
    tag_top = top + bar_h + BAR_TEXT_GAP_MM
    facts_top = tag_top + tag_pt * PT_MM + LINE_GAP_MM if has_facts else None

    bars_w = modules * m
    lo, hi = cx + QUIET_MODULES * m, cx + region_w - QUIET_MODULES * m - bars_w
    bar_x = cx + (region_w - bars_w) / 2
    if stock.thermal:
        bar_x = _snap(bar_x, dot, lo, hi)
    return _Frame(m, bar_x, top, bar_h, (cx, region_w), tag_top, tag_pt, facts_top,
                  facts_pt, qr_x, qr_y, qr_module)


def _centered_line(text: str, font: str, size: float, min_pt: float, region: tuple[float, float],
                   top: float) -> TextLine:
    x0, w = region
    fitted, size, width = _fit_text(text, font, size, min_pt, w)
    height = size * PT_MM
    return TextLine(fitted, font, size, x0 + (w - width) / 2, top + BASELINE * height, width,
                    (x0, top, w, height))


def layout_label(stock: LabelStock, data: LabelData) -> LabelLayout:
    """Boxes of one label, in label coordinates (mm)."""
    tag = data.tag
    pattern = code128_pattern(tag)  # validates the tag first, with a clear message
    use_qr = stock.qr and data.kind == "device" and bool(data.qr_url)
    qr_size, qr_rects = _qr(data.qr_url) if use_qr else (None, ())
    try:
        frame = _frame(stock, data.kind, len(pattern), qr_size)
    except _TooNarrow as exc:
        raise fit_error(tag, len(pattern), exc.available, stock.dpi, stock.thermal,
                        with_qr=bool(qr_size)) from None
    m = frame.module_mm
    barcode = Barcode(tag, len(pattern), _runs(tag), m,
                      round(m / stock.dot_mm) if stock.thermal else None)
    # The tag text is never truncated: it is the fallback when a scanner fails.
    tag_line = _centered_line(tag, "courier-bold", frame.tag_pt, 3.0, frame.region,
                              frame.tag_top)
    facts = None
    if frame.facts_top is not None:
        font = "helvetica-bold" if data.kind == "drive" else "helvetica"
        facts = _centered_line(to_latin1(data.facts_line or ""), font, frame.facts_pt,
                               MIN_FACTS_PT, frame.region, frame.facts_top)
    qr = None
    if qr_size:
        qr = QRSymbol(data.qr_url, frame.qr_x, frame.qr_y, qr_size, frame.qr_module, qr_rects)
    return LabelLayout(stock.label_width, stock.label_height, barcode, frame.bar_x,
                       frame.bar_y, frame.bar_height, tag_line, facts, qr)


@lru_cache(maxsize=1024)
def _runs(tag: str) -> tuple[tuple[int, int], ...]:
    return bar_runs(code128_pattern(tag))


# --------------------------------------------------------------------- pagination


def check_copies(copies: int) -> int:
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 1000:
        raise LabelLayoutError(f"Nombre d'exemplaires invalide : {copies!r} (1 à 1000).")
    return copies


def label_list(labels: Iterable[LabelData]) -> list[LabelData]:
    """The labels as a non-empty list of :class:`LabelData`."""
    items = list(labels)
    for item in items:
        if not isinstance(item, LabelData):
            raise TypeError(f"LabelData attendu, reçu {type(item).__name__}")
    if not items:
        raise LabelLayoutError("Aucune étiquette à imprimer.")
    return items


def expand_copies(labels: Iterable[LabelData], copies: int) -> list[LabelData]:
    """Each label ``copies`` times in a row (A, A, B, B…), as technicians stick them."""
    check_copies(copies)
    return [item for item in label_list(labels) for _ in range(copies)]


def paginate(stock: LabelStock, labels: Iterable[LabelData], start: int = 1,
             copies: int = 1) -> list[list[PlacedLabel]]:
    """Labels placed on pages; ``start`` is the first free place of a used sheet."""
    if isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= stock.per_page:
        if stock.kind == "roll":
            raise LabelLayoutError("Un rouleau n'a pas d'emplacement de départ : "
                                   "laissez la position de départ à 1.")
        raise LabelLayoutError(f"Position de départ invalide : {start!r} (de 1 à "
                               f"{stock.per_page} sur « {stock.title} »).")
    items = expand_copies(labels, copies)
    per_page = stock.per_page
    layouts: dict[LabelData, LabelLayout] = {}
    origins = [stock.place_origin(p) for p in range(1, per_page + 1)]
    pages: list[list[PlacedLabel]] = []
    for i, data in enumerate(items, start=start - 1):
        page, slot = divmod(i, per_page)
        if page == len(pages):
            pages.append([])
        lay = layouts.get(data)
        if lay is None:
            lay = layouts[data] = layout_label(stock, data)
        x, y = origins[slot]
        pages[page].append(PlacedLabel(page, slot + 1, x, y, data, lay))
    return pages
