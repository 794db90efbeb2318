"""PNG preview of the first page, drawn with Pillow from the shared layout.

Rasterising the PDF would need a PDF engine at runtime; drawing the same boxes
directly keeps the preview faithful (bars, QR) while fonts are approximations.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .label_text import PT_MM
from .layout import LabelData, PlacedLabel, TextLine
from .pagination import paginate
from .stocks import MM_PER_INCH, LabelStock

__all__ = ["render_png"]

_OUTLINE = 220  # light grey die-cut outlines so the preview shows free places
_FONT_FILES = {  # tried in order; Pillow's bundled font is the fallback
    "courier-bold": ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "cour.ttf"),
    "helvetica": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "arial.ttf"),
    "helvetica-bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "arialbd.ttf"),
}


@lru_cache(maxsize=256)
def _font(key: str, size_px: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """(font, ascii_only): Pillow's bundled fallback font has no accented letters."""
    for name in _FONT_FILES[key]:
        try:
            return ImageFont.truetype(name, size_px), False
        except OSError:
            continue
    return ImageFont.load_default(size=size_px), True


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _draw_text(draw: ImageDraw.ImageDraw, line: TextLine, ox: float, oy: float,
               scale: float) -> None:
    if not line.text:
        return
    size = max(4, round(line.size_pt * PT_MM * scale))
    box_w = line.box[2] * scale
    font, ascii_only = _font(line.font, size)
    text = _ascii(line.text) if ascii_only else line.text
    # Substitute fonts are wider or narrower than the PDF core fonts: shrink to the box.
    while size > 4 and draw.textlength(text, font=font) > box_w:
        size -= 1
        font, _ = _font(line.font, size)
    cx = (ox + line.x + line.width / 2) * scale
    draw.text((cx, (oy + line.baseline) * scale), text, fill=0, font=font, anchor="ms")


def _draw_label(draw: ImageDraw.ImageDraw, p: PlacedLabel, scale: float) -> None:
    lay = p.layout

    def px(mm: float) -> int:
        return round(mm * scale)

    # Edges are rounded independently so adjacent runs neither overlap nor gap.
    b = lay.barcode
    x0, y0 = p.x + lay.bar_x, p.y + lay.bar_y
    top, bottom = px(y0), px(y0 + lay.bar_height) - 1
    m = b.module_mm
    for start, width in b.runs:
        draw.rectangle((px(x0 + start * m), top, px(x0 + (start + width) * m) - 1, bottom),
                       fill=0)
    if lay.qr is not None:
        q = lay.qr
        qx, qy, s = p.x + q.x, p.y + q.y, q.module_mm
        for c, r, w, h in q.rects:
            draw.rectangle((px(qx + c * s), px(qy + r * s), px(qx + (c + w) * s) - 1,
                            px(qy + (r + h) * s) - 1), fill=0)
    _draw_text(draw, lay.tag_line, p.x, p.y, scale)
    if lay.facts_line is not None:
        _draw_text(draw, lay.facts_line, p.x, p.y, scale)


def render_png(stock: LabelStock, labels: Iterable[LabelData], start: int = 1,
               dpi: int | None = None, copies: int = 1) -> bytes:
    """PNG of the first page (sheet or roll label) at ``dpi`` (default: printer dpi)."""
    dpi = stock.dpi if dpi is None else dpi
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 36 <= dpi <= 1200:
        raise ValueError(f"Résolution d'aperçu invalide : {dpi!r} (36 à 1200 dpi).")
    pages = paginate(stock, labels, start=start, copies=copies)
    scale = dpi / MM_PER_INCH
    size = (round(stock.page_width * scale), round(stock.page_height * scale))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    if stock.kind == "sheet":
        for place in range(1, stock.per_page + 1):
            x, y = stock.place_origin(place)
            draw.rounded_rectangle(
                (round(x * scale), round(y * scale),
                 round((x + stock.label_width) * scale) - 1,
                 round((y + stock.label_height) * scale) - 1),
                radius=round(1.5 * scale), outline=_OUTLINE, width=1)
    for placed in pages[0]:
        _draw_label(draw, placed, scale)
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(dpi, dpi))
    return buf.getvalue()
