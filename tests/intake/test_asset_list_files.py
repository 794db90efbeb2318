"""Donor asset lists as they really come: each file imports as a careful person would, or is
refused naming the line and the reason, with nothing stored."""

import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from refurb.devices.models import Device, DeviceEvent
from refurb.intake import asset_lists
from refurb.intake.models import DonorColumnMapping, IntakeImport
from tests.factories import make_donor
from tests.intake.helpers import open_collection, upload
from tests.intake.spreadsheets import BUILDERS, Formula, xlsx_bytes

NOW = datetime(2026, 3, 4, 10, 0)
HEADER = ["Type", "Marque", "Modèle", "N° de série", "Poids (kg)", "Remarques"]
ROWS = [["Écran", "Iiyama", "ProLite E2280", "ÉCR-1", "4,5", "pied fêlé"],
        ["Portable", "Dell", "Latitude 5480", "5CG1", "", "clavier « azerty » usé"],
        ["Unité centrale", "HP", "EliteDesk 800", "CZC2", "", "à réformer"]]


def text_file(rows, *, encoding="utf-8", delimiter=";", newline="\r\n", bom=b"") -> bytes:
    return bom + (newline.join(delimiter.join(r) for r in rows) + newline).encode(encoding)


def count(db, model=Device) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run(collection, data: bytes, mapping=None, **choices):
    return asset_lists.import_file(collection, io.BytesIO(data),
                                   asset_lists.ImportChoices(mapping=mapping, **choices),
                                   actor_id=None, now=NOW, prefix="RF", filename="liste")


def stored(db) -> list[tuple]:
    return list(db.session.execute(
        select(Device.device_type, Device.make, Device.serial, Device.weight_kg,
               Device.condition_notes).order_by(Device.id)))


def refused_run(db, collection, data: bytes, **choices) -> asset_lists.ImportRefused:
    db.session.commit()  # the collection stays: only the import is rolled back
    with pytest.raises(asset_lists.ImportRefused) as refused:
        run(collection, data, **choices)
    db.session.rollback()
    assert count(db) == count(db, DeviceEvent) == count(db, IntakeImport) == 0
    assert count(db, DonorColumnMapping) == 0
    return refused.value


EXPECTED = [("monitor", "Iiyama", "ÉCR-1", Decimal("4.50"), "pied fêlé"),
            ("laptop", "Dell", "5CG1", Decimal("3.00"), "clavier « azerty » usé"),
            ("desktop", "HP", "CZC2", Decimal("10.00"), "à réformer")]


@pytest.mark.parametrize("data", [
    pytest.param(text_file([HEADER, *ROWS], encoding="mac_roman", newline="\r"),
                 id="excel-mac-cr-only-mac-roman"),
    pytest.param(text_file([HEADER, *ROWS], encoding="utf-16-le", delimiter="\t",
                           bom=b"\xff\xfe"), id="excel-unicode-text-utf16-bom-tabs"),
    pytest.param(text_file([HEADER, *ROWS], encoding="cp1252"), id="excel-windows-1252"),
    pytest.param(text_file([HEADER, *ROWS], delimiter="\t", newline="\n"), id="tab-lf"),
    pytest.param(text_file([HEADER, *ROWS], encoding="iso8859_15", newline="\n"),
                 id="latin9-lf"),
])
def test_text_files_import_whatever_their_code_page_and_line_endings(db, data):
    outcome = run(open_collection(), data)
    assert outcome.imported == 3 and stored(db) == EXPECTED


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_spreadsheets_import_formula_values_and_dates_as_dates(db, kind):
    rows = [["Type", "Marque", "N° de série", "Poids (kg)", "Date d'achat", "Remarques"],
            ["Portable", "Dell", "5CG1", Formula("1.5+1", 2.5), date(2019, 5, 3), ""],
            ["Écran", "Iiyama", "ÉCR-1", 4, datetime(2020, 1, 31), "pied fêlé"]]
    data = BUILDERS[kind]([("Parc", rows), ("Légende", [["Colonne", "Sens"]])])
    mapping = {"type": 0, "make": 1, "serial": 2, "weight": 3, "notes": 4}
    run(open_collection(), data, mapping=mapping)
    assert stored(db) == [("laptop", "Dell", "5CG1", Decimal("2.50"), "03/05/2019"),
                          ("monitor", "Iiyama", "ÉCR-1", Decimal("4.00"), "31/01/2020")]
    lines = db.session.scalars(select(DeviceEvent.details)).all()
    assert [d["line"] for d in lines] == [2, 3]  # the rows the spreadsheet shows


def test_a_serial_column_mangled_by_excel_is_refused_until_confirmed(db):
    collection = open_collection()
    rows = [["Portable", "1.23457E+11"], ["Portable", "6.37702E+15"], ["Portable", "5CG7281"]]
    data = text_file([["Type", "N° de série"], *rows])
    refused = refused_run(db, collection, data)
    flags = refused.validation.flags["serial"]
    assert [str(f) for f in flags] == [
        "Ligne 2 : « 1.23457E+11 » en notation scientifique : Excel a perdu des chiffres",
        "Ligne 3 : « 6.37702E+15 » en notation scientifique : Excel a perdu des chiffres"]
    assert "2 ligne(s) signalée(s) dans 1 colonne(s) non confirmée(s)" in refused.message
    run(collection, data, confirmed=frozenset({"serial"}))  # a person looked: kept as written
    assert db.session.scalars(select(Device.serial).order_by(Device.id)).all() == [
        "1.23457E+11", "6.37702E+15", "5CG7281"]


def test_mangled_serials_that_collide_are_refused_even_when_confirmed(db):
    rows = [["Portable", "1.23457E+11"], ["Écran", "1.23457E+11"]]
    refused = refused_run(db, open_collection(), text_file([["Type", "N° de série"], *rows]),
                          confirmed=frozenset({"serial"}))
    assert [str(r) for r in refused.validation.refused] == [
        "Ligne 3 : n° de série 1.23457E+11 en double (déjà ligne 2)"]


def test_other_excel_damage_is_flagged_per_line(db):
    header = ["Type", "N° de série", "N° d'inventaire", "Remarques"]
    rows = [["Portable", "5CG1", "000123", "acheté le 03/05/2019"],
            ["Portable", "123456.0", "124", "43588"],
            ["Portable", "02-janv", "000125", "03/05/2019"],
            ["Portable", "#N/A", "000126", "#REF!"]]
    refused = refused_run(db, open_collection(), text_file([header, *rows]))
    got = {name: [str(f) for f in flags] for name, flags in refused.validation.flags.items()}
    assert got == {
        "serial": [
            "Ligne 3 : « 123456.0 » : décimale nulle ajoutée à un nombre entier par un tableur",
            "Ligne 4 : « 02-janv » ressemble à une date : Excel a pu transformer le numéro",
            "Ligne 5 : « #N/A » : erreur de formule dans le tableur"],
        "inventory": ["Ligne 3 : « 124 » : 3 chiffres au lieu de 6, zéros de tête perdus par "
                      "Excel ?"],
        "notes": ["Ligne 3 : « 43588 » : date devenue un nombre dans le tableur (03/05/2019 ?)",
                  "Ligne 5 : « #REF! » : erreur de formule dans le tableur"],
    }
    assert refused.validation.refused_total == 0 and refused.validation.valid == 4


def test_a_repeated_header_is_flagged_until_its_column_is_confirmed(db):
    header = ["Company", "Category", "Serial", "Company", "Category"]
    rows = [["ACME", "Laptop", "S1", "ACME SA", "IT"], ["ACME", "Monitor", "S2", "ACME SA", "IT"]]
    data = text_file([header, *rows], delimiter=",")
    collection = open_collection()
    refused = refused_run(db, collection, data)
    assert [str(f) for f in refused.validation.flags["type"]] == [
        "Ligne 1 : nom de colonne « Category » répété (colonnes B et E)"]
    assert refused.validation.refused_total == 0 and refused.validation.valid == 2
    run(collection, data, confirmed=frozenset({"type"}))
    assert db.session.scalars(select(Device.device_type)).all() == ["laptop", "monitor"]


def test_text_that_still_looks_wrongly_decoded_is_flagged(db):
    data = text_file([HEADER, *ROWS], encoding="utf-8")
    refused = refused_run(db, open_collection(), data, encoding="cp1252")
    # "Écran" read from UTF-8 as Windows-1252 is no known type: refused outright.
    assert "Ligne 2 : type d'appareil inconnu « Ã‰cran »" in map(str, refused.validation.refused)
    assert "Ligne 3 : texte mal décodé « clavier Â« azerty Â» usÃ© » : essayez un autre " \
           "encodage" in map(str, refused.validation.flags["notes"])


def test_one_bad_line_in_a_workbook_names_its_row_and_stores_nothing(db):
    rows = [["Type", "N° de série"], *[["Portable", f"S{i}"] for i in range(1, 40)]]
    rows[31][0] = "Grille-pain"
    refused = refused_run(db, open_collection(), xlsx_bytes([("Parc", rows)]))
    assert [str(r) for r in refused.validation.refused] == [
        "Ligne 32 : type d'appareil inconnu « Grille-pain »"]


# -- through the pages ----------------------------------------------------------------------
def post_upload(client, collection, name, data):
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload(name, data)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.location


def test_flagged_lines_shown_then_imported_once_the_column_is_confirmed(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    rows = [["Portable", "1.23457E+11"], ["Écran", "5CG7281"]]
    url = post_upload(client, collection, "parc.csv", text_file([["Type", "N° de série"], *rows]))
    page = client.get(url).get_data(as_text=True)
    assert "1 ligne(s) signalée(s) dans des colonnes non confirmées" in page
    flagged = page.split('id="flagged-serial"')[1].split("</table>")[0]
    assert "<td>2</td><td>« 1.23457E+11 » en notation scientifique" in flagged
    assert 'name="confirm" value="serial"' in page
    mapping = {"map-type": "0", "map-serial": "1"}
    # The import runs as a job: its page tells why nothing was imported, line by line.
    refused = client.post(url, data={**mapping, "action": "import"}, follow_redirects=True)
    assert count(db) == 0
    page = refused.get_data(as_text=True)
    assert "signalée(s) dans 1 colonne(s) non confirmée(s)" in page
    assert "Ligne 2 : « 1.23457E+11 » en notation scientifique" in page
    assert url in page  # back to the file to confirm the column
    done = client.post(url, data={**mapping, "confirm": "serial", "action": "import"},
                       follow_redirects=True)
    assert "2 appareil(s) importé(s)" in done.get_data(as_text=True) and count(db) == 2
    record = db.session.scalar(select(IntakeImport))
    assert record.reading["confirmed"] == ["serial"] and record.reading["encoding"] == "utf-8"


def test_repeated_header_names_are_told_apart_by_their_letters(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    header = ["Company", "Category", "Serial", "Company", "Category"]
    url = post_upload(client, collection, "fleet.csv",
                      text_file([header, ["ACME", "Laptop", "S1", "ACME SA", "IT"]],
                                delimiter=","))
    page = client.get(url).get_data(as_text=True)
    assert '<option value="1" selected>Category (colonne B)</option>' in page
    assert '<option value="4">Category (colonne E)</option>' in page
    notes = page.split('id="header-notes"')[1].split("</ul>")[0]
    assert notes.count("<li>") == 2  # one line per repeated name, not per column
    assert "nom de colonne « Category » répété (colonnes B et E)" in notes
    assert 'name="confirm" value="type"' in page


def test_the_code_page_can_be_changed_and_is_shown(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    url = post_upload(client, collection, "mac.csv",
                      text_file([HEADER, *ROWS], encoding="mac_roman", newline="\r"))
    page = client.get(url).get_data(as_text=True)
    assert "encodage : Mac Roman (Excel Mac)" in page and "fins de ligne : CR (Mac classique)" \
        in page
    assert re.search(r'<option value="mac_roman" selected>Mac Roman \(Excel Mac\) — détecté',
                     page)
    assert "3 ligne(s) prête(s)" in page and "pied fêlé" in page
    wrong = client.post(url, data={"encoding": "cp1252", "action": "reread"},
                        follow_redirects=True).get_data(as_text=True)
    assert 'id="garbled"' in wrong and "Le texte semble mal décodé" in wrong
    assert "type d&#39;appareil inconnu « ƒcran »" in wrong
    assert 'value="import"' not in wrong
    client.post(url, data={"encoding": "mac_roman", "action": "reread"})
    done = client.post(url, data={"map-type": "0", "map-make": "1", "map-serial": "3",
                                  "map-notes": "5", "action": "import"}, follow_redirects=True)
    assert "3 appareil(s) importé(s)" in done.get_data(as_text=True)
    assert db.session.scalar(select(Device.condition_notes).where(Device.serial == "ÉCR-1")) \
        == "pied fêlé"


def test_the_sheet_can_be_chosen(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    data = xlsx_bytes([("Sommaire", [["Liste remise le 1er mars"], ["Voir l'onglet Parc"]]),
                       ("Parc", [["Catégorie", "Fabricant", "S/N"], ["Portable", "HP", "S1"]])])
    url = post_upload(client, collection, "parc.xlsx", data)
    page = client.get(url).get_data(as_text=True)
    assert "feuille « Sommaire »" in page and '<option value="Parc">Parc</option>' in page
    page = client.post(url, data={"sheet": "Parc", "action": "reread"},
                       follow_redirects=True).get_data(as_text=True)
    assert "feuille « Parc »" in page and '<option value="0" selected>Catégorie</option>' in page
    assert "1 ligne(s) prête(s)" in page
    client.post(url, data={"map-type": "0", "map-make": "1", "map-serial": "2",
                           "action": "import"})
    assert db.session.scalars(select(Device.serial)).all() == ["S1"]


def test_the_preview_shows_rows_as_stored_with_counts_and_weight(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    rows = [[("Portable", "Unité centrale", "Écran")[i % 3], f"S{i}", "2,5" if i == 1 else ""]
            for i in range(1, 26)]
    url = post_upload(client, collection, "parc.csv",
                      text_file([["Type", "N° de série", "Poids"], *rows]))
    page = client.get(url).get_data(as_text=True)
    preview = page.split('id="preview"')[1].split("</table>")[0]
    assert preview.count("<tr><td>") == 20 and "<td>22</td>" not in preview  # lines 2 to 21
    assert "<td>2</td><td>Unité centrale</td>" in preview  # line 2 holds S1: "2,5" weighed
    assert "2,50 kg</td>" in preview and "10,00 kg (estimé)" in preview
    totals = page.split('id="totals"')[1].split("</dl>")[0]
    # 8 laptops × 3 kg + 9 desktops (one weighed 2.5) + 8 monitors × 5 kg
    assert "<dt>Ordinateur portable</dt><dd>8</dd>" in totals
    assert "<dt>Unité centrale</dt><dd>9</dd>" in totals and "<dd>25 appareil(s)</dd>" in totals
    assert "146,50 kg (dont 144,00 kg estimés)" in totals


def test_a_donors_next_file_with_the_same_header_maps_itself(client, db, login_as):
    login_as("technician")
    donor = make_donor(name="Banque du Nord")
    first, second = open_collection(donor), open_collection(donor, number="COL-2026-0502")
    other = open_collection(number="COL-2026-0503")
    db.session.commit()
    header = ["Genre", "Fab", "S/N", "Réf. immo"]
    mapping = {"map-type": "0", "map-make": "1", "map-serial": "2", "map-inventory": "3"}
    url = post_upload(client, first, "a.csv", text_file([header, ["Portable", "HP", "S1",
                                                                  "I-1"]]))
    assert 'id="remembered"' not in client.get(url).get_data(as_text=True)
    client.post(url, data={**mapping, "action": "import"})
    assert count(db) == 1
    url = post_upload(client, second, "b.csv", text_file([[h.upper() for h in header],
                                                          ["Écran", "Dell", "S2", "I-2"]]))
    page = client.get(url).get_data(as_text=True)
    assert 'id="remembered"' in page and "1 ligne(s) prête(s)" in page
    assert '<option value="3" selected>RÉF. IMMO</option>' in page
    changed = client.post(url, data={**mapping, "map-inventory": "", "action": "import"})
    assert changed.status_code == 302  # the remembered mapping is a proposal, not a rule
    assert db.session.scalar(select(Device.donor_inventory_number).where(
        Device.serial == "S2")) is None
    url = post_upload(client, other, "c.csv", text_file([header, ["Portable", "HP", "S3", ""]]))
    page = client.get(url).get_data(as_text=True)  # another donor: nothing remembered
    assert 'id="remembered"' not in page and "Colonne obligatoire non associée" in page


def test_an_xlsx_file_through_the_pages(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    rows = [["Type", "Marque", "N° de série", "Poids (kg)"],
            ["Portable", "Dell", 123456789012, Formula("1.1*2", 2.2)]]
    url = post_upload(client, collection, "parc.xlsx", xlsx_bytes([("Parc", rows)]))
    page = client.get(url).get_data(as_text=True)
    assert "Classeur Excel (.xlsx) · feuille « Parc »" in page
    assert '<select id="sheet"' not in page  # a single sheet: nothing to choose
    assert "<td>123456789012</td>" in page and "2,20 kg" in page
    client.post(url, data={"map-type": "0", "map-make": "1", "map-serial": "2",
                           "map-weight": "3", "action": "import"})
    assert stored(db) == [("laptop", "Dell", "123456789012", Decimal("2.20"), "")]


def test_files_that_are_no_table_never_give_a_500(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    for name, data in (("scan.pdf", b"%PDF-1.7\n\x00\x01\x02"), ("x.xlsx", b"PK\x03\x04broken"),
                       ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)):
        response = client.post(f"/collections/{collection.id}/intake/csv",
                               data={"file": upload(name, data)})
        assert response.status_code == 200, name
    assert count(db, IntakeImport) == 0


# -- for a background job, and the CLI ------------------------------------------------------
def test_the_stored_upload_imports_from_plain_values_with_progress(db):
    collection = open_collection()
    data = text_file([["Type", "N° de série"], *[["Portable", f"S{i}"] for i in range(1, 1201)]])
    record = asset_lists.store_upload(collection, filename="a.csv", content=data, actor_id=None,
                                      now=NOW)
    db.session.commit()
    choices = asset_lists.ImportChoices.from_dict(
        {"mapping": {"type": 0, "serial": 1}, "encoding": None, "sheet": None, "confirmed": []})
    seen: dict[str, list] = {}
    outcome = asset_lists.import_stored_upload(
        record.id, choices, actor_id=None, now=NOW, prefix="RF",
        progress=lambda done, total, step: seen.setdefault(step, []).append((done, total)))
    assert outcome.imported == 1200
    assert seen["check"][-1][0] == seen["check"][-1][1] == len(data)
    assert seen["write"] == [(1000, 1200), (1200, 1200)]


def test_the_check_step_writes_nothing_and_the_write_step_rechecks_the_donors_serials(db):
    from tests.factories import make_device

    collection = open_collection()
    db.session.commit()
    data = text_file([["Type", "N° de série"], ["Portable", "S1"], ["Écran", "S2"]])
    plan = asset_lists.plan_import(collection, io.BytesIO(data), asset_lists.ImportChoices(),
                                   actor_id=None, now=NOW, prefix="RF", filename="a.csv")
    assert plan.validation.valid == 2 and count(db) == count(db, IntakeImport) == 0
    twin = make_device(collection=collection, serial="s2")  # entered at the bench meanwhile
    with pytest.raises(asset_lists.ImportRefused) as refused:
        asset_lists.run_import(plan)
    assert [str(r) for r in refused.value.validation.refused] == [
        f"Ligne 3 : n° de série s2 déjà en stock pour ce donateur ({twin.asset_tag})"]


def test_cli_imports_a_workbook_sheet_with_confirmed_columns(app, db, tmp_path):
    collection = open_collection()
    db.session.commit()
    path = tmp_path / "parc.xlsx"
    path.write_bytes(xlsx_bytes([("Note", [["x"]]), ("Parc", [
        ["Type", "N° de série"], ["Portable", "1.23457E+11"], ["Écran", "S2"]])]))
    runner = app.test_cli_runner()
    args = ["intake", "import-csv", collection.number, str(path), "--sheet", "Parc"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and count(db) == 0
    assert "Ligne 2 : « 1.23457E+11 » en notation scientifique" in refused.stderr
    assert "--confirm serial" in refused.stderr
    result = runner.invoke(args=[*args, "--confirm", "serial"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "Excel (.xlsx), feuille « Parc » (sur 2)" in result.stderr
    assert "Vérification" in result.stderr and "Insertion" in result.stderr
    assert "2 appareil(s) importé(s)" in result.stdout and count(db) == 2
