"""Wiping station: method chosen once, then tag after tag, answered in JSON (scanner + Enter)
or by a plain form post without JavaScript."""

from sqlalchemy import func, select

from refurb.wiping import drives, status
from refurb.wiping.models import WipeRecord
from tests.factories import NOW, make_device
from tests.wiping.helpers import make_drive

METHOD = {"technique": "overwrite", "outcome": "clear", "pattern": "0x00", "passes": "1",
          "tool": "nwipe", "tool_version": "0.34", "verification": "last_pass",
          "verification_passed": "yes", "result": "passed"}
JSON = {"Accept": "application/json"}


def records(db):
    return db.session.scalar(select(func.count()).select_from(WipeRecord))


def test_scans_record_every_drive_behind_each_tag(client, login_as, db):
    user = login_as("technician")
    laptop, desktop = make_device(), make_device("desktop")
    make_drive(laptop, kind="ssd")
    make_drive(desktop)
    make_drive(desktop)
    db.session.commit()
    for device, expected in ((laptop, 1), (desktop, 2)):
        response = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag + "\r\n"},
                               headers=JSON)
        body = response.get_json()
        assert response.status_code == 200 and body["ok"] and body["count"] == expected
        assert "supports en règle" in body["message"]
    assert records(db) == 3
    assert set(db.session.scalars(select(WipeRecord.operator_id))) == {user.id}
    assert set(db.session.scalars(select(WipeRecord.source))) == {"station"}


def test_station_refusals_come_back_as_json(client, login_as, db):
    login_as("technician")
    empty = make_device()
    ssd = make_device()
    make_drive(ssd, kind="ssd", serial="S3Z-STATION")
    db.session.commit()
    cases = (
        ({**METHOD, "tag": "RF-2026-999999"}, "inconnu"),
        ({**METHOD, "tag": empty.asset_tag}, "aucun support"),
        ({**METHOD, "outcome": "purge", "tag": ssd.asset_tag}, "ne vaut qu"),
        ({**METHOD, "tag": ""}, "incomplet"),
        ({"tag": ssd.asset_tag}, "incomplet"),
    )
    for data, expected in cases:
        response = client.post("/wiping/station", data=data, headers=JSON)
        body = response.get_json()
        assert response.status_code in (400, 409) and not body["ok"]
        assert expected in (body["message"] + " ".join(body.get("reasons", []))), expected
    assert records(db) == 0


def test_station_without_javascript_keeps_the_method(client, login_as, db):
    login_as("technician")
    device = make_device()
    make_drive(device)
    db.session.commit()
    response = client.post("/wiping/station", data={**METHOD, "technique": "ata_secure_erase",
                                                    "outcome": "purge", "tag": device.asset_tag})
    assert response.status_code == 302
    assert "technique=ata_secure_erase" in response.location and "tag=" not in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert '<option selected value="ata_secure_erase">' in page or \
        'value="ata_secure_erase" selected' in page
    assert "1 effacement(s) enregistré(s)" in page
    assert records(db) == 1


def test_removed_drive_tag_works_in_the_station_and_the_scan_box(client, login_as, db):
    login_as("technician")
    drive = make_drive(make_device(), serial="WD-LOOSE")
    drives.remove_drive(drive, prefix="RF", destination="", actor_id=None, now=NOW)
    db.session.commit()
    scan = client.get("/scan", query_string={"q": drive.asset_tag.lower(), "format": "json"})
    assert scan.get_json() == {"found": True, "url": f"/wiping/drives/{drive.id}"}
    client.post("/wiping/station", data={**METHOD, "technique": "shred", "outcome": "destroy",
                                         "verification": "none", "tag": drive.asset_tag},
                headers=JSON)
    assert status.drive_is_sanitized(drive)


def test_station_page_loads_the_vendored_script(client, login_as, db):
    login_as("technician")
    page = client.get("/wiping/station").get_data(as_text=True)
    assert "/static/js/wiping.js" in page and "data-wiping-station" in page
    assert client.get("/static/js/wiping.js").status_code == 200


def test_add_and_remove_drive_through_the_web(client, login_as, db):
    login_as("technician")
    device = make_device()
    db.session.commit()
    response = client.post(f"/wiping/devices/{device.id}/drives/new",
                           data={"model": "Crucial MX500", "serial": "CT-1", "capacity_gb": "500",
                                 "kind": "ssd"})
    assert response.status_code == 302
    [drive] = device.drives
    assert (drive.kind, drive.capacity_bytes) == ("ssd", 500 * 10**9)
    bad = client.post(f"/wiping/devices/{device.id}/drives/new",
                      data={"kind": "floppy", "capacity_gb": "-1"})
    assert bad.status_code == 200 and len(device.drives) == 1
    client.post(f"/wiping/drives/{drive.id}/remove", data={"destination": "stock"})
    db.session.refresh(drive)
    assert drive.device_id is None and drive.asset_tag
    page = client.get(f"/wiping/drives/{drive.id}").get_data(as_text=True)
    assert drive.asset_tag in page and "label.pdf" in page
    label = client.get(f"/wiping/drives/{drive.id}/label.pdf")
    assert label.status_code == 200 and label.data.startswith(b"%PDF")
    history = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert "Support de stockage ajouté" in history and "Support de stockage retiré" in history
