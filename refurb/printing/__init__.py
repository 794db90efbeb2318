"""Barcode label engine: stocks, shared layout and PDF / PNG / ZPL renderers.

Plain data in, bytes or text out; no Flask or database here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .barcode_layout import Barcode, BarcodeFitError, bar_runs, code128_pattern, layout_barcode
from .layout import LabelData, LabelLayout, LabelLayoutError, PlacedLabel, layout_label
from .pagination import ROLL_HAS_NO_START, paginate
from .render_pdf import render_pdf
from .render_png import render_png
from .render_zpl import render_zpl
from .stocks import LabelError, LabelStock, StockError, list_stocks, load_stock

__all__ = [
    "RENDERERS",
    "Barcode",
    "BarcodeFitError",
    "LabelData",
    "LabelError",
    "LabelLayout",
    "LabelLayoutError",
    "LabelStock",
    "PlacedLabel",
    "Renderer",
    "StockError",
    "bar_runs",
    "code128_pattern",
    "layout_barcode",
    "layout_label",
    "list_stocks",
    "load_stock",
    "paginate",
    "render_pdf",
    "render_png",
    "render_zpl",
    "renderers_for",
]


Render = Callable[[LabelStock, Iterable[LabelData], int, int], bytes]


@dataclass(frozen=True, slots=True)
class Renderer:
    """One output format, with what an HTTP response needs to serve it."""

    name: str
    title: str  # French, for menus
    media_type: str
    extension: str
    func: Render  # (stock, labels, start, copies) -> bytes
    zpl_only: bool = False

    def supports(self, stock: LabelStock) -> bool:
        return stock.zpl or not self.zpl_only

    def render(self, stock: LabelStock, labels: Iterable[LabelData], *, start: int = 1,
               copies: int = 1) -> bytes:
        return self.func(stock, labels, start, copies)


def _pdf(stock: LabelStock, labels: Iterable[LabelData], start: int, copies: int) -> bytes:
    return render_pdf(stock, labels, start=start, copies=copies)


def _png(stock: LabelStock, labels: Iterable[LabelData], start: int, copies: int) -> bytes:
    return render_png(stock, labels, start=start, copies=copies)


def _zpl(stock: LabelStock, labels: Iterable[LabelData], start: int, copies: int) -> bytes:
    if start != 1:
        raise LabelLayoutError(ROLL_HAS_NO_START)
    return render_zpl(stock, labels, copies=copies).encode("utf-8")  # ^CI28: UTF-8


RENDERERS: dict[str, Renderer] = {
    "pdf": Renderer("pdf", "PDF à imprimer", "application/pdf", ".pdf", _pdf),
    "png": Renderer("png", "Aperçu PNG (première page)", "image/png", ".png", _png),
    "zpl": Renderer("zpl", "ZPL pour imprimante Zebra", "text/plain; charset=utf-8", ".zpl",
                    _zpl, zpl_only=True),
}


def renderers_for(stock: LabelStock) -> list[Renderer]:
    """Formats offered for ``stock`` (ZPL only for Zebra rolls)."""
    return [r for r in RENDERERS.values() if r.supports(stock)]
