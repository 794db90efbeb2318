"""The SVG charts: well-formed, accessible (role, title, description), labelled axes, escaped
text, round scales."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from refurb.reports.svg import bar_chart, column_chart, fmt, nice_scale

NS = {"svg": "http://www.w3.org/2000/svg"}


@pytest.mark.parametrize(("maximum", "top", "step"), [
    (0, 1, 1), (1, 1, 1), (3, 3, 1), (7, 8, 2), (10, 10, 2), (42, 50, 10), (99, 100, 20),
    (12, 15, 5), (101, 125, 25), (1234, 1250, 250), (Decimal("2.5"), 2.5, 0.5),
    (0.3, 0.3, 0.1),
])
def test_nice_scale(maximum, top, step):
    got_top, got_step = nice_scale(maximum)
    assert got_top == pytest.approx(top) and got_step == pytest.approx(step)


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0, 0, "0"), (1234, 0, "1\u202f234"), (Decimal("1234.5"), 1, "1\u202f234,5"),
    (2.25, 2, "2,25"),
])
def test_french_numbers(value, digits, text):
    assert fmt(value, digits) == text


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bar_chart_is_accessible_and_labelled():
    svg = _parse(bar_chart(chart_id="c1", title="Stock <actuel>", desc="Par état & type",
                           labels=["Prêt", "Attribué"], values=[3, 12], unit="appareils"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find("svg:title", NS).text == "Stock <actuel>"
    assert svg.find("svg:desc", NS).text == "Par état & type"
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert {"Prêt", "Attribué", "3", "12", "appareils"} <= set(texts)
    assert "15" in texts  # axis to the round number above 12


def test_column_and_line_charts():
    for style in ("column", "line"):
        svg = _parse(column_chart(
            chart_id=f"c-{style}", title="Flux", desc="Par mois", style=style,
            categories=["janv.", "févr."], series=[("Reçus", [4, 0]), ("Prêts", [2, 1])],
            y_label="appareils", x_label="mois"))
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert {"janv.", "févr.", "Reçus", "Prêts", "appareils", "mois"} <= set(texts)
        shapes = "rect" if style == "column" else "polyline"
        assert len(list(svg.iter(f"{{http://www.w3.org/2000/svg}}{shapes}"))) >= 2


def test_empty_charts_still_render():
    assert _parse(bar_chart(chart_id="e", title="Vide", desc="Rien", labels=[], values=[]))
    assert _parse(column_chart(chart_id="f", title="Vide", desc="Rien", categories=[],
                               series=[]))
