"""Code128 runs and module-width rules (quiet zones, printer dots, minimum sizes)."""

from __future__ import annotations

import math

import pytest
from barcode.codex import Code128
from hypothesis import given, settings
from hypothesis import strategies as st

from refurb.printing import BarcodeFitError, LabelData, list_stocks, load_stock, paginate
from refurb.printing.barcode_layout import (
    LASER_MIN_MODULE_MM,
    MAX_MODULE_MM,
    QUIET_MODULES,
    bar_runs,
    code128_pattern,
    fit_module_mm,
    layout_barcode,
    min_module_mm,
)
from refurb.printing.layout import QR_QUIET_MODULES, layout_label
from refurb.printing.stocks import parse_stock

STOCKS = list_stocks()
TAGS = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1,
               max_size=24)


def unruns(runs, length: int) -> str:
    cells = ["0"] * length
    for start, width in runs:
        cells[start:start + width] = ["1"] * width
    return "".join(cells)


def test_pattern_is_python_barcode_encoding():
    pattern = code128_pattern("RF-2026-000123")
    assert pattern == Code128("RF-2026-000123").build()[0]
    assert len(pattern) == 167  # digits packed in charset C
    assert pattern.startswith("11010010000")  # start B, no quiet zone included
    assert pattern.endswith("1100011101011")  # stop


def test_bar_runs_merge_adjacent_dark_modules():
    assert bar_runs("1101000111") == ((0, 2), (3, 1), (7, 3))
    assert bar_runs("0110") == ((1, 2),)
    assert bar_runs("") == ()


@settings(max_examples=200, deadline=None)
@given(TAGS)
def test_runs_rebuild_the_pattern(tag):
    pattern = code128_pattern(tag)
    runs = bar_runs(pattern)
    assert unruns(runs, len(pattern)) == pattern
    assert all(a[0] + a[1] < b[0] for a, b in zip(runs, runs[1:], strict=False))


@pytest.mark.parametrize("tag", ["", "RF-2026-\u00e9", "RF\n1", "RF-2026-😀"])
def test_unencodable_tags_are_refused(tag):
    with pytest.raises(BarcodeFitError, match="numéro d'inventaire"):
        code128_pattern(tag)


@settings(max_examples=300, deadline=None)
@given(modules=st.integers(35, 400), available=st.floats(5, 200), dpi=st.sampled_from(
    [203, 300, 600]))
def test_thermal_module_is_whole_dots_and_maximal(modules, available, dpi):
    dot = 25.4 / dpi
    m = fit_module_mm(modules, available, dpi, thermal=True)
    total = modules + 2 * QUIET_MODULES
    if m is None:
        assert total * 2 * dot > available
        return
    dots = m / dot
    assert abs(dots - round(dots)) < 1e-9 and round(dots) >= 2
    assert total * m <= available + 1e-9
    # One more dot would overflow the width or pass the size cap.
    bigger = (round(dots) + 1) * dot
    assert total * bigger > available or bigger > MAX_MODULE_MM


@settings(max_examples=300, deadline=None)
@given(modules=st.integers(35, 400), available=st.floats(5, 200))
def test_laser_module_is_never_below_clean_minimum(modules, available):
    m = fit_module_mm(modules, available, 300, thermal=False)
    total = modules + 2 * QUIET_MODULES
    if m is None:
        assert total * LASER_MIN_MODULE_MM > available
        return
    assert LASER_MIN_MODULE_MM - 1e-12 <= m <= MAX_MODULE_MM
    assert total * m <= available + 1e-9
    assert math.isclose(m, min(available / total, MAX_MODULE_MM))


def test_minimum_sizes():
    assert min_module_mm(203, True) == pytest.approx(0.25, abs=0.001)  # 2 dots of 0.125 mm
    assert min_module_mm(300, True) == pytest.approx(2 * 25.4 / 300)
    assert min_module_mm(300, False) == LASER_MIN_MODULE_MM
    assert min_module_mm(150, False) == pytest.approx(2 * 25.4 / 150)


def test_too_long_tag_for_a_tiny_label_is_a_clear_error():
    with pytest.raises(BarcodeFitError) as info:
        layout_barcode("RF-2026-000123-EXTRA-LONG", 25.0, 203, True)
    message = str(info.value)
    assert "ne tient pas" in message and "RF-2026-000123-EXTRA-LONG" in message
    assert "25.0 mm" in message and "203 dpi" in message

    tiny = parse_stock({"title": "Mini", "kind": "roll", "page": {"width": 40, "height": 20},
                        "dpi": 203, "thermal": True, "fields": ["tag"]}, "mini")
    with pytest.raises(BarcodeFitError, match="ne tient pas sur l'étiquette") as info:
        paginate(tiny, [LabelData("RF-2026-000123")])
    assert "QR" not in str(info.value)
    # Short tags still fit the same label.
    assert paginate(tiny, [LabelData("RF-12")])[0][0].layout.barcode.module_dots == 2


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
@pytest.mark.parametrize("kind", ["device", "drive"])
def test_layout_keeps_quiet_zones_and_dot_grid(stock, kind):
    lay = layout_label(stock, LabelData("RF-2026-000123", "Portable · 8 Go",
                                        "https://refurb.example.org/m/RF-2026-000123", kind))
    b = lay.barcode
    m = b.module_mm
    left, right = lay.bar_x, lay.bar_x + b.width_mm
    content_right = stock.label_width - stock.padding
    assert left - stock.padding >= QUIET_MODULES * m - 1e-9
    assert right + QUIET_MODULES * m <= content_right + 1e-9
    if lay.qr is not None:  # the QR box (with its own quiet zone) starts after the bars'
        assert lay.qr.x - QR_QUIET_MODULES * lay.qr.module_mm >= right + QUIET_MODULES * m
        assert lay.qr.x + lay.qr.side_mm <= content_right + 1e-9
        assert lay.qr.module_mm >= 0.25 - 1e-9
    assert lay.bar_height >= 5.0
    assert lay.bar_y + lay.bar_height <= lay.tag_line.box[1]
    if stock.thermal:
        dot = stock.dot_mm
        assert b.module_dots >= 2
        assert b.module_mm == pytest.approx(b.module_dots * dot)
        assert lay.bar_x / dot == pytest.approx(round(lay.bar_x / dot))
    else:
        assert b.module_dots is None and m >= LASER_MIN_MODULE_MM


def test_expected_module_widths_of_shipped_stocks():
    def module(stock_id, url=None):
        lay = layout_label(load_stock(stock_id), LabelData("RF-2026-000123", "", url))
        return lay.barcode

    assert module("zebra-57x32-203dpi").module_dots == 2  # 0.25 mm at 203 dpi
    assert module("brother-dk-62x29", "https://refurb.example.org/m/1").module_dots == 3
    assert module("dymo-99012-89x36", "https://refurb.example.org/m/1").module_dots == 4
    assert module("a4-2x7-99x38").module_mm == MAX_MODULE_MM
    assert 0.24 < module("a4-4x10-48x25").module_mm < 0.25


def test_a_fit_error_names_the_printer_and_the_hint_in_the_readers_language():
    english = {
        "thermique": "thermal",
        "Choisissez un support plus large ou raccourcissez le numéro d'inventaire.":
            "Choose a wider label stock or shorten the asset tag.",
    }
    with pytest.raises(BarcodeFitError) as info:
        layout_barcode("RF-2026-000123-EXTRA-LONG", 25.0, 203, True)
    text = info.value.message.render(lambda msgid: english.get(msgid, msgid))
    assert "impression thermal nette" in text  # the main sentence is not in this table
    assert text.endswith("Choose a wider label stock or shorten the asset tag.")
