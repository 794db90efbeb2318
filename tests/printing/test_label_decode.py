"""Round trip: render labels, rasterise like a printer would, decode every symbol."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from refurb.printing import LabelData, list_stocks, load_stock, render_pdf, render_png

STOCKS = list_stocks()
CODE128 = zxingcpp.BarcodeFormat.Code128
QR = zxingcpp.BarcodeFormat.QRCode


def make_labels(count: int, offset: int = 0, kind: str = "device") -> list[LabelData]:
    return [
        LabelData(
            tag=f"RF-2026-{offset + i:06d}",
            facts_line=f"Portable · i5-8250U · 8 Go · 14\" · collecte n°{offset + i}",
            qr_url=f"https://refurb.example.org/m/RF-2026-{offset + i:06d}",
            kind=kind,
        )
        for i in range(count)
    ]


def rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in range(len(doc))]
    finally:
        doc.close()


def crop_place(img: Image.Image, stock, place: int, dpi: int) -> Image.Image:
    x, y = stock.place_origin(place)
    s = dpi / 25.4
    return img.crop((round(x * s), round(y * s), round((x + stock.label_width) * s),
                     round((y + stock.label_height) * s)))


def decode(img: Image.Image) -> tuple[list[str], list[str]]:
    found = zxingcpp.read_barcodes(img, formats=[CODE128, QR])
    return ([b.text for b in found if b.format == CODE128],
            [b.text for b in found if b.format == QR])


def expect_qr(stock, label: LabelData) -> list[str]:
    return [label.qr_url] if stock.qr and label.kind == "device" and label.qr_url else []


def check_page(img: Image.Image, stock, dpi: int, expected: dict[int, LabelData]) -> None:
    """Each place holds exactly its label (or nothing); the page holds nothing else."""
    for place in range(1, stock.per_page + 1):
        bars, qrs = decode(crop_place(img, stock, place, dpi))
        label = expected.get(place)
        if label is None:
            assert (bars, qrs) == ([], []), f"place {place} should be empty at {dpi} dpi"
        else:
            assert bars == [label.tag], f"place {place} at {dpi} dpi"
            assert qrs == expect_qr(stock, label), f"QR of place {place} at {dpi} dpi"
    bars, qrs = decode(img)
    assert sorted(bars) == sorted(lab.tag for lab in expected.values())
    assert sorted(qrs) == sorted(u for lab in expected.values() for u in expect_qr(stock, lab))


def dpis(stock) -> list[int]:
    return sorted({stock.dpi, 300})


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
def test_every_label_of_a_full_sheet_decodes(stock):
    # Rolls print one label per page: three pages are enough to check order.
    count = stock.per_page if stock.kind == "sheet" else 3
    labels = make_labels(count, offset=1000)
    pdf = render_pdf(stock, labels)
    for dpi in dpis(stock):
        pages = rasterise(pdf, dpi)
        if stock.kind == "sheet":
            assert len(pages) == 1
            check_page(pages[0], stock, dpi, dict(enumerate(labels, start=1)))
        else:
            assert len(pages) == count
            for page, label in zip(pages, labels, strict=True):
                check_page(page, stock, dpi, {1: label})


@pytest.mark.parametrize("stock_id", ["a4-4x10-48x25", "brother-dk-62x29",
                                      "zebra-57x32-203dpi", "a4-3x8-70x37"])
def test_drive_labels_decode(stock_id):
    stock = load_stock(stock_id)
    labels = [LabelData(f"RF-2026-{i:06d}", f"Seagate ST1000LM035 · 1 To · HDD 2,5\" #{i}",
                        qr_url="https://refurb.example.org/d/1", kind="drive")
              for i in range(min(stock.per_page, 8))]
    pdf = render_pdf(stock, labels)
    for dpi in dpis(stock):
        img = rasterise(pdf, dpi)[0]
        expected = {1: labels[0]} if stock.kind == "roll" else dict(enumerate(labels, start=1))
        check_page(img, stock, dpi, expected)  # drive labels never carry a QR code


def test_start_position_leaves_first_places_empty():
    stock = load_stock("a4-3x8-70x37")
    labels = make_labels(6, offset=500)
    pdf = render_pdf(stock, labels, start=5)
    for dpi in (300, 203):
        img = rasterise(pdf, dpi)[0]
        check_page(img, stock, dpi, dict(enumerate(labels, start=5)))


def test_labels_overflow_to_next_sheet_in_order():
    stock = load_stock("a4-2x7-99x38")
    labels = make_labels(stock.per_page + 3, offset=2000)
    pages = rasterise(render_pdf(stock, labels, start=12), 300)
    assert len(pages) == 2
    check_page(pages[0], stock, 300, dict(enumerate(labels[:3], start=12)))
    check_page(pages[1], stock, 300, dict(enumerate(labels[3:], start=1)))


def test_copies_are_consecutive_places():
    stock = load_stock("a4-4x10-48x25")
    labels = make_labels(3, offset=3000)
    img = rasterise(render_pdf(stock, labels, start=2, copies=2), 300)[0]
    expected = [labels[0], labels[0], labels[1], labels[1], labels[2], labels[2]]
    check_page(img, stock, 300, dict(enumerate(expected, start=2)))


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
def test_png_preview_decodes(stock):
    count = stock.per_page if stock.kind == "sheet" else 1
    labels = make_labels(count, offset=4000)
    for dpi in (None, 300):
        png = render_png(stock, labels, dpi=dpi)
        img = Image.open(io.BytesIO(png))
        assert img.format == "PNG"
        used = dpi or stock.dpi
        assert img.size == (round(stock.page_width * used / 25.4),
                            round(stock.page_height * used / 25.4))
        check_page(img.convert("L"), stock, used, dict(enumerate(labels, start=1)))


def test_png_preview_honours_start():
    stock = load_stock("a4-3x8-70x37")
    labels = make_labels(3, offset=5000)
    img = Image.open(io.BytesIO(render_png(stock, labels, start=5))).convert("L")
    check_page(img, stock, stock.dpi, dict(enumerate(labels, start=5)))
