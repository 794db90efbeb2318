"""Workshop forms through the web: bad input never gives a 500, refused forms keep what was
typed, and the device panel renders inside the device page."""

from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.extension_points import device_panels
from refurb.workshop.models import BuildProfile, SparePart
from refurb.workshop.software import record_software
from tests.factories import NOW, make_device, make_user
from tests.workshop.helpers import make_part, pack_famille, pass_qa, to_repair


def test_work_order_refusals(client, db, login_as):
    tech = login_as("technician")
    device = to_repair(make_device())
    part = make_part("Ventilateur", "fan", quantity=1)
    db.session.commit()
    url = f"/workshop/devices/{device.id}/work-order"
    base = {"actions": "Changement ventilateur", "minutes": "20", "technician_id": str(tech.id)}
    for extra in ({"minutes": "longtemps"}, {"actions": ""}, {"parts-0-quantity": "-1"},
                  {"parts-0-part_id": "abc"}):
        response = client.post(url, data={**base, **extra})
        assert response.status_code == 400, extra
    refused = client.post(url, data={**base, "parts-0-part_id": str(part.id),
                                     "parts-0-quantity": "3"})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Stock insuffisant : Ventilateur (1 en stock, 3 demandé(s))." in html
    assert "Changement ventilateur" in html
    unknown = client.post(url, data={**base, "parts-0-part_id": "999"})
    assert unknown.status_code == 400 and "Pièce inconnue" in unknown.get_data(as_text=True)
    assert db.session.get(SparePart, part.id).quantity == 1


def test_part_pages(client, db, login_as):
    login_as("technician")
    assert client.post("/workshop/parts/new", data={"category": "ram", "name": "DDR4 8 Go",
                                                    "quantity": "4"}).status_code == 302
    duplicate = client.post("/workshop/parts/new", data={"category": "ram", "name": "DDR4 8 Go",
                                                         "compatibility": "SO-DIMM"})
    assert duplicate.status_code == 400 and "existe déjà" in duplicate.get_data(as_text=True)
    part = db.session.scalar(select(SparePart).where(SparePart.name == "DDR4 8 Go"))
    refused = client.post(f"/workshop/parts/{part.id}", data={
        "kind": "adjust", "quantity": "-9", "note": "Comptage annuel"})
    assert refused.status_code == 400
    assert "Stock insuffisant" in refused.get_data(as_text=True)
    assert "Comptage annuel" in refused.get_data(as_text=True)
    assert client.post(f"/workshop/parts/{part.id}", data={
        "kind": "adjust", "quantity": "-1", "note": "Barrette HS"}).status_code == 302
    page = client.get(f"/workshop/parts/{part.id}").get_data(as_text=True)
    assert "Barrette HS" in page and "-1" in page
    listing = client.get("/workshop/parts?category=ram&q=ddr4").get_data(as_text=True)
    assert "DDR4 8 Go" in listing


def test_harvest_page(client, db, login_as):
    login_as("technician")
    device = make_device()
    devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
    devices.transition(device, State.PARTS, actor_id=None, now=NOW)
    part = make_part("Écran 14 pouces", "screen")
    db.session.commit()
    url = f"/workshop/devices/{device.id}/harvest"
    assert client.post(url, data={"part_id": "999", "quantity": "1"}).status_code == 400
    assert client.post(url, data={"part_id": str(part.id), "quantity": "1",
                                  "note": "dalle intacte"}).status_code == 302
    assert "Écran 14 pouces × 1" in client.get(url).get_data(as_text=True)
    assert db.session.get(SparePart, part.id).quantity == 1


def test_profile_admin(client, db, login_as):
    login_as("admin")
    bad = client.post("/workshop/profiles/new", data={"name": "", "software_list": "VLC"})
    assert bad.status_code == 400 and "VLC" in bad.get_data(as_text=True)
    bad = client.post("/workshop/profiles/new", data={"name": "École", "min_ram_gb": "beaucoup"})
    assert bad.status_code == 400
    created = client.post("/workshop/profiles/new", data={
        "name": "École", "device_types": ["laptop"], "min_ram_gb": "8",
        "min_storage_gb": "240", "storage_kinds": ["ssd", "nvme"], "os_names": ["primtux"],
        "software_list": "LibreOffice, GCompris", "active": "y"})
    assert created.status_code == 302
    profile = db.session.scalar(select(BuildProfile).where(BuildProfile.name == "École"))
    assert (profile.min_ram_mib, profile.software) == (8192, ["LibreOffice", "GCompris"])
    form = client.get(f"/workshop/profiles/{profile.id}").get_data(as_text=True)
    assert 'value="LibreOffice, GCompris"' in form and 'value="8"' in form
    clash = client.post("/workshop/profiles/new", data={"name": "École"})
    assert clash.status_code == 400 and "déjà" in clash.get_data(as_text=True)


def test_qa_page_form(client, db, login_as):
    login_as("technician")
    device = to_repair(make_device("laptop"))
    db.session.commit()
    url = f"/workshop/devices/{device.id}/qa"
    page = client.get(url).get_data(as_text=True)
    assert "Webcam (facultatif)" in page
    bad = client.post(url, data={"grade": "Z"})
    assert bad.status_code == 400
    partial = client.post(url, data={"grade": "C", "mark_ready": "y"}, follow_redirects=True)
    html = partial.get_data(as_text=True)
    assert "Contrôle qualité non validé : Démarrage complet du système" in html
    assert device.state == "repair" and device.grade == "C"


def test_panel_renders_inside_the_device_page(app, db):
    tech = make_user("technician")
    device = to_repair(make_device("laptop", ram_mib=8192))
    record_software(device, os_name="linux_mint", office="LibreOffice", actor_id=None,
                    now=NOW)
    pass_qa(device, grade="B")
    pack_famille()
    db.session.commit()
    with app.test_request_context(f"/devices/{device.id}"):
        login_user(tech)
        # The device page's slots: the workshop's template with the data built for its reader.
        slots = dict(device_panels.render_data(device))
        html = render_template_string("{% include template %}", device=device,
                                      template="workshop/_device_panel.html",
                                      panel=slots["workshop/_device_panel.html"])
    assert "Ranger à" in html  # a technician may shelve it from here
    assert "Atelier" in html and "B — traces d" in html
    assert "Pack famille" in html and "Stockage : SSD d&#39;au moins 120 Go requis" in html
    assert "Contrôles obligatoires validés" in html
