"""Software installation records; Windows licence keys stay masked in every list and are shown
only on a POST by the workshop, which is logged on the device."""

import pytest
from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.devices.models import DeviceEvent
from refurb.workshop.software import record_software
from tests.access import status_for_roles
from tests.factories import NOW, make_device
from tests.workshop.helpers import ready_device, to_repair

KEY = "7KX2P-QW3RT-YH8JN-M4B6V-C9D2F"


def events(db, device, kind):
    return list(db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == kind).order_by(DeviceEvent.id)))


def windows_device(db):
    device = to_repair(make_device("laptop"))
    install = record_software(device, os_name="windows", os_version="10 Pro",
                              office="LibreOffice", other_software="Firefox; VLC",
                              licence_key=KEY.replace("-", "").lower(), actor_id=None,
                              now=NOW)
    db.session.commit()
    return device, install


def test_free_software_record_and_its_event(db):
    device = to_repair(make_device("desktop"))
    install = record_software(device, os_name="linux_mint", os_version="22.1",
                              office="LibreOffice", other_software="Firefox, GIMP",
                              actor_id=None, now=NOW)
    assert install.software == ["LibreOffice", "Firefox", "GIMP"]
    assert install.software_keys == "|libreoffice|firefox|gimp|"
    [event] = events(db, device, "software_installed")
    assert event.details["os"] == "Linux Mint 22.1"
    assert "licence_key" not in event.details


def test_windows_needs_a_well_formed_key(db):
    device = to_repair(make_device())
    with pytest.raises(InvalidInput, match="clé de licence"):
        record_software(device, os_name="windows", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="25 caractères"):
        record_software(device, os_name="windows", licence_key="1234",
                        actor_id=None, now=NOW)


def test_key_is_normalised_masked_and_never_in_history(db):
    device, install = windows_device(db)
    assert install.licence_key == KEY
    assert install.masked_key == "•••••-•••••-•••••-•••••-C9D2F"
    for event in db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device.id)):
        assert KEY not in str(event.details)


def test_key_never_appears_in_list_pages(client, db, login_as):
    login_as("technician")
    device, _install = windows_device(db)
    stocked = ready_device("laptop", os_name="windows")
    db.session.commit()
    for url in (f"/workshop/devices/{device.id}", f"/workshop/devices/{device.id}/software",
                f"/devices/{device.id}", "/workshop/stock", f"/devices/{stocked.id}",
                f"/workshop/devices/{stocked.id}"):
        html = client.get(url).get_data(as_text=True)
        assert KEY not in html and "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE" not in html, url
    assert "•••••-C9D2F" in client.get(f"/workshop/devices/{device.id}").get_data(as_text=True)


def test_reveal_is_a_logged_post(app, client, db, login_as):
    tech = login_as("technician")
    device, install = windows_device(db)
    url = f"/workshop/software/{install.id}/reveal"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert KEY in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [event] = events(db, device, "licence_key_revealed")
    assert event.actor_id == tech.id and event.details == {"software_install_id": install.id}
    results = status_for_roles(app, url, method="POST")
    assert results["admin"] == 200 and results["technician"] == 200
    assert results["social_worker"] == 403 and results["donor"] == 403
    assert results["anonymous"] == 302
    assert len(events(db, device, "licence_key_revealed")) == 3  # tech, then admin and tech


def test_reveal_needs_the_csrf_token(app, db):
    device, install = windows_device(db)
    app.config["WTF_CSRF_ENABLED"] = True  # the test app runs without CSRF: switch it on
    try:
        results = status_for_roles(app, f"/workshop/software/{install.id}/reveal",
                                   roles=("technician",), method="POST")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert results["technician"] == 400
    assert events(db, device, "licence_key_revealed") == []


def test_software_form_keeps_typed_values(client, db, login_as):
    login_as("technician")
    device = to_repair(make_device())
    db.session.commit()
    response = client.post(f"/workshop/devices/{device.id}/software", data={
        "os_name": "windows", "os_version": "11", "office": "LibreOffice",
        "other_software": "Thunderbird", "licence_key": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "clé de licence reconditionneur" in html and "Thunderbird" in html
