"""Label stocks: shipped data, validation messages, and the PDF they produce."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refurb.printing import (
    LabelData,
    LabelLayoutError,
    StockError,
    list_stocks,
    load_stock,
    paginate,
    render_pdf,
)
from refurb.printing.label_text import PT_MM, text_width_mm, to_latin1
from refurb.printing.stocks import DEFAULT_LABELS_DIR, LabelError, parse_stock

SHIPPED = {
    "a4-3x8-70x37", "a4-2x7-99x38", "a4-4x10-48x25", "brother-dk-62x29",
    "dymo-99012-89x36", "zebra-57x32-203dpi",
}
STOCKS = list_stocks()
MM_PER_PT = 25.4 / 72


def labels(count: int, **extra) -> list[LabelData]:
    return [LabelData(f"RF-2026-{i:06d}", f"Fixe · i5 · 8 Go · collecte n°{i}",
                      f"https://refurb.example.org/m/{i}", **extra) for i in range(count)]


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


# ------------------------------------------------------------------ shipped data


def test_labels_dir_is_found_from_the_package():
    assert Path(__file__).resolve().parents[2] / "labels" == DEFAULT_LABELS_DIR
    assert {s.id for s in STOCKS} == SHIPPED


def test_shipped_stock_traits():
    by_id = {s.id: s for s in STOCKS}
    assert by_id["zebra-57x32-203dpi"].dpi == 203
    assert all(s.dpi == 300 for s in STOCKS if not s.id.startswith("zebra"))
    assert [s.id for s in STOCKS if s.zpl] == ["zebra-57x32-203dpi"]
    assert all(s.thermal == (s.kind == "roll") for s in STOCKS)
    assert "drive" in by_id["a4-4x10-48x25"].usage
    l7163 = by_id["a4-2x7-99x38"]
    assert (l7163.label_width, l7163.label_height, l7163.h_pitch, l7163.v_pitch) == (
        99.1, 38.1, 101.6, 38.1)
    assert (l7163.left_margin, l7163.top_margin) == (4.65, 15.15)
    a3657 = by_id["a4-4x10-48x25"]
    assert (a3657.left_margin, a3657.top_margin, a3657.per_page) == (8.0, 21.5, 40)
    assert by_id["a4-3x8-70x37"].per_page == 24
    for stock in STOCKS:
        assert stock.title and "tag" in stock.fields
        assert stock.qr == ("qr" in stock.fields)


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
def test_grid_fits_the_page(stock):
    right = stock.left_margin + (stock.columns - 1) * stock.h_pitch + stock.label_width
    bottom = stock.top_margin + (stock.rows - 1) * stock.v_pitch + stock.label_height
    assert right <= stock.page_width + 0.05
    assert bottom <= stock.page_height + 0.05
    if stock.kind == "roll":
        assert (stock.label_width, stock.label_height) == (stock.page_width, stock.page_height)
        assert stock.per_page == 1


# ----------------------------------------------------------------------- PDF output


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
def test_pdf_page_has_exact_physical_size(stock):
    data = render_pdf(stock, labels(stock.per_page + 1))
    pages = pdf_pages(data)
    assert len(pages) == (2 if stock.kind == "sheet" else stock.per_page + 1)
    for width_pt, height_pt in pages:
        assert abs(width_pt * MM_PER_PT - stock.page_width) < 0.1
        assert abs(height_pt * MM_PER_PT - stock.page_height) < 0.1


@pytest.mark.parametrize("stock", STOCKS, ids=lambda s: s.id)
def test_pdf_is_pure_vector(stock):
    data = render_pdf(stock, labels(3))
    assert not re.search(rb"/Subtype\s*/Image", data)
    doc = pdfium.PdfDocument(data)
    try:
        for page in doc:
            kinds = {obj.type for obj in page.get_objects()}
            assert pdfium_c.FPDF_PAGEOBJ_IMAGE not in kinds
            assert pdfium_c.FPDF_PAGEOBJ_PATH in kinds
            assert pdfium_c.FPDF_PAGEOBJ_TEXT in kinds
    finally:
        doc.close()


def test_pdf_text_is_real_text_with_core_fonts():
    stock = load_stock("a4-3x8-70x37")
    items = [LabelData("RF-2026-000123", "Écran 24\" · Dell P2419H · collecte n°7 (don)")]
    data = render_pdf(stock, items)
    doc = pdfium.PdfDocument(data)
    try:
        text = doc[0].get_textpage().get_text_range()
    finally:
        doc.close()
    assert "RF-2026-000123" in text
    assert "Écran 24\" · Dell P2419H · collecte n°7 (don)" in text
    assert b"/BaseFont /Courier-Bold" in data and b"/BaseFont /Helvetica" in data
    assert b"/FontFile" not in data  # nothing embedded: built-in fonts only


def test_pdf_size_per_label_is_small():
    stock = load_stock("a4-3x8-70x37")
    data = render_pdf(stock, labels(240))
    assert len(data) / 240 <= 3072


def test_non_latin1_facts_are_transliterated():
    assert to_latin1("Écran 24″ – «Dell» … 5 €") == "Écran 24\" - «Dell» ... 5 EUR"
    assert to_latin1("Łódź ő\u200b😀 œuvre\tx") == "Lódz o oeuvre x"
    stock = load_stock("brother-dk-62x29")
    data = render_pdf(stock, [LabelData("RF-1", "Ноутбук 😀 Łódź – ½ To", None)])
    assert data.startswith(b"%PDF")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120))
def test_any_facts_text_fits_its_box(facts):
    stock = load_stock("a4-4x10-48x25")
    lay = paginate(stock, [LabelData("RF-2026-000001", facts)])[0][0].layout
    line = lay.facts_line
    assert line.text == "" or line.text.isprintable()
    line.text.encode("latin-1")
    assert line.size_pt >= 5.0
    assert line.width <= line.box[2] + 1e-6
    assert abs(line.width - text_width_mm(line.text, line.font, line.size_pt)) < 1e-6


def test_long_facts_are_shrunk_then_truncated():
    stock = load_stock("a4-4x10-48x25")
    long = "Portable Lenovo ThinkPad T480 · Core i5-8350U · 16 Go · 512 Go NVMe · " * 3
    line = paginate(stock, [LabelData("RF-2026-000001", long)])[0][0].layout.facts_line
    assert line.text.endswith("...") and line.size_pt == 5.0
    assert line.size_pt * PT_MM <= line.box[3] + 1e-9


# ------------------------------------------------------------------ pagination rules


def test_start_and_copies_placement():
    stock = load_stock("a4-3x8-70x37")
    pages = paginate(stock, labels(2), start=5, copies=3)
    assert [(p.place, p.data.tag) for p in pages[0]] == [
        (5, "RF-2026-000000"), (6, "RF-2026-000000"), (7, "RF-2026-000000"),
        (8, "RF-2026-000001"), (9, "RF-2026-000001"), (10, "RF-2026-000001")]
    assert pages[0][0].x == 70.0 and pages[0][0].y == 37.5  # row 2, column 2
    pages = paginate(stock, labels(21), start=5)
    assert [len(p) for p in pages] == [20, 1]
    assert pages[1][0].place == 1 and pages[1][0].page == 1


@pytest.mark.parametrize("start, copies", [(0, 1), (25, 1), (True, 1), (1, 0), (1, 1001)])
def test_invalid_start_or_copies(start, copies):
    stock = load_stock("a4-3x8-70x37")
    with pytest.raises(LabelLayoutError):
        render_pdf(stock, labels(1), start=start, copies=copies)


def test_roll_has_no_start_position_and_empty_input_is_refused():
    roll = load_stock("dymo-99012-89x36")
    with pytest.raises(LabelLayoutError, match="rouleau"):
        render_pdf(roll, labels(1), start=2)
    with pytest.raises(LabelLayoutError, match="Aucune étiquette"):
        render_pdf(roll, [])
    with pytest.raises(LabelLayoutError, match="Type d'étiquette"):
        LabelData("RF-1", kind="laptop")


# ------------------------------------------------------------------------ validation

VALID_SHEET = """
title = "Essai"
kind = "sheet"
page = { width = 210.0, height = 297.0 }
dpi = 300
fields = ["tag", "facts"]

[grid]
columns = 3
rows = 8
label_width = 70.0
label_height = 37.0
h_pitch = 70.0
v_pitch = 37.0
top_margin = 0.5
left_margin = 0.0
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_directory_override(tmp_path):
    write(tmp_path, "essai", VALID_SHEET)
    stock = load_stock("essai", tmp_path)
    assert stock.id == "essai" and stock.per_page == 24 and not stock.qr
    assert [s.id for s in list_stocks(tmp_path)] == ["essai"]


@pytest.mark.parametrize("change, message", [
    (("top_margin = 0.5", "top_margin = 4.5"), "ne tient pas dans la hauteur"),
    (("left_margin = 0.0", "left_margin = 1.0"), "ne tient pas dans la largeur"),
    (('fields = ["tag", "facts"]', 'fields = ["tag", "logo"]'), "valeur inconnue dans « fields » : logo"),
    (('fields = ["tag", "facts"]', 'fields = ["facts"]'), "doit contenir « tag »"),
    (('fields = ["tag", "facts"]', 'fields = ["tag"]\nqr = true'), "se contredisent"),
    (("dpi = 300", "dpi = 30"), "dpi"),
    (("dpi = 300", "dpi = 300\ncolour = true"), "clé(s) inconnue(s) : colour"),
    (('title = "Essai"', ""), "title"),
    (('kind = "sheet"', 'kind = "planche"'), "« kind »"),
    (("h_pitch = 70.0", "h_pitch = 60.0"), "chevaucheraient"),
    (("rows = 8", "rows = 0"), "entier ≥ 1"),
    (("label_width = 70.0", "label_width = -70.0"), "strictement positif"),
    (("rows = 8\n", ""), "manquante(s) dans [grid] : rows"),
    (("dpi = 300", "dpi = 300\nzpl = true"), "zpl"),
    (("dpi = 300", "dpi = 300\npadding = 30"), "padding"),
])
def test_invalid_stock_files_have_clear_french_messages(tmp_path, change, message):
    write(tmp_path, "essai", VALID_SHEET.replace(*change))
    with pytest.raises(StockError) as info:
        load_stock("essai", tmp_path)
    assert message in str(info.value)
    assert str(info.value).startswith("Support d'étiquettes « essai »")


def test_roll_must_not_have_a_grid():
    data = {"title": "R", "kind": "roll", "page": {"width": 50, "height": 30}, "dpi": 300,
            "grid": {"columns": 1}}
    with pytest.raises(StockError, match="pas de « grid »"):
        parse_stock(data, "r")


def test_unknown_or_unsafe_stock_names(tmp_path):
    with pytest.raises(StockError, match=r"inconnu : « nope » \(supports disponibles : .*a4-3x8"):
        load_stock("nope")
    for name in ("../pyproject", "a/b", "", "x.toml"):
        with pytest.raises(StockError, match="invalide"):
            load_stock(name)
    write(tmp_path, "broken", "title = ")
    with pytest.raises(StockError, match="illisible"):
        load_stock("broken", tmp_path)
    with pytest.raises(StockError, match="identifiant"):
        parse_stock({"id": "other", **{"title": "x"}}, "essai")


def test_list_stocks_fails_loudly_on_a_bad_file(tmp_path):
    for path in DEFAULT_LABELS_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path)
    assert len(list_stocks(tmp_path)) == len(SHIPPED)
    write(tmp_path, "zz-bad", VALID_SHEET.replace("rows = 8", "rows = 9"))
    with pytest.raises(LabelError, match=re.escape("« zz-bad »")):
        list_stocks(tmp_path)


def test_listing_sees_a_new_file_at_once_and_an_edited_one_after_the_recheck(tmp_path,
                                                                             monkeypatch):
    from refurb.printing import stocks as stock_module

    write(tmp_path, "essai", VALID_SHEET)
    assert [s.title for s in list_stocks(tmp_path)] == ["Essai"]
    write(tmp_path, "essai2", VALID_SHEET.replace('title = "Essai"', 'title = "Deux"'))
    assert [s.title for s in list_stocks(tmp_path)] == ["Essai", "Deux"]
    # Edited in place: the folder keeps its time, the file is looked at again after a while.
    monkeypatch.setattr(stock_module, "RECHECK_SECONDS", 3600.0)
    folder_time = tmp_path.stat().st_mtime_ns
    write(tmp_path, "essai", VALID_SHEET.replace('title = "Essai"', 'title = "Modifié"'))
    os.utime(tmp_path, ns=(folder_time, folder_time))
    assert [s.title for s in list_stocks(tmp_path)] == ["Essai", "Deux"]
    monkeypatch.setattr(stock_module, "RECHECK_SECONDS", 0.0)
    assert [s.title for s in list_stocks(tmp_path)] == ["Modifié", "Deux"]
