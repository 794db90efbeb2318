"""Reading asset lists without app or database: encodings, separators, mapping, line checks."""

import io
from decimal import Decimal

import pytest

from refurb import table_reader
from refurb.core.errors import InvalidInput
from refurb.intake import csv_columns, csv_rows
from tests.intake.helpers import HEADER, csv_bytes


def fmt_of(data: bytes) -> table_reader.TableFormat:
    return table_reader.detect(io.BytesIO(data))


def records(data: bytes):
    stream = io.BytesIO(data)
    return list(table_reader.iter_records(stream, table_reader.detect(stream)))


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")])
def test_encodings_are_detected_and_accents_read(encoding, bom, expected):
    data = csv_bytes([HEADER, ["Écran", "Iiyama", "ProLite E2280", "ÉÈ123", "", "déchet", "rayé"]],
                     encoding=encoding, bom=bom)
    fmt = fmt_of(data)
    assert fmt.encoding == expected
    assert fmt.header[0] == "Type" and fmt.header[3] == "N° de série"  # no BOM left on "Type"
    [(line, cells)] = records(data)
    assert line == 2 and cells[0] == "Écran" and cells[3] == "ÉÈ123" and cells[5] == "déchet"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_separator_is_sniffed(delimiter):
    data = csv_bytes([HEADER, ["Portable", "HP", "840 G4", "5CG1", "1.5", "", ""]],
                     delimiter=delimiter)
    assert fmt_of(data).delimiter == delimiter


def test_decimal_commas_do_not_fool_the_sniffer():
    data = csv_bytes([["Type", "Poids"], ["Portable", "2,5"], ["Écran", "3,7"]])
    assert fmt_of(data).delimiter == ";"


def test_quoted_fields_multiline_and_blank_lines_keep_line_numbers():
    data = ('Type,Marque,Remarques\r\n\r\nPortable,"Dell, Inc.","écran\r\nfêlé"\r\n'
            "Écran,Iiyama,\r\n").encode()
    assert records(data) == [(3, ["Portable", "Dell, Inc.", "écran\r\nfêlé"]),
                             (5, ["Écran", "Iiyama", ""])]


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b"\xef\xbb\xbf"])
def test_empty_file_is_refused_clearly(data):
    with pytest.raises(table_reader.TableUnreadable, match="vide"):
        fmt_of(data)


def test_mapping_is_guessed_from_french_and_english_headers():
    fr = csv_columns.guess_mapping(HEADER)
    assert fr == {"type": 0, "make": 1, "model": 2, "serial": 3, "inventory": None, "weight": 4,
                  "legal_status": 5, "notes": 6}
    en = csv_columns.guess_mapping(["Serial Number", "Manufacturer", "Model", "Device type", "Weight kg",
                           "Comments", "Owner"])
    assert en == {"serial": 0, "make": 1, "model": 2, "type": 3, "weight": 4, "notes": 5,
                  "legal_status": None, "inventory": None}
    odd = csv_columns.guess_mapping(["N° série", "Catégorie", "Fabricant", "Référence", "Poids estimé"])
    assert (odd["serial"], odd["type"], odd["make"], odd["model"], odd["weight"]) == (0, 1, 2, 3, 4)


def test_mapping_spec_for_the_cli():
    assert csv_columns.parse_mapping_spec("type=Type, make=marque,serial=N° DE SÉRIE", HEADER) == {
        "type": 0, "make": 1, "model": None, "serial": 3, "inventory": None, "weight": None,
        "legal_status": None, "notes": None}
    with pytest.raises(InvalidInput, match="Champ inconnu"):
        csv_columns.parse_mapping_spec("colour=Type", HEADER)
    with pytest.raises(InvalidInput, match="absente"):
        csv_columns.parse_mapping_spec("type=Genre", HEADER)


def test_mapping_needs_a_type_column_used_once():
    with pytest.raises(InvalidInput, match="obligatoire"):
        csv_columns.check_mapping({"make": 1}, tuple(HEADER))
    with pytest.raises(InvalidInput, match="deux champs"):
        csv_columns.check_mapping({"type": 0, "make": 0}, tuple(HEADER))


MAPPING = csv_columns.guess_mapping(HEADER)


@pytest.mark.parametrize(("cells", "reason"), [
    (["", "Dell", "", "", "", "", ""], "champ obligatoire manquant"),
    (["Grille-pain", "", "", "", "", "", ""], "type d'appareil inconnu « Grille-pain »"),
    (["Portable", "", "", "", "lourd", "", ""], "poids illisible « lourd »"),
    (["Portable", "", "", "", "-2", "", ""], "poids hors limites"),
    (["Portable", "", "", "", "9000", "", ""], "poids hors limites"),
    (["Portable", "", "", "", "", "peut-être", ""], "statut inconnu « peut-être »"),
    (["Portable", "D" * 121, "", "", "", "", ""], "marque : plus de 120 caractères"),
])
def test_bad_lines_are_refused_with_a_reason(cells, reason):
    refused = csv_rows.read_row(7, cells, MAPPING)
    assert isinstance(refused, csv_rows.Refused) and refused.line == 7
    assert reason in refused.reason and str(refused).startswith("Ligne 7 : ")


@pytest.mark.parametrize(("text", "kind"), [
    ("Portable", "laptop"), ("PC PORTABLE", "laptop"), ("laptop", "laptop"),
    ("Unité centrale", "desktop"), ("UC", "desktop"), ("Tour", "desktop"),
    ("Écran plat", "monitor"), ("moniteur", "monitor"), ("CRT", "crt_monitor"),
    ("Tout-en-un", "all_in_one"), ("Imprimante", "printer"), ("Clavier", "keyboard_mouse"),
    ("all_in_one", "all_in_one"), ("Smartphone", "phone"), ("Serveur", "server")])
def test_type_words(text, kind):
    assert csv_rows.parse_device_type(text) == kind


def test_good_line_becomes_a_row():
    row = csv_rows.read_row(3, ["Écran", " Iiyama ", "E2280", "--", "3,5 kg", "DEEE", "pied cassé"],
                      MAPPING)
    assert row == csv_rows.Row(line=3, device_type="monitor", make="Iiyama", model="E2280",
                         serial=None, weight_kg=Decimal("3.50"), legal_status="waste",
                         notes="pied cassé")
    short = csv_rows.read_row(4, ["Portable"], MAPPING)  # missing trailing cells are empty
    assert short.legal_status == "reuse" and short.weight_kg is None and short.serial is None


def test_duplicate_serials_inside_the_file_are_refused_naming_the_first_line():
    lines = [(2, ["Portable", "", "", "ABC 1", "", "", ""]),
             (3, ["Portable", "", "", "abc1", "", "", ""]),
             (4, ["Portable", "", "", "N/A", "", "", ""]),
             (5, ["Portable", "", "", "N/A", "", "", ""])]
    result = csv_rows.validate(lines, MAPPING)
    assert result.valid == 3 and result.refused_total == 1
    assert str(result.refused[0]) == "Ligne 3 : n° de série abc1 en double (déjà ligne 2)"


def test_a_refusal_is_a_message_id_translated_where_it_is_shown():
    english = {"Ligne %(line)s : %(reason)s": "Line %(line)s: %(reason)s",
               "type d'appareil inconnu « %(text)s »": "unknown device type “%(text)s”"}
    refused = csv_rows.read_row(7, ["Grille-pain"], MAPPING)
    assert refused.describe(lambda msgid: english.get(msgid, msgid)) == (
        "Line 7: unknown device type “Grille-pain”")
    assert str(refused) == "Ligne 7 : type d'appareil inconnu « Grille-pain »"  # CLI, logs
