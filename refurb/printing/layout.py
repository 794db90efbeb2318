"""Shared label geometry: where the bars, the text lines and the QR code of one label go.

Every renderer (PDF, PNG, ZPL) draws from these boxes, so a preview shows exactly what gets
printed. Lengths are millimetres, origin at the top-left corner of the label, y growing
downwards. Text fitting lives in `label_text`, QR symbols in `qr_layout`, pages in
`pagination`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from refurb.core.i18n import N_

from .barcode_layout import (
    QUIET_MODULES,
    Barcode,
    bar_runs,
    code128_pattern,
    fit_error,
    fit_module_mm,
    min_module_mm,
)
from .label_text import PT_MM, fit_text, to_latin1
from .qr_layout import qr_symbol
from .stocks import LabelError, LabelStock

__all__ = [
    "LABEL_KINDS",
    "LabelData",
    "LabelLayout",
    "LabelLayoutError",
    "PlacedLabel",
    "QRSymbol",
    "TextLine",
    "layout_label",
]

LABEL_KINDS = ("device", "drive")

QR_QUIET_MODULES = 2  # inside the QR box; label padding and bar quiet zone add more
QR_MIN_MODULE_MM = 0.25  # phone cameras resolve this comfortably at 10-15 cm
QR_PREFERRED_MODULE_MM = 0.33
GOOD_BAR_MODULE_MM = 0.25  # bars are not made narrower than this to enlarge the QR
GAP_MM = 1.0  # between the bar area and the QR box
MIN_BAR_HEIGHT_MM = 5.0  # below this, handheld scanners miss the symbol when tilted
MAX_BAR_HEIGHT_MM = 18.0
DRIVE_MAX_BAR_HEIGHT_MM = 10.0  # drive labels favour a legible model/capacity line
BAR_TEXT_GAP_MM = 0.6
LINE_GAP_MM = 0.35
BASELINE = 0.78  # baseline position within a line of 1 em (core fonts' ascent)
MIN_FACTS_PT = 5.0


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
            raise LabelLayoutError(N_("Type d'étiquette inconnu : %(kind)s (attendu : "
                                      "%(kinds)s)."),
                                   kind=repr(self.kind), kinds=", ".join(LABEL_KINDS))


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
    m, qr = _widths(stock, modules, qr_size, cw, ch)
    region_w = cw
    qr_x = qr_y = qr_module = 0.0
    if qr_size:
        qr_x, qr_y, qr_module, box_x = _qr_box(stock, modules, qr_size, qr, m, cx, cy, cw, ch)
        region_w = box_x - GAP_MM - cx
    top, bar_h, tag_top, tag_pt, facts_top, facts_pt = _stack(stock, kind, cy, ch)
    bars_w = modules * m
    lo, hi = cx + QUIET_MODULES * m, cx + region_w - QUIET_MODULES * m - bars_w
    bar_x = cx + (region_w - bars_w) / 2
    if stock.thermal:
        bar_x = _snap(bar_x, stock.dot_mm, lo, hi)
    return _Frame(m, bar_x, top, bar_h, (cx, region_w), tag_top, tag_pt, facts_top,
                  facts_pt, qr_x, qr_y, qr_module)


@dataclass(frozen=True, slots=True)
class _QRModules:
    total: int  # modules per side, quiet zone included
    minimum: float  # smallest module (mm) this printer renders reliably
    preferred: float


def _widths(stock: LabelStock, modules: int, qr_size: int | None, cw: float,
            ch: float) -> tuple[float, _QRModules | None]:
    """Bar module width, and the QR module sizes when there is a QR code.

    The barcode is what technicians scan all day: it gets the width first. The QR code is
    guaranteed its minimum size, gets its preferred size when that does not make the bars
    narrower than a comfortable module, and finally takes whatever width the bars leave.
    """
    dot = stock.dot_mm
    qr = None
    reserve = 0.0
    if qr_size:
        q_min = max(min_module_mm(stock.dpi, stock.thermal), QR_MIN_MODULE_MM)
        q_pref = max(q_min, QR_PREFERRED_MODULE_MM)
        if stock.thermal:
            q_min = math.ceil(q_min / dot - 1e-9) * dot
            q_pref = math.ceil(q_pref / dot - 1e-9) * dot
        qr = _QRModules(qr_size + 2 * QR_QUIET_MODULES, q_min, q_pref)
        reserve = qr.total * q_min + GAP_MM
        if qr.total * q_min > ch:
            raise LabelLayoutError(
                N_("Le QR code (%(size)s modules) ne tient pas dans la hauteur de l'étiquette "
                   "« %(stock)s » : raccourcissez l'adresse ou désactivez le QR code."),
                size=qr_size, stock=stock.id)
    m = fit_module_mm(modules, cw - reserve, stock.dpi, stock.thermal)
    if m is None:
        raise _TooNarrow(cw - reserve)
    if qr and qr.total * qr.preferred <= ch:
        m_pref = fit_module_mm(modules, cw - qr.total * qr.preferred - GAP_MM, stock.dpi,
                               stock.thermal)
        if m_pref is not None and m_pref >= min(m, GOOD_BAR_MODULE_MM) - 1e-9:
            m = m_pref
    return m, qr


def _qr_box(stock: LabelStock, modules: int, qr_size: int, qr: _QRModules, m: float,
            cx: float, cy: float, cw: float, ch: float) -> tuple[float, float, float, float]:
    """(x, y, module) of the QR symbol, and the left edge of its box, at the right end."""
    dot = stock.dot_mm
    side_avail = min(ch, cw - (modules + 2 * QUIET_MODULES) * m - GAP_MM)
    qr_module = max(side_avail / qr.total, qr.minimum)
    if stock.thermal:
        qr_module = max(math.floor(qr_module / dot + 1e-9) * dot, qr.minimum)
    box = qr.total * qr_module
    box_x = cx + cw - box
    box_y = cy + (ch - box) / 2
    qr_x = box_x + QR_QUIET_MODULES * qr_module
    qr_y = box_y + QR_QUIET_MODULES * qr_module
    if stock.thermal:
        qr_x = _snap(qr_x, dot, qr_x - qr_module, qr_x)
        qr_y = _snap(qr_y, dot, qr_y - qr_module, qr_y + qr_module)
    return qr_x, qr_y, qr_module, box_x


def _stack(stock: LabelStock, kind: str, cy: float,
           ch: float) -> tuple[float, float, float, float, float | None, float]:
    """Vertical stack centred in the content box: bars, tag line, facts line.
    Returns (bars top, bar height, tag top, tag size, facts top, facts size)."""
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
            N_("L'étiquette « %(stock)s » est trop basse : il reste %(left)s mm pour les barres "
               "(minimum %(minimum)s mm)."),
            stock=stock.id, left=f"{max(bar_h, 0):.1f}", minimum=f"{MIN_BAR_HEIGHT_MM:.0f}")
    top = cy + (ch - bar_h - text_h) / 2
    tag_top = top + bar_h + BAR_TEXT_GAP_MM
    facts_top = tag_top + tag_pt * PT_MM + LINE_GAP_MM if has_facts else None
    return top, bar_h, tag_top, tag_pt, facts_top, facts_pt


def _centered_line(text: str, font: str, size: float, min_pt: float, region: tuple[float, float],
                   top: float) -> TextLine:
    x0, w = region
    fitted, size, width = fit_text(text, font, size, min_pt, w)
    height = size * PT_MM
    return TextLine(fitted, font, size, x0 + (w - width) / 2, top + BASELINE * height, width,
                    (x0, top, w, height))


def layout_label(stock: LabelStock, data: LabelData) -> LabelLayout:
    """Boxes of one label, in label coordinates (mm)."""
    tag = data.tag
    pattern = code128_pattern(tag)  # validates the tag first, with a clear message
    use_qr = stock.qr and data.kind == "device" and bool(data.qr_url)
    qr_size, qr_rects = qr_symbol(data.qr_url) if use_qr else (None, ())
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
