from datetime import datetime

from refurb.devices import services
from tests.factories import make_device


def test_scan_known_tag_answers_the_device_page_at_once(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    response = client.get(f"/scan?q={device.asset_tag.lower()}%0D")
    # One round trip: the device page itself, naming its own address for the browser.
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert device.asset_tag in page and "Historique" in page
    assert response.headers["Link"] == f'</devices/{device.id}>; rel="canonical"'
    assert f'data-canonical-url="/devices/{device.id}"' in page
    # The same page as at its own address, not the scan page's larger controls.
    assert '<body class="">' in page
    own = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert "data-canonical-url" not in own
    assert own.count("<section") == page.count("<section") > 1  # every panel
    # The scan box's script still gets the address alone.
    found = client.get(f"/scan?q={device.asset_tag}&format=json").json
    assert found == {"found": True, "url": f"/devices/{device.id}"}


def test_forms_of_a_scanned_device_page_come_back_to_its_own_address(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    page = client.get(f"/scan?q={device.asset_tag}").get_data(as_text=True)
    assert f'name="next" value="/devices/{device.id}"' in page
    assert 'name="next" value="/scan"' not in page


def test_scan_unknown_tag_answers_with_a_clear_message(client, db, login_as):
    login_as("technician")
    response = client.get("/scan?q=RF-2026-999999&format=json")
    assert response.status_code == 404
    assert response.json == {"found": False,
                             "message": "Numéro d'inventaire inconnu : RF-2026-999999"}
    page = client.get("/scan?q=RF-2026-999999")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "Numéro d&#39;inventaire inconnu" in html
    assert 'value="RF-2026-999999"' in html  # what was scanned stays in the box


def test_scan_text_searches_serial_make_and_model(client, db, login_as):
    login_as("technician")
    hit = make_device(serial="5CG7281XYZ", make="HP", model="EliteBook 840 G4")
    other = make_device(serial="ABC", make="Lenovo", model="ThinkPad T480")
    db.session.commit()
    for query in ("281xy", "elitebook", "HP"):
        html = client.get(f"/scan?q={query}").get_data(as_text=True)
        assert hit.asset_tag in html and other.asset_tag not in html
    json = client.get("/scan?q=281xy&format=json").json
    assert json["found"] is False and "q=281xy" in json["url"]


def test_device_page_shows_history_and_next_states_with_reasons(client, db, login_as):
    tech = login_as("technician")
    device = make_device(actor_id=tech.id)
    services.transition(device, "diagnosis", actor_id=tech.id, now=datetime(2026, 3, 2, 10))
    db.session.commit()
    html = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert "Réceptionné → En diagnostic" in html or "En diagnostic" in html
    assert tech.display_name in html
    # Allowed manual steps are buttons; flow-only ones explain where they happen.
    assert 'value="wiping"' in html and 'value="to_dispose"' in html


def test_transition_through_the_page_writes_the_event(client, db, login_as):
    tech = login_as("technician")
    device = make_device()
    db.session.commit()
    response = client.post(f"/devices/{device.id}/transition", data={"target": "diagnosis"})
    assert response.status_code == 302
    db.session.refresh(device)
    assert device.state == "diagnosis"
    from refurb.devices.queries import get_history
    assert get_history(device.id)[0].actor_id == tech.id


def test_refused_transition_is_explained(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    response = client.post(f"/devices/{device.id}/transition", data={"target": "ready"},
                           follow_redirects=True)
    assert "impossible" in response.get_data(as_text=True)
    db.session.refresh(device)
    assert device.state == "received"


def test_social_worker_sees_devices_but_cannot_change_them(client, db, login_as):
    login_as("social_worker")
    device = make_device()
    db.session.commit()
    assert client.get(f"/devices/{device.id}").status_code == 200
    assert client.post(f"/devices/{device.id}/transition",
                       data={"target": "diagnosis"}).status_code == 403


def test_device_list_does_not_grow_queries_with_rows(client, db, login_as):
    from tests.querycount import count_queries

    login_as("technician")
    for _ in range(3):
        make_device()
    db.session.commit()
    with count_queries() as few:
        client.get("/devices")
    for _ in range(30):
        make_device()
    db.session.commit()
    with count_queries() as many:
        assert "RF-2026" in client.get("/devices").get_data(as_text=True)
    assert len(many) == len(few)


def test_device_list_reads_no_drive(client, db, login_as):
    """A list page shows tag, type, model, serial, state and date: the devices' drives (which
    a device loads with itself elsewhere) are not read, whatever the number of rows."""
    from refurb.devices.models import Drive
    from tests.querycount import count_queries

    login_as("technician")
    for index in range(5):
        device = make_device()
        db.session.flush()
        db.session.add(Drive(device_id=device.id, serial=f"WD-LIST-{index}", kind="hdd",
                             created_at=device.created_at))
    db.session.commit()
    with count_queries() as statements:
        page = client.get("/devices").get_data(as_text=True)
    assert page.count("RF-2026") >= 5
    assert not [s for s in statements if "FROM drives" in s]
