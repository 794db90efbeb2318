"""Tiny server-side SVG charts: horizontal bars, and grouped columns or lines over categories.

No JavaScript; sized by a viewBox so they scale to the page and print sharply. Accessible:
role="img" with a <title> and a <desc> referenced by aria-labelledby; each chart sits next to
a table with its numbers (the page does that). Series differ by shade *and* by pattern or dash
so they stay readable printed in black and white.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

Number = int | float | Decimal

# Dark to light, distinguishable in greyscale; each series also gets its own dash or hatch.
COLOURS = ("#1b4965", "#5fa8d3", "#0b6e4f", "#f2a900", "#8a5a00", "#a4161a")
DASHES = ("", "6 3", "2 2", "8 3 2 3", "1 3", "10 4")
FONT = 'font-family="DejaVu Sans, sans-serif"'


def nice_scale(maximum: Number, ticks: int = 5) -> tuple[float, float]:
    """(top of the axis, step): a round step (1, 2, 2.5 or 5 × 10^k) so that about `ticks`
    steps cover `maximum`."""
    top = float(maximum or 0)
    if top <= 0:
        return 1.0, 1.0
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    whole = float(maximum).is_integer()
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        # Whole numbers only when the data is whole: no "2,5 machines" ticks.
        if whole and not float(step).is_integer():
            continue
        if step >= raw:
            break
    step = max(step, 1.0) if whole else step
    return math.ceil(round(top / step, 9)) * step, step


def fmt(value: Number, digits: int = 0) -> str:
    """French number: 12 345,6 (narrow no-break space between thousands)."""
    number = float(value)
    text = f"{number:,.{digits}f}" if digits else f"{round(number):,d}"
    return text.replace(",", "\u202f").replace(".", ",")


def _tick_text(value: float, step: float) -> str:
    return fmt(value, 0 if float(step).is_integer() else 1)


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" role="img" aria-labelledby="{cid}-title {cid}-desc" class="chart" '
        f'{FONT} font-size="12">',  # shrinks to the page through .chart in refurb.css
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<defs>{"".join(_pattern(cid, i) for i in range(len(COLOURS)))}</defs>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]


def _pattern(cid: str, index: int) -> str:
    """Solid for the first series, hatched lines at varying angles for the others."""
    colour = COLOURS[index]
    if index == 0:
        return (f'<pattern id="{cid}-p{index}" width="4" height="4" patternUnits="userSpaceOnUse">'
                f'<rect width="4" height="4" fill="{colour}"/></pattern>')
    angle = (45, -45, 0, 90, 30)[(index - 1) % 5]
    return (f'<pattern id="{cid}-p{index}" width="5" height="5" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate({angle})"><rect width="5" height="5" fill="{colour}" '
            f'fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="5" stroke="{colour}" '
            f'stroke-width="3"/></pattern>')


def bar_chart(*, chart_id: str, title: str, desc: str, labels: Sequence[str],
              values: Sequence[Number], unit: str = "", digits: int = 0,
              width: int = 560) -> Markup:
    """One horizontal bar per label, its value written at the end of the bar."""
    row, label_w, right, top = 22, 180, 70, 10
    axis_h = 36
    height = top + row * max(1, len(labels)) + axis_h
    plot_w = width - label_w - right
    axis_top, step = nice_scale(max((float(v) for v in values), default=0))
    parts = _open(chart_id, width, height, title, desc)
    scale = plot_w / axis_top
    bottom = top + row * len(labels)
    ticks = int(round(axis_top / step))
    for i in range(ticks + 1):
        x = label_w + i * step * scale
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" '
                     'stroke="#d5dbe0" stroke-width="1"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" '
                     f'fill="#333">{escape(_tick_text(i * step, step))}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = float(value) * scale
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" '
                     f'fill="#1d2428">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
                     f'fill="url(#{escape(chart_id)}-p0)" stroke="#1d2428" stroke-width="0.5"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" fill="#1d2428">'
                     f'{escape(fmt(value, digits))}</text>')
    parts.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{bottom}" '
                 'stroke="#1d2428"/>')
    if unit:
        parts.append(f'<text x="{label_w + plot_w / 2:.1f}" y="{height - 4}" '
                     f'text-anchor="middle" fill="#333">{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(*, chart_id: str, title: str, desc: str, categories: Sequence[str],
                 series: Sequence[tuple[str, Sequence[Number]]], y_label: str = "",
                 x_label: str = "", style: str = "column", width: int = 720,
                 height: int = 300) -> Markup:
    """Categories along x (months, weeks), one column — or one line when style="line" — per
    series, a legend above, a labelled y axis with round ticks."""
    left, right, top, bottom_space = 56, 12, 34, 54
    plot_w, plot_h = width - left - right, height - top - bottom_space
    peak = max((float(v) for _name, values in series for v in values), default=0)
    axis_top, step = nice_scale(peak)
    scale = plot_h / axis_top
    base = top + plot_h
    parts = _open(chart_id, width, height, title, desc)
    cid = escape(chart_id)
    # Legend.
    x = left
    for index, (name, _values) in enumerate(series):
        if style == "line":
            parts.append(f'<line x1="{x}" y1="14" x2="{x + 18}" y2="14" '
                         f'stroke="{COLOURS[index % 6]}" stroke-width="2.5" '
                         f'stroke-dasharray="{DASHES[index % 6]}"/>')
        else:
            parts.append(f'<rect x="{x}" y="8" width="14" height="12" '
                         f'fill="url(#{cid}-p{index % 6})" stroke="#1d2428" stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 22}" y="18" fill="#1d2428">{escape(name)}</text>')
        x += 30 + 7.2 * len(name)
    # Grid and y axis.
    for i in range(int(round(axis_top / step)) + 1):
        y = base - i * step * scale
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                     'stroke="#d5dbe0" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
                     f'{escape(_tick_text(i * step, step))}</text>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="#1d2428"/>')
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" '
                 'stroke="#1d2428"/>')
    if y_label:
        parts.append(f'<text transform="translate(12 {top + plot_h / 2:.1f}) rotate(-90)" '
                     f'text-anchor="middle" fill="#333">{escape(y_label)}</text>')
    count = max(1, len(categories))
    slot = plot_w / count
    every = max(1, math.ceil(count / 16))  # at most ~16 x labels
    for i, name in enumerate(categories):
        if i % every:
            continue
        cx = left + slot * (i + 0.5)
        parts.append(f'<text x="{cx:.1f}" y="{base + 14}" text-anchor="middle" '
                     f'fill="#333">{escape(name)}</text>')
    if x_label:
        parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" '
                     f'text-anchor="middle" fill="#333">{escape(x_label)}</text>')
    if style == "line":
        for index, (_name, values) in enumerate(series):
            points = " ".join(f"{left + slot * (i + 0.5):.1f},{base - float(v) * scale:.1f}"
                              for i, v in enumerate(values))
            parts.append(f'<polyline points="{points}" fill="none" '
                         f'stroke="{COLOURS[index % 6]}" stroke-width="2" '
                         f'stroke-dasharray="{DASHES[index % 6]}"/>')
    else:
        groups = max(1, len(series))
        bar_w = slot * 0.8 / groups
        for index, (_name, values) in enumerate(series):
            for i, v in enumerate(values):
                h = float(v) * scale
                bx = left + slot * i + slot * 0.1 + index * bar_w
                parts.append(f'<rect x="{bx:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                             f'height="{h:.1f}" fill="url(#{cid}-p{index % 6})" '
                             'stroke="#1d2428" stroke-width="0.4"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
