"""Stock locations: their own codes and labels, the scan box opens them, devices are put on
them with an event."""

import pytest
from sqlalchemy import select

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.workshop.locations import create_location, move_device, update_location
from refurb.workshop.queries.locations import get_location_by_code
from tests.factories import NOW, make_device
from tests.workshop.helpers import make_location, ready_device


def test_codes_follow_each_other(db):
    first, second = make_location("Étagère A"), make_location("Palette 1", "pallet")
    assert (first.code, second.code) == ("LOC-0001", "LOC-0002")
    with pytest.raises(InvalidInput):
        create_location(" ", "shelf", now=NOW)
    with pytest.raises(InvalidInput):
        create_location("Bac", "drawer", now=NOW)


@pytest.mark.parametrize("typed", ["LOC-0001", "loc-0001", " LOC0001\r\n", "LOC-1"])
def test_scanned_code_is_found_however_typed(db, typed):
    location = make_location()
    assert get_location_by_code(typed) == location


def test_scan_box_opens_the_location(client, db, login_as):
    login_as("technician")
    location = make_location()
    db.session.commit()
    response = client.get("/scan", query_string={"q": "loc-0001"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workshop/locations/{location.id}")
    found = client.get("/scan", query_string={"q": "LOC-0001", "format": "json"}).get_json()
    assert found == {"found": True, "url": f"/workshop/locations/{location.id}"}


def test_move_writes_an_event_and_refuses_nonsense(db):
    shelf, pallet = make_location("Étagère A"), make_location("Palette", "pallet")
    device = make_device()
    move_device(device, shelf, actor_id=None, now=NOW)
    move_device(device, pallet, actor_id=None, now=NOW)
    with pytest.raises(DomainError, match="déjà à LOC-0002"):
        move_device(device, pallet, actor_id=None, now=NOW)
    moves = db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == "location_changed")
        .order_by(DeviceEvent.id))
    assert [(e.details.get("from_location"), e.details["to_location"]) for e in moves] == [
        (None, "LOC-0001"), ("LOC-0001", "LOC-0002")]
    update_location(shelf, "Étagère A", "shelf", "", active=False)
    with pytest.raises(DomainError, match="n'est plus utilisé"):
        move_device(device, shelf, actor_id=None, now=NOW)


def test_move_from_the_device_page_by_scanning_the_shelf(client, db, login_as):
    login_as("technician")
    location, device = make_location(), make_device()
    db.session.commit()
    response = client.post(f"/workshop/devices/{device.id}/location",
                           data={"location": "loc-0001", "next": "//evil.example/"})
    assert response.headers["Location"] == f"/workshop/devices/{device.id}"
    assert device.location_id == location.id
    refused = client.post(f"/workshop/devices/{device.id}/location", data={"location": "LOC-9"},
                          follow_redirects=True)
    assert "Emplacement inconnu" in refused.get_data(as_text=True)


def test_a_refusal_reaches_an_english_reader_in_english(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    client.post("/account/language", data={"locale": "en"})
    refused = client.post(f"/workshop/devices/{device.id}/location", data={"location": "LOC-9"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Unknown location: LOC-9" in refused and "Emplacement inconnu" not in refused


def test_location_pages_and_label(client, db, login_as):
    login_as("technician")
    response = client.post("/workshop/locations/new", data={"name": "Bac RAM", "kind": "bin"})
    assert response.status_code == 302
    location = get_location_by_code("LOC-0001")
    device = make_device()
    move_device(device, location, actor_id=None, now=NOW)
    db.session.commit()
    page = client.get(f"/workshop/locations/{location.id}").get_data(as_text=True)
    assert device.asset_tag in page and "Bac RAM" in page
    label = client.get(f"/workshop/locations/{location.id}/label.pdf")
    assert label.status_code == 200 and label.data.startswith(b"%PDF")
    refused = client.post(f"/workshop/locations/{location.id}/edit",
                          data={"name": "", "kind": "bin", "notes": "gardé"})
    assert refused.status_code == 400 and "gardé" in refused.get_data(as_text=True)


def test_a_machine_that_left_is_no_longer_on_its_shelf(client, db, login_as):
    login_as("technician")
    shelf = make_location()
    staying = ready_device(location=shelf, drives=())
    leaving = ready_device(location=shelf, drives=())
    devices.transition(leaving, State.ALLOCATED, actor_id=None, now=NOW)
    db.session.commit()
    page = client.get(f"/workshop/locations/{shelf.id}").get_data(as_text=True)
    assert staying.asset_tag in page and leaving.asset_tag not in page
    assert "<td class=\"num\">1</td>" in client.get("/workshop/locations").get_data(as_text=True)
    panel = client.get(f"/workshop/devices/{leaving.id}").get_data(as_text=True)
    assert "non rangé" in panel
