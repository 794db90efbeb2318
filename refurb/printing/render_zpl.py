"""ZPL II for Zebra thermal printers, one ``^XA…^XZ`` format per label.

Positions come from the shared layout converted to dots, so a ZPL label looks
like its PDF twin; the printer draws the barcode itself (``^BC``) at the module
width computed for its resolution (``^BY``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from refurb.core.i18n import N_

from .label_text import PT_MM
from .layout import LabelData, LabelLayout, LabelLayoutError, TextLine, layout_label
from .pagination import check_copies, label_list
from .stocks import LabelStock

__all__ = ["render_zpl"]

_HEX_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}


def _field(text: str) -> str:
    """``^FD…^FS`` for ``text``; ``^ ~ _`` would otherwise be read as commands."""
    if any(c in _HEX_ESCAPES for c in text):
        return "^FH_^FD" + "".join(_HEX_ESCAPES.get(c, c) for c in text) + "^FS"
    return f"^FD{text}^FS"


def _text(line: TextLine, dots: Callable[[float], int]) -> str:
    x, y, w, _h = line.box
    height = max(10, dots(line.size_pt * PT_MM))
    # ^FB centres the line in the same box the PDF uses.
    return f"^FO{dots(x)},{dots(y)}^A0N,{height}^FB{dots(w)},1,0,C,0{_field(line.text)}"


def _label(stock: LabelStock, lay: LabelLayout, copies: int) -> str:
    dots = stock.mm_to_dots
    width, length = stock.label_size_dots
    b = lay.barcode
    bar_h = dots(lay.bar_height)
    out = [
        "^XA",
        "^CI28",  # UTF-8 field data
        f"^PW{width}",
        f"^LL{length}",
        "^LH0,0",
        # Mode A lets the printer pick Code128 subsets (digits in C) like our layout.
        f"^FO{dots(lay.bar_x)},{dots(lay.bar_y)}^BY{b.module_dots},3,{bar_h}"
        f"^BCN,{bar_h},N,N,N,A{_field(b.tag)}",
        _text(lay.tag_line, dots),
    ]
    if lay.facts_line is not None and lay.facts_line.text:
        out.append(_text(lay.facts_line, dots))
    if lay.qr is not None:
        q = lay.qr
        mag = max(1, min(10, round(q.module_mm / stock.dot_mm)))
        out.append(f"^FO{dots(q.x)},{dots(q.y)}^BQN,2,{mag}{_field('MA,' + q.text)}")
    out += [f"^PQ{copies}", "^XZ"]
    return "\n".join(out)


def render_zpl(stock: LabelStock, labels: Iterable[LabelData], copies: int = 1) -> str:
    """ZPL II program printing every label ``copies`` times (``^PQ``)."""
    if not stock.zpl:
        raise LabelLayoutError(N_("Le support « %(stock)s » ne s'imprime pas en ZPL (réservé "
                                  "aux rouleaux Zebra, option « zpl = true »)."),
                               stock=stock.title)
    check_copies(copies)  # the printer repeats each format itself (^PQ)
    items = label_list(labels)
    layouts: dict[LabelData, LabelLayout] = {}
    formats = []
    for data in items:
        lay = layouts.get(data)
        if lay is None:
            lay = layouts[data] = layout_label(stock, data)
        formats.append(_label(stock, lay, copies))
    return "\n".join(formats) + "\n"
