"""One reading of scanned codes everywhere a label is scanned: the scan box, the API, the batch
scan, the wiping station and the shelves take a tag without hyphens, in lower case, wrapped by
the scanner, or typed by a US-layout scanner on an AZERTY computer; a label read twice within
the window counts once."""

from urllib.parse import quote

from sqlalchemy import func, select

from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.wiping import drives
from refurb.wiping.models import WipeRecord
from tests.factories import NOW, make_device
from tests.wiping.helpers import make_drive
from tests.workshop.helpers import make_location

JSON = {"Accept": "application/json"}
US_ON_AZERTY = str.maketrans({"1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-",
                              "7": "è", "8": "_", "9": "ç", "0": "à", "-": ")", "]": "$"})


def manglings(tag: str) -> list[str]:
    return [tag.replace("-", ""), tag.lower(), f"]C0{tag}\r\n", f"\x02{tag}\x03",
            tag.translate(US_ON_AZERTY), f"]C0{tag}".translate(US_ON_AZERTY) + "\t"]


def test_the_scan_box_finds_a_machine_however_its_label_was_read(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    for scanned in manglings(device.asset_tag):
        response = client.get(f"/scan?q={quote(scanned)}&format=json")
        assert response.get_json() == {"found": True, "url": f"/devices/{device.id}"}, scanned
    unknown = client.get("/scan?q=" + quote("RF)éàé-)ççççç("))
    assert unknown.status_code == 404
    assert "RF-2026-999995" in unknown.get_data(as_text=True)


def test_the_scan_box_finds_shelves_and_removed_drives_the_same_way(client, db, login_as):
    login_as("technician")
    shelf = make_location()
    host = make_device()
    drive = make_drive(host)
    drives.remove_drive(drive, prefix="RF", destination="stock", actor_id=None, now=NOW)
    db.session.commit()
    for scanned in manglings(shelf.code):
        found = client.get(f"/scan?q={quote(scanned)}&format=json").get_json()
        assert found["url"].endswith(f"/workshop/locations/{shelf.id}"), scanned
    for scanned in manglings(drive.asset_tag):
        found = client.get(f"/scan?q={quote(scanned)}&format=json").get_json()
        assert found["url"] == f"/wiping/drives/{drive.id}", scanned


def test_the_batch_scan_takes_every_reading(client, db, login_as):
    login_as("technician")
    machines = [make_device() for _ in range(6)]
    for device in machines:
        devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
    db.session.commit()
    batch_url = client.post("/workshop/batch", data={"action": "apply_transition",
                                                     "parameter": "repair"}).headers["Location"]
    scanned = [manglings(d.asset_tag)[i] for i, d in enumerate(machines)]
    for text in scanned:
        item = client.post(f"{batch_url}/scan", data={"code": text},
                           headers=JSON).get_json()["items"][0]
        assert item["ok"], item
    db.session.expire_all()
    assert {d.state for d in machines} == {"repair"}


def test_the_wiping_station_takes_a_mangled_drive_tag_and_a_double_read_once(client, db,
                                                                              login_as):
    from tests.wiping.test_station import METHOD

    login_as("technician")
    host = make_device()
    drive = make_drive(host, kind="hdd")
    drives.remove_drive(drive, prefix="RF", destination="stock", actor_id=None, now=NOW)
    db.session.commit()
    first = client.post("/wiping/station", data={**METHOD, "tag": drive.asset_tag.replace(
        "-", "").lower()}, headers=JSON).get_json()
    assert first["ok"] and first["count"] == 1
    again = client.post("/wiping/station", data={**METHOD,
                                                 "tag": drive.asset_tag.translate(US_ON_AZERTY)},
                        headers=JSON).get_json()
    assert again["ok"] and again["count"] == 0
    assert again["message"] == f"{drive.asset_tag} : déjà pris en compte, rien n'a changé."
    assert db.session.scalar(select(func.count()).select_from(WipeRecord)) == 1


def test_a_shelf_label_read_twice_on_the_device_page_moves_once(client, db, login_as):
    login_as("technician")
    shelf, device = make_location(), make_device()
    db.session.commit()
    url = f"/workshop/devices/{device.id}/location"
    client.post(url, data={"location": "LOC)àààà&"})
    again = client.post(url, data={"location": "]C0loc1\r\n"}, follow_redirects=True)
    assert "LOC-0001 : déjà pris en compte, rien n&#39;a changé." in again.get_data(as_text=True)
    db.session.expire_all()
    assert device.location_id == shelf.id
    moves = db.session.scalar(select(func.count()).select_from(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == "location_changed"))
    assert moves == 1
