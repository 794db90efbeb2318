"""Donor asset lists: all or nothing, refused lines named, duplicates flagged, web and CLI."""

import io
from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from refurb.core.errors import InvalidInput
from refurb.devices.models import Device, DeviceEvent
from refurb.intake import asset_lists
from refurb.intake.collections import IntakeClosed
from refurb.intake.models import IntakeImport
from tests.factories import make_device
from tests.intake.helpers import HEADER, asset_rows, csv_bytes, open_collection, upload

NOW = datetime(2026, 3, 4, 10, 0)


def count(db, model=Device):
    return db.session.scalar(select(func.count()).select_from(model))


def run(collection, data: bytes, mapping=None, **choices):
    return asset_lists.import_file(collection, io.BytesIO(data),
                                   asset_lists.ImportChoices(mapping=mapping, **choices),
                                   actor_id=None, now=NOW, prefix="RF", filename="liste.csv")


def test_a_clean_list_imports_every_line_with_its_event(db):
    collection = open_collection()
    outcome = run(collection, csv_bytes([HEADER, *asset_rows(30)]))
    db.session.commit()
    assert outcome.imported == 30 and count(db) == 30 and count(db, DeviceEvent) == 30
    assert (outcome.first_tag, outcome.last_tag) == ("RF-2026-000001", "RF-2026-000030")
    first = db.session.scalar(select(Device).where(Device.serial == "SER0000001"))
    assert (first.device_type, first.make, first.model, first.legal_status) == (
        "desktop", "Dell", "Latitude 1", "reuse")
    assert first.weight_estimated and first.weight_kg == 10  # default for a desktop
    weighed = db.session.scalar(select(Device).where(Device.serial == "SER0000003"))
    assert not weighed.weight_estimated and str(weighed.weight_kg) == "2.50"
    assert db.session.scalar(select(Device).where(Device.serial == "SER0000005")).legal_status == "waste"
    event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == first.id))
    assert (event.kind, event.from_state, event.to_state) == ("transition", None, "received")
    assert event.details["collection"] == collection.number and event.details["line"] == 2
    # Same shape as a device created one by one.
    single = make_device(collection=collection, serial="ONE")
    one_event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == single.id))
    assert set(one_event.details) <= set(event.details)
    assert single.version == first.version == 1 and single.state == first.state
    record = db.session.scalar(select(IntakeImport))
    assert record.device_count == 30 and record.imported_at == NOW and record.content is None


def test_one_bad_line_among_a_thousand_imports_nothing_and_names_it(db):
    collection = open_collection()
    rows = asset_rows(1000)
    rows[636][0] = "Grille-pain"  # file line 638 (header is line 1)
    with pytest.raises(asset_lists.ImportRefused) as refused:
        run(collection, csv_bytes([HEADER, *rows]))
    db.session.rollback()
    assert count(db) == 0 and count(db, DeviceEvent) == 0
    validation = refused.value.validation
    assert validation.refused_total == 1 and validation.valid == 999
    assert str(validation.refused[0]) == "Ligne 638 : type d'appareil inconnu « Grille-pain »"
    assert "aucun appareil importé" in refused.value.message


def test_duplicate_serials_in_the_file_and_in_the_donors_stock_are_refused(db):
    collection = open_collection()
    make_device(collection=collection, serial="5CG7281XYZ")
    other_donor = open_collection(donor=None, number="COL-2026-0502")
    make_device(collection=other_donor, serial="OTHER-DONOR")  # another donor: not a duplicate
    rows = [["Portable", "HP", "840", "5cg 7281xyz", "", "", ""],
            ["Portable", "HP", "840", "NEW1", "", "", ""],
            ["Portable", "HP", "840", "NEW1", "", "", ""],
            ["Portable", "HP", "840", "OTHER-DONOR", "", "", ""]]
    with pytest.raises(asset_lists.ImportRefused) as refused:
        run(collection, csv_bytes([HEADER, *rows]))
    db.session.rollback()
    assert [str(r) for r in refused.value.validation.refused] == [
        "Ligne 2 : n° de série 5CG7281XYZ déjà en stock pour ce donateur (RF-2026-000001)",
        "Ligne 4 : n° de série NEW1 en double (déjà ligne 3)",
    ]


@pytest.mark.parametrize(("encoding", "bom", "delimiter"), [
    ("cp1252", False, ";"), ("utf-8", True, ";"), ("utf-8", False, ",")])
def test_french_excel_and_bom_files_import(db, encoding, bom, delimiter):
    collection = open_collection()
    rows = [["Écran", "Iiyama", "Prolite", "ÉCR-1", "4,5" if delimiter == ";" else "4.5",
             "Déchet", "pied fêlé"]]
    run(collection, csv_bytes([HEADER, *rows], encoding=encoding, bom=bom, delimiter=delimiter))
    device = db.session.scalar(select(Device))
    assert (device.serial, device.condition_notes, device.legal_status) == (
        "ÉCR-1", "pied fêlé", "waste")
    assert str(device.weight_kg) == "4.50"


def test_the_same_file_is_not_imported_twice(db):
    collection = open_collection()
    data = csv_bytes([["Type"], ["Écran"], ["Écran"]])  # no serials: only the hash can tell
    run(collection, data)
    db.session.commit()
    with pytest.raises(InvalidInput, match="déjà été importé"):
        run(collection, data)
    db.session.rollback()
    assert count(db) == 2


def test_closed_or_planned_collection_takes_no_list(db):
    for number, state in (("COL-2026-0601", "closed"), ("COL-2026-0602", "planned")):
        collection = open_collection(number=number, state=state)
        with pytest.raises(IntakeClosed):
            run(collection, csv_bytes([HEADER, *asset_rows(2)]))
        db.session.rollback()


def test_weight_settings_change_the_estimates(db):
    from decimal import Decimal

    from refurb.settings import services as settings

    settings.set_value("weight.laptop", "2,2", actor_id=None, now=NOW)
    collection = open_collection()
    run(collection, csv_bytes([["Type"], ["Portable"]]))
    assert db.session.scalar(select(Device.weight_kg)) == Decimal("2.20")


# -- through the pages ----------------------------------------------------------------------
def test_upload_map_preview_and_import_through_the_pages(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    header = ["Numéro de série", "Catégorie", "Fabricant", "Référence", "Poids", "Devenir"]
    rows = [["S1", "Portable", "Lenovo", "T480", "1,6", "réemploi"],
            ["S2", "Écran", "Dell", "P2217H", "", "DEEE"]]
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload("parc.csv", csv_bytes([header, *rows],
                                                                      encoding="cp1252"))})
    assert response.status_code == 302
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    assert "Windows-1252" in html and "point-virgule" in html
    assert '<option value="1" selected>Catégorie</option>' in html  # guessed mapping
    assert "2 ligne(s) prête(s)" in html and "T480" in html and "Importer 2 appareil(s)" in html
    form = {"map-type": "1", "map-make": "2", "map-model": "3", "map-serial": "0",
            "map-weight": "4", "map-legal_status": "5", "action": "import"}
    done = client.post(response.location, data=form, follow_redirects=True)
    assert "2 appareil(s) importé(s)" in done.get_data(as_text=True)
    assert count(db) == 2
    again = client.post(response.location, data=form, follow_redirects=True)  # double click
    assert "déjà été importé" in again.get_data(as_text=True) and count(db) == 2


def test_refused_lines_are_listed_on_the_page(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    rows = asset_rows(5)
    rows[2][4] = "trois kilos"
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload("parc.csv", csv_bytes([HEADER, *rows]))})
    html = client.get(response.location).get_data(as_text=True)
    assert "1 ligne(s) refusée(s)" in html and "poids illisible « trois kilos »" in html
    assert 'value="import"' not in html  # no import button while a line is wrong
    forced = client.post(response.location, data={"map-type": "0", "action": "import",
                                                  "map-weight": "4"}, follow_redirects=True)
    assert "Ligne 4 : poids illisible « trois kilos »" in forced.get_data(as_text=True)
    assert count(db) == 0
    # Unmapping the weight makes the file acceptable.
    ok = client.post(response.location, data={"map-type": "0", "action": "preview"})
    assert "5 ligne(s) prête(s)" in ok.get_data(as_text=True)


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00\x00garbage", b"Type\r\n"])
def test_bad_files_never_give_a_500(client, db, login_as, data):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    response = client.post(f"/collections/{collection.id}/intake/csv",
                           data={"file": upload("x.csv", data)}, follow_redirects=True)
    assert response.status_code == 200
    if response.request.path.endswith("/intake/csv"):
        assert "vide" in response.get_data(as_text=True)
    else:
        html = client.post(response.request.path, data={"map-type": "0", "action": "import"},
                           follow_redirects=True).get_data(as_text=True)
        assert "aucune ligne" in html or "refusée" in html
    no_file = client.post(f"/collections/{collection.id}/intake/csv", data={})
    assert no_file.status_code == 200


def test_an_import_of_another_collection_is_not_found(client, db, login_as):
    login_as("technician")
    first, second = open_collection(), open_collection(number="COL-2026-0503")
    record = asset_lists.store_upload(first, filename="a.csv", content=b"Type\r\nEcran\r\n",
                                   actor_id=None, now=NOW)
    db.session.commit()
    assert client.get(f"/collections/{second.id}/intake/csv/{record.id}").status_code == 404


# -- CLI ------------------------------------------------------------------------------------
def test_cli_imports_with_a_map_and_a_progress_bar(app, db, tmp_path):
    collection = open_collection()
    db.session.commit()
    path = tmp_path / "parc.csv"
    path.write_bytes(csv_bytes([["Genre", "Fab", "N° série"], ["Portable", "HP", "X1"],
                                ["Écran", "Dell", "X2"]], encoding="cp1252"))
    result = app.test_cli_runner().invoke(args=[
        "intake", "import-csv", collection.number, str(path), "--map",
        "type=Genre,make=Fab,serial=N° série"])
    assert result.exit_code == 0, result.output + result.stderr
    assert "2 appareil(s) importé(s) dans COL-2026-0501" in result.stdout
    assert "Vérification" in result.stderr and "Insertion" in result.stderr
    assert sorted(db.session.scalars(select(Device.serial))) == ["X1", "X2"]


def test_cli_refuses_and_prints_every_refused_line(app, db, tmp_path):
    collection = open_collection()
    db.session.commit()
    rows = asset_rows(50)
    rows[9][0], rows[19][4] = "Frigo", "-1"
    path = tmp_path / "parc.csv"
    path.write_bytes(csv_bytes([HEADER, *rows]))
    result = app.test_cli_runner().invoke(
        args=["intake", "import-csv", collection.number, str(path)])
    assert result.exit_code != 0
    assert "Ligne 11 : type d'appareil inconnu « Frigo »" in result.stderr
    assert "Ligne 21 : poids hors limites « -1 »" in result.stderr
    assert "2 ligne(s) refusée(s)" in result.stderr
    assert count(db) == 0


def test_cli_unknown_collection_or_column(app, db, tmp_path):
    open_collection()
    db.session.commit()
    path = tmp_path / "parc.csv"
    path.write_bytes(csv_bytes([HEADER, *asset_rows(2)]))
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["intake", "import-csv", "COL-1999-0001", str(path)])
    assert missing.exit_code != 0 and "Collecte inconnue" in missing.stderr
    bad_map = runner.invoke(args=["intake", "import-csv", "COL-2026-0501", str(path), "--map",
                                  "type=Genre"])
    assert bad_map.exit_code != 0 and "absente" in bad_map.stderr


def test_postgresql_plans_with_the_grown_tables_once_an_import_commits(db, engine_name):
    """After a big import the planner must know the tables grew (the device list otherwise
    sorts the whole workshop until autovacuum comes round); a rolled-back import changes
    nothing it counts."""
    if engine_name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def planned_rows(table: str) -> float:
        return db.session.scalar(select(func.greatest(func.min(text("reltuples")), 0)).select_from(
            text("pg_class")).where(text(f"oid = '{table}'::regclass")))

    before = planned_rows("devices")
    collection = open_collection()
    run(collection, csv_bytes([HEADER, *asset_rows(40)]))
    db.session.rollback()
    db.session.commit()  # the next transaction's commit does not analyse for the rolled-back one
    assert count(db) == 0
    assert planned_rows("devices") == before

    collection = open_collection(number="COL-2026-0502")
    make_device(collection=collection, serial="BENCH")
    run(collection, csv_bytes([HEADER, *asset_rows(300)]))
    db.session.commit()
    assert count(db) == 301
    assert planned_rows("devices") == 301
    assert planned_rows("device_events") == count(db, DeviceEvent) == 301
