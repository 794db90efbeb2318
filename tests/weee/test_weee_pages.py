"""Through the pages: refused input keeps what was typed and never gives a 500."""

from sqlalchemy import select

from refurb.weee import batches
from refurb.weee.models import Carrier, TreatmentOperator, WasteRegisterLine, WeeeBatch
from tests.factories import make_device
from tests.weee.helpers import (
    CARRIER_SIRET,
    NOW,
    OPERATOR_SIRET,
    TODAY,
    closed_batch,
    configure_site,
    make_carrier,
    make_disposable,
    make_operator,
)


def test_a_technician_opens_a_batch_and_scans_devices_into_it(client, db, login_as):
    login_as("technician")
    device = make_disposable("laptop")
    db.session.commit()
    response = client.post("/weee/batches", data={"container": "pallet", "label": "Palette A"})
    batch = db.session.scalar(select(WeeeBatch))
    assert response.status_code == 302 and response.location == f"/weee/batches/{batch.id}"
    response = client.post(f"/weee/batches/{batch.id}/devices",
                           data={"tag": device.asset_tag.lower(), "waste_code": "",
                                 "weight": ""})
    assert response.status_code == 302
    html = client.get(f"/weee/batches/{batch.id}").get_data(as_text=True)
    assert device.asset_tag in html and "16 02 14" in html and "3,0" in html


def test_refused_additions_keep_what_was_typed(client, db, login_as):
    login_as("technician")
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    fresh = make_device()
    db.session.commit()
    url = f"/weee/batches/{batch.id}"
    response = client.post(f"{url}/devices", data={"tag": "RF-2026-999999", "weight": "4,5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "inconnu" in html and 'value="4,5"' in html
    response = client.post(f"{url}/devices", data={"tag": fresh.asset_tag})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "seuls les appareils" in html
    assert f'value="{fresh.asset_tag}"' in html
    response = client.post(f"{url}/parts", data={
        "kind": "battery", "description": "Batteries portables", "quantity": "3",
        "weight": "lourd", "category": "6", "waste_code": "16 02 15*"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'value="lourd"' in html
    assert 'value="Batteries portables"' in html
    response = client.post(f"{url}/parts", data={
        "kind": "drive", "drive_tag": "RF-2026-424242", "quantity": "1", "weight": "0,5",
        "category": "6", "waste_code": "16 02 16"})
    assert response.status_code == 400 and "Disque introuvable" in response.get_data(
        as_text=True)
    response = client.post(f"{url}/parts", data={"kind": "cable", "quantity": "x",
                                                 "weight": "1", "category": "42"})
    assert response.status_code == 400
    response = client.post("/weee/items/999/remove")
    assert response.status_code == 404


def test_an_admin_closes_a_batch_through_the_form_and_gets_the_handover(client, db, login_as):
    login_as("admin")
    configure_site()
    operator, carrier = make_operator(), make_carrier()
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    device = make_disposable("desktop")
    batches.add_device(batch, device, actor_id=None, now=NOW)
    db.session.commit()
    url = f"/weee/batches/{batch.id}/close"
    assert "Clôturer le lot" in client.get(url).get_data(as_text=True)
    form = {"operator_id": operator.id, "carrier_1": carrier.id, "carrier_2": 0,
            "carrier_3": 0, "carrier_4": 0, "carrier_5": 0,
            "handover_date": TODAY.isoformat(), "operation_code": "R4",
            "operation_mode": "RECYCLAGE", "signed_by_name": "Camille Martin"}
    response = client.post(url, data=form)  # the signature box is not ticked
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Camille Martin"' in html
    assert "Cochez la case" in html
    response = client.post(url, data={**form, "signature_confirmed": "y",
                                      "handover_date": "31/02/2026"})
    assert response.status_code == 200 and "Date invalide" in response.get_data(as_text=True)
    response = client.post(url, data={**form, "signature_confirmed": "y"})
    assert response.status_code == 302
    db.session.refresh(batch)
    assert batch.state == "closed" and device.state == "disposed"
    page = client.get(f"/weee/batches/{batch.id}").get_data(as_text=True)
    assert "Recyclage du Nord" in page and "bon-remise-" in page
    pdf = client.get(f"/weee/batches/{batch.id}/handover", follow_redirects=True)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(url).status_code == 302  # already closed: back to the batch


def test_a_refused_close_lists_each_blocking_item(client, db, login_as, monkeypatch):
    from refurb.devices import services as devices

    login_as("admin")
    configure_site()
    operator, carrier = make_operator(), make_carrier()
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    device = make_disposable()
    batches.add_device(batch, device, actor_id=None, now=NOW)
    db.session.commit()
    monkeypatch.setattr(devices, "FACT_PROVIDERS", [
        lambda d: {"unsanitized_drives": ("SSD (S/N Z9) : aucun effacement",)}])
    url = f"/weee/batches/{batch.id}/close"
    assert "Z9" in client.get(url).get_data(as_text=True)  # warned before trying
    response = client.post(url, data={
        "operator_id": operator.id, "carrier_1": carrier.id, "carrier_2": 0, "carrier_3": 0,
        "carrier_4": 0, "carrier_5": 0, "handover_date": TODAY.isoformat(),
        "operation_code": "R4", "operation_mode": "RECYCLAGE", "signed_by_name": "C. Martin",
        "signature_confirmed": "y"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "refusée" in html and f"{device.asset_tag} : Support non effacé" in html
    assert 'value="C. Martin"' in html
    db.session.refresh(batch)
    assert batch.state == "open"


def test_operator_and_carrier_forms(client, db, login_as):
    login_as("admin")
    response = client.post("/weee/operators/new", data={
        "name": "Recyclage du Nord", "siret": "391 234 567 00018", "city": "Valenciennes",
        "eco_organism": "83033936200022"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "clé de contrôle" in html
    assert 'value="391 234 567 00018"' in html and 'value="Valenciennes"' in html
    response = client.post("/weee/operators/new", data={
        "name": "Recyclage du Nord", "siret": "391 234 567 00017", "city": "Valenciennes",
        "eco_organism": "83033936200022", "active": "y"})
    assert response.status_code == 302
    operator = db.session.scalar(select(TreatmentOperator))
    assert (operator.siret, operator.eco_organism_name) == (OPERATOR_SIRET, "ecosystem")
    response = client.post(f"/weee/operators/{operator.id}", data={
        "name": "Recyclage du Nord", "siret": OPERATOR_SIRET, "eco_organism": "other",
        "eco_other_name": "Soren", "eco_other_siret": "53210987600013", "active": "y"})
    assert response.status_code == 302
    html = client.get(f"/weee/operators/{operator.id}").get_data(as_text=True)
    assert 'value="Soren"' in html
    response = client.post("/weee/carriers/new", data={
        "name": "Transports Escaut", "siret": CARRIER_SIRET, "transport_mode": "ROAD",
        "receipt_number": ""})
    assert response.status_code == 200 and "récépissé" in response.get_data(as_text=True)
    response = client.post("/weee/carriers/new", data={
        "name": "Transports Escaut", "siret": CARRIER_SIRET, "transport_mode": "ROAD",
        "receipt_number": "REC-1", "active": "y"})
    assert response.status_code == 302 and db.session.scalar(select(Carrier)).active
    assert "Transports Escaut" in client.get("/weee/partners").get_data(as_text=True)


def test_correcting_a_register_line_through_the_form(client, db, login_as):
    login_as("admin")
    configure_site()
    closed_batch([make_disposable()])
    db.session.commit()
    line = db.session.scalar(select(WasteRegisterLine))
    url = f"/weee/register/{line.id}/correct"
    assert 'value="0,003"' in client.get(url).get_data(as_text=True)
    data = {"waste_description": "Portables", "waste_code": "16 02 14",
            "weight_tonnes": "trois", "weight_is_estimate": "", "line_date": TODAY.isoformat(),
            "operation_code": "R4", "operation_mode": "RECYCLAGE", "note": "Pesée"}
    response = client.post(url, data=data)
    assert response.status_code == 200 and 'value="trois"' in response.get_data(as_text=True)
    response = client.post(url, data={**data, "weight_tonnes": "0,0032"})
    assert response.status_code == 302
    lines = db.session.scalars(select(WasteRegisterLine).order_by(WasteRegisterLine.id)).all()
    assert [(x.revision, x.reason) for x in lines] == [(1, None), (2, "EDIT")]
    assert lines[1].fields["weightIsEstimate"] is False and lines[1].note == "Pesée"
    html = client.get("/weee/register").get_data(as_text=True)
    assert html.count("Corriger") == 1  # only the latest version offers a correction


def test_recording_incoming_waste_from_the_register_page(client, db, login_as):
    login_as("admin")
    configure_site()
    make_device("desktop", legal_status="waste")
    db.session.commit()
    html = client.get("/weee/register?direction=incoming").get_data(as_text=True)
    assert "ne sont pas encore au registre entrant" in html
    response = client.post("/weee/register/incoming", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "1 ligne(s) ajoutée(s)" in html and "ENT-2026-00001" in html


def test_odd_query_strings_never_give_a_500(client, db, login_as):
    login_as("admin")
    configure_site()
    closed_batch([make_disposable()])
    db.session.commit()
    line = db.session.scalar(select(WasteRegisterLine))
    for url in ("/weee/rates?start=0001-01-01&end=9999-12-31", "/weee/register?page=-3",
                "/weee/register.csv?start=9999-12-31", "/weee/?state=nimporte",
                "/weee/register?direction=sideways&start=2026-12-31&end=2026-01-01"):
        assert client.get(url).status_code == 200, url
    response = client.post(f"/weee/register/{line.id}/correct", data={
        "waste_description": "x", "waste_code": "16 02 14", "weight_tonnes": "1e400",
        "line_date": "2026-03-10", "operation_code": "R4", "operation_mode": "RECYCLAGE",
        "note": "essai"})
    assert response.status_code == 200 and "tonnes" in response.get_data(as_text=True)
    response = client.post(f"/weee/register/{line.id}/correct", data={
        "waste_description": "x", "waste_code": "16 02 14", "weight_tonnes": "NaN",
        "line_date": "2026-03-10", "operation_code": "R12", "operation_mode": "", "note": "x"})
    assert response.status_code == 200
