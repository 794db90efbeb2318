"""The one table reader, on files built as donors' tools write them (no app, no database)."""

import io
import zipfile
from datetime import date, datetime

import pytest

from refurb import table_reader
from tests.intake.spreadsheets import BUILDERS, Formula, xlsx_bytes

HEADER = ["Type", "Marque", "Modèle", "N° de série", "Remarques"]
ROWS = [["Écran", "Iiyama", "ProLite E2280", "ÉCR-1", "pied fêlé, à reprendre"],
        ["Portable", "Dell", "Latitude 5480", "5CG1", "clavier « azerty » usé"]]


def text_file(rows, *, encoding, delimiter=";", newline="\r\n", bom=b""):
    text = newline.join(delimiter.join(r) for r in rows) + newline
    return bom + text.encode(encoding)


def read(data: bytes, **choices):
    stream = io.BytesIO(data)
    fmt = table_reader.detect(stream, **choices)
    return fmt, list(table_reader.iter_records(stream, fmt))


def test_mac_excel_csv_cr_only_in_mac_roman():
    """Excel for Mac, "CSV (Macintosh)": Mac Roman, classic CR line endings."""
    rows = [*ROWS, ["Imprimante", "HP", "LaserJet", "CN-9", '"bac cassé\rà changer"']]
    fmt, found = read(text_file([HEADER, *rows], encoding="mac_roman", newline="\r"))
    assert (fmt.encoding, fmt.line_ending, fmt.delimiter) == ("mac_roman", "cr", ";")
    assert fmt.header == tuple(HEADER) and not fmt.garbled
    assert found == [(2, ROWS[0]), (3, ROWS[1]),
                     (4, ["Imprimante", "HP", "LaserJet", "CN-9", "bac cassé\rà changer"])]


def test_excel_unicode_text_is_utf16_with_bom_and_tabs():
    """Excel's "Texte Unicode": UTF-16 LE with BOM, tab-separated, CR LF."""
    data = text_file([HEADER, *ROWS], encoding="utf-16-le", delimiter="\t", bom=b"\xff\xfe")
    fmt, found = read(data)
    assert (fmt.encoding, fmt.delimiter, fmt.line_ending) == ("utf-16", "\t", "crlf")
    assert fmt.header == tuple(HEADER)
    assert found == [(2, ROWS[0]), (3, ROWS[1])]


def test_utf16_without_bom_is_recognised():
    fmt, found = read(text_file([HEADER, *ROWS], encoding="utf-16-le", delimiter="\t"))
    assert fmt.encoding == "utf-16-le" and found[0][1] == ROWS[0]


def test_french_windows_excel_csv_is_windows_1252():
    rows = [[*ROWS[0][:4], "valeur 120 € - cœur de gamme"]]
    fmt, found = read(text_file([HEADER, *rows], encoding="cp1252", delimiter=";"))
    assert fmt.encoding == "cp1252" and fmt.encoding_label == "Windows-1252 (Excel Windows)"
    assert found[0][1][4] == "valeur 120 € - cœur de gamme"


def test_latin9_keeps_the_euro_sign_and_oe():
    rows = [[*ROWS[0][:4], "valeur 120 € - cœur de gamme"]]
    fmt, found = read(text_file([HEADER, *rows], encoding="iso8859_15", newline="\n"))
    assert (fmt.encoding, fmt.line_ending) == ("iso8859_15", "lf")
    assert found[0][1][4] == "valeur 120 € - cœur de gamme"


def test_a_wrong_code_page_chosen_by_hand_shows_as_garbled():
    data = text_file([HEADER, *ROWS], encoding="mac_roman", newline="\r")
    fmt, found = read(data, encoding="cp1252")
    assert fmt.encoding == "cp1252" and fmt.detected_encoding == "mac_roman"
    assert fmt.garbled and found[0][1][0] == "ƒcran"  # what a Mac "É" is in Windows-1252
    utf8 = read(text_file([HEADER, *ROWS], encoding="utf-8"), encoding="cp1252")[0]
    assert "Ã" in utf8.garbled


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_separators(delimiter):
    rows = [["Portable", "Dell", "Latitude", "SN1", "2,5" if delimiter != "," else "2.5"]]
    fmt, found = read(text_file([HEADER, *rows], encoding="utf-8", delimiter=delimiter))
    assert fmt.delimiter == delimiter and found[0][1] == rows[0]


def test_empty_trailing_columns_are_ignored_and_header_names_checked():
    header = ["Company", "Type", "Category", "", "Company", "category", "", "", ""]
    row = ["ACME", "Portable", "IT", "x", "ACME SA", "Laptop", "", "", ""]
    fmt, found = read(text_file([header, row], encoding="utf-8"))
    assert fmt.header == ("Company", "Type", "Category", "", "Company", "category")
    notes = {index: str(note) for index, note in fmt.column_notes.items()}
    assert notes[0] == notes[4] == "nom de colonne « Company » répété (colonnes A et E)"
    assert notes[2] == notes[5] == "nom de colonne « category » répété (colonnes C et F)"
    assert notes[3] == "colonne D sans nom"
    assert found == [(2, row)]


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_spreadsheets_give_dates_as_dates_and_formula_values(kind):
    rows = [
        ["Type", "Date d'achat", "Poids (kg)", "N° de série", "Lot"],
        ["Portable", date(2019, 5, 3), Formula("1.5+1", 2.5), "5CG7281", 12],
        ["Écran", datetime(2020, 1, 31), 4, "CN-0042", 12.0],
    ]
    data = BUILDERS[kind]([("Parc", rows), ("Notes", [["Rien"]])])
    fmt, found = read(data)
    assert (fmt.kind, fmt.sheets, fmt.sheet) == (kind, ("Parc", "Notes"), "Parc")
    assert fmt.header == ("Type", "Date d'achat", "Poids (kg)", "N° de série", "Lot")
    assert found == [(2, ["Portable", "03/05/2019", "2.5", "5CG7281", "12"]),
                     (3, ["Écran", "31/01/2020", "4", "CN-0042", "12"])]
    other, rows_there = read(data, sheet="Notes")
    assert other.sheet == "Notes" and other.header == ("Rien",) and rows_there == []


def test_a_sheet_lines_are_the_row_numbers_the_spreadsheet_shows():
    rows = [[], ["Liste du parc au 1er mars"], [], ["Type", "Marque"], ["Portable", "HP"], [],
            ["Écran", "Dell"]]
    fmt, found = read(xlsx_bytes([("Parc", rows)]))
    # The first non-empty row is taken as the header: a title above it is a column name.
    assert fmt.header_line == 2 and fmt.header == ("Liste du parc au 1er mars", "")
    assert [line for line, _ in found] == [4, 5, 7]


def test_hidden_sheets_are_not_offered_and_big_numbers_show_as_excel_shows_them():
    data = xlsx_bytes([("Cachée", [["x"]]), ("Parc", [["N° de série"], [123456789012345678],
                                                     [123456789012]])], hidden=("Cachée",))
    fmt, found = read(data)
    assert fmt.sheets == ("Parc",) and fmt.sheet == "Parc"
    assert found == [(2, ["1.23457E+17"]), (3, ["123456789012"])]


def test_what_is_not_a_table_is_refused_clearly():
    with pytest.raises(table_reader.TableUnreadable, match="pas un tableau"):
        table_reader.detect(io.BytesIO(b"%PDF-1.7\n\x00\x00\x01binary"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("photo.jpg", b"...")
    with pytest.raises(table_reader.TableUnreadable, match="Archive non reconnue"):
        table_reader.detect(archive)
    with pytest.raises(table_reader.TableUnreadable, match="ne peut pas être lu"):
        table_reader.detect(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600))
    with pytest.raises(table_reader.TableUnreadable, match="pas de feuille « Autre »"):
        table_reader.detect(io.BytesIO(xlsx_bytes([("Parc", [["Type"]])])), sheet="Autre")
    with pytest.raises(table_reader.TableUnreadable, match="vide"):
        table_reader.detect(io.BytesIO(xlsx_bytes([("Parc", [])])))


def test_the_callers_stream_stays_open_and_progress_is_reported():
    stream = io.BytesIO(text_file([HEADER, *ROWS * 600], encoding="utf-8"))
    fmt = table_reader.detect(stream)
    seen = []
    assert len(list(table_reader.iter_records(stream, fmt, lambda d, t: seen.append((d, t))))) \
        == 1200
    assert not stream.closed and seen[-1] == (fmt.size, fmt.size) and len(seen) >= 3
