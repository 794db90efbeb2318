"""ZPL II output for Zebra rolls, and the renderer registry."""

from __future__ import annotations

import re

import pytest

from refurb.printing import (
    RENDERERS,
    LabelData,
    LabelLayoutError,
    layout_label,
    list_stocks,
    load_stock,
    render_zpl,
    renderers_for,
)
from refurb.printing.stocks import parse_stock

ZEBRA = load_stock("zebra-57x32-203dpi")


def labels(count: int) -> list[LabelData]:
    return [LabelData(f"RF-2026-{i:06d}", f"Portable · i5 · 8 Go · n°{i}") for i in range(count)]


def formats(zpl: str) -> list[str]:
    return re.findall(r"\^XA.*?\^XZ", zpl, flags=re.S)


def test_one_format_per_label_with_size_in_dots():
    zpl = render_zpl(ZEBRA, labels(3))
    blocks = formats(zpl)
    assert len(blocks) == 3
    width = round(57 / 25.4 * 203)
    length = round(32 / 25.4 * 203)
    assert (width, length) == (456, 256)
    for i, block in enumerate(blocks):
        assert f"^PW{width}\n" in block and f"^LL{length}\n" in block
        assert re.search(r"\^BY2,3,\d+\^BCN,\d+,N,N,N,A\^FD" + f"RF-2026-{i:06d}" + r"\^FS", block)
        assert block.count("^A0N,") == 2  # human-readable tag and facts line
        assert f"^FDRF-2026-{i:06d}^FS" in block
        assert "^PQ1\n" in block


def test_copies_use_print_quantity():
    zpl = render_zpl(ZEBRA, labels(2), copies=3)
    blocks = formats(zpl)
    assert len(blocks) == 2  # copies are printed by the printer, not repeated in ZPL
    assert all("^PQ3\n" in b for b in blocks)
    with pytest.raises(LabelLayoutError, match="exemplaires"):
        render_zpl(ZEBRA, labels(1), copies=0)


def test_positions_come_from_the_shared_layout():
    data = LabelData("RF-2026-000123", "Portable")
    lay = layout_label(ZEBRA, data)
    zpl = render_zpl(ZEBRA, [data])
    x, y = ZEBRA.mm_to_dots(lay.bar_x), ZEBRA.mm_to_dots(lay.bar_y)
    height = ZEBRA.mm_to_dots(lay.bar_height)
    assert f"^FO{x},{y}^BY{lay.barcode.module_dots},3,{height}^BCN,{height}," in zpl
    # Bars plus quiet zones stay within the label width.
    assert x - 10 * 2 >= 0 and x + (lay.barcode.modules + 10) * 2 <= 456


def test_special_characters_are_hex_escaped():
    zpl = render_zpl(ZEBRA, [LabelData("RF_1^2~3", "prix ^ ~ _")])
    assert "^FH_^FDRF_5F1_5E2_7E3^FS" in zpl
    assert "^FH_^FDprix _5E _7E _5F^FS" in zpl
    assert "^CI28" in zpl  # field data is UTF-8


def test_qr_code_when_the_stock_enables_it():
    stock = parse_stock({"title": "Zebra 100 × 50", "kind": "roll", "zpl": True,
                         "page": {"width": 100, "height": 50}, "dpi": 203, "thermal": True,
                         "fields": ["tag", "facts", "qr"]}, "zebra-100x50")
    url = "https://refurb.example.org/m/RF-2026-000123"
    zpl = render_zpl(stock, [LabelData("RF-2026-000123", "Portable", url)])
    assert re.search(r"\^BQN,2,\d+\^FDMA," + re.escape(url) + r"\^FS", zpl)
    assert f"^PW{round(100 / 25.4 * 203)}\n" in zpl and "^LL400\n" in zpl


def test_non_zebra_stocks_are_refused():
    with pytest.raises(LabelLayoutError, match="ZPL"):
        render_zpl(load_stock("brother-dk-62x29"), labels(1))


def test_renderer_registry():
    assert set(RENDERERS) == {"pdf", "png", "zpl"}
    assert (RENDERERS["pdf"].media_type, RENDERERS["pdf"].extension) == ("application/pdf",
                                                                          ".pdf")
    assert (RENDERERS["png"].media_type, RENDERERS["png"].extension) == ("image/png", ".png")
    assert RENDERERS["zpl"].extension == ".zpl"
    for stock in list_stocks():
        names = [r.name for r in renderers_for(stock)]
        assert names == (["pdf", "png", "zpl"] if stock.zpl else ["pdf", "png"])
    out = RENDERERS["zpl"].render(ZEBRA, labels(1), copies=2)
    assert isinstance(out, bytes) and b"^PQ2" in out
    assert RENDERERS["pdf"].render(ZEBRA, labels(1)).startswith(b"%PDF")
    assert RENDERERS["png"].render(ZEBRA, labels(1)).startswith(b"\x89PNG")
    with pytest.raises(LabelLayoutError):
        RENDERERS["zpl"].render(ZEBRA, labels(1), start=3)
