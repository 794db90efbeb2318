"""Text on a label: latin-1 only (PDF core fonts and ZPL cannot show anything else), widths
from the core fonts' metrics, shrunk then cut with an ellipsis to fit its box."""

from __future__ import annotations

import unicodedata

from fpdf.fonts import CORE_FONTS_CHARWIDTHS

__all__ = ["ELLIPSIS", "FONT_METRICS", "PT_MM", "fit_text", "text_width_mm", "to_latin1"]

PT_MM = 25.4 / 72
ELLIPSIS = "..."

FONT_METRICS = {
    "courier-bold": CORE_FONTS_CHARWIDTHS["courierB"],
    "helvetica": CORE_FONTS_CHARWIDTHS["helvetica"],
    "helvetica-bold": CORE_FONTS_CHARWIDTHS["helveticaB"],
}

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


def fit_text(text: str, font: str, size_pt: float, min_pt: float,
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
