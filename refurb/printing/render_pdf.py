"""Vector PDF of label pages, at the exact physical size of the stock.

Bars and QR modules are filled rectangles (never images), so printers render
them at their own resolution. Content streams are written as raw operators
through fpdf2's page buffer: per-rectangle ``FPDF.rect()`` calls cost far more
than the ~2,000 labels/s we need, and scaling the coordinate system to module
units lets every rectangle be written with small integers.
"""

from __future__ import annotations

from collections.abc import Iterable

from fpdf import FPDF
from fpdf.enums import PDFResourceType

from .layout import LabelData, LabelLayout, PlacedLabel, TextLine
from .pagination import paginate
from .stocks import LabelStock

__all__ = ["render_pdf"]

_K = 72 / 25.4  # points per millimetre
_FONTS = {  # layout font key -> fpdf2 family, style
    "courier-bold": ("courier", "B"),
    "helvetica": ("helvetica", ""),
    "helvetica-bold": ("helvetica", "B"),
}
_ESCAPE = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)"})


def _rects(runs: Iterable[tuple[int, ...]]) -> str:
    return " ".join([f"{r[0]} {r[1]} {r[2]} {r[3]} re" for r in runs])


_BAR_CACHE: dict[tuple[tuple[int, int], ...], str] = {}


def _bar_ops(runs: tuple[tuple[int, int], ...]) -> str:
    # Bars are drawn in a unit-height system: "start 0 width 1 re".
    ops = _BAR_CACHE.get(runs)
    if ops is None:
        if len(_BAR_CACHE) > 4096:
            _BAR_CACHE.clear()
        ops = _BAR_CACHE[runs] = " ".join([f"{s} 0 {w} 1 re" for s, w in runs])
    return ops


def _text_ops(line: TextLine, font_ids: dict[str, int], ox: float, top: float) -> str:
    if not line.text:
        return ""
    data = line.text.translate(_ESCAPE)
    return (f"BT /F{font_ids[line.font]} {line.size_pt:.2f} Tf "
            f"{(ox + line.x) * _K:.2f} {(top - line.baseline) * _K:.2f} Td ({data}) Tj ET")


def _label_ops(lay: LabelLayout, ox: float, oy: float, page_h: float,
               font_ids: dict[str, int]) -> str:
    """Operators for one label whose top-left corner is (ox, oy) mm on the page."""
    top = page_h - oy  # label top edge, in mm from the page bottom
    b = lay.barcode
    m = b.module_mm * _K
    parts = [
        f"q {m:.5f} 0 0 {-lay.bar_height * _K:.4f} {(ox + lay.bar_x) * _K:.4f} "
        f"{(top - lay.bar_y) * _K:.4f} cm {_bar_ops(b.runs)} f Q",
        _text_ops(lay.tag_line, font_ids, ox, top),
    ]
    if lay.facts_line is not None:
        parts.append(_text_ops(lay.facts_line, font_ids, ox, top))
    if lay.qr is not None:
        q = lay.qr
        s = q.module_mm * _K
        parts.append(f"q {s:.5f} 0 0 {-s:.5f} {(ox + q.x) * _K:.4f} {(top - q.y) * _K:.4f} cm "
                     f"{_rects(q.rects)} f Q")
    return "\n".join(parts)


def _new_pdf(stock: LabelStock) -> tuple[FPDF, dict[str, int]]:
    pdf = FPDF(unit="mm", format=(stock.page_width, stock.page_height))
    pdf.set_compression(True)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_title(stock.title)
    pdf.set_creator("Refurb")
    font_ids = {}
    for key, (family, style) in _FONTS.items():
        pdf.set_font(family, style, 8)
        font_ids[key] = pdf.current_font.i
    return pdf, font_ids


def _write_page(pdf: FPDF, stock: LabelStock, placed: list[PlacedLabel],
                font_ids: dict[str, int]) -> None:
    pdf.add_page()
    # Raw text operators bypass fpdf2's font bookkeeping: declare the fonts
    # in this page's /Resources ourselves.
    for fid in font_ids.values():
        pdf._resource_catalog.add(PDFResourceType.FONT, fid, pdf.page)
    ops = [_label_ops(p.layout, p.x, p.y, stock.page_height, font_ids) for p in placed]
    pdf._out("0 g\n" + "\n".join(ops))


def render_pdf(stock: LabelStock, labels: Iterable[LabelData], start: int = 1,
               copies: int = 1) -> bytes:
    """PDF with one page per sheet (or per label on rolls), at the stock's exact size."""
    pages = paginate(stock, labels, start=start, copies=copies)
    pdf, font_ids = _new_pdf(stock)
    for placed in pages:
        _write_page(pdf, stock, placed, font_ids)
    return bytes(pdf.output())
