"""The resources do what the web pages do, through the same use cases: a hardware report gives
the bench's device, a wipe log the import's records, labels the printing domain's files."""

from __future__ import annotations

from sqlalchemy import select

from refurb.devices.models import Device, DeviceEvent
from refurb.wiping.models import WipeLog, WipeRecord
from tests.factories import NOW, make_device
from tests.intake.helpers import FIXTURES, open_collection
from tests.intake.test_reports import confirm, send_reports
from tests.nwipe_synthetic import make_synthetic_log

LAPTOP = ("dmidecode", "Notebook-Lenovo-ThinkPad_T480_20L6S52C0L.txt")
DRIVES = [("smartctl", "nvme-Samsung_SSD_970_EVO_1TB-passed.txt"),
          ("smartctl_json", "ata-ssd-Crucial_MX500-passed.json")]
IDENTITY = ("device_type", "make", "model", "serial", "cpu", "ram_mib", "ram_slots_used",
            "chassis", "legal_status", "weight_kg", "weight_estimated", "state")
DRIVE_FIELDS = ("model", "serial", "capacity_bytes", "kind", "power_on_hours", "smart_passed")


def text(*parts: str) -> str:
    return FIXTURES.joinpath(*parts).read_text(encoding="utf-8")


def _identity(device: Device) -> tuple:
    return (tuple(getattr(device, f) for f in IDENTITY),
            sorted(tuple(getattr(d, f) for f in DRIVE_FIELDS) for d in device.drives))


def test_a_report_gives_the_device_the_bench_page_gives(client, db, login_as, token, call):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    _, values = send_reports(client, collection, [LAPTOP, *DRIVES])
    confirm(client, collection, values)
    by_web = db.session.scalar(select(Device))

    secret = token("technician", "station")
    response = call("POST", f"/api/v1/collections/{collection.id}/hardware-reports", secret,
                    json={"reports": [text(*LAPTOP), *(text(*d) for d in DRIVES)]})
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    by_api = db.session.get(Device, answer["device"]["id"])
    assert by_api.id != by_web.id
    assert _identity(by_api) == _identity(by_web)
    assert answer["added_drives"] == 2 and len(answer["drives"]) == 2
    assert response.headers["Location"] == f"/api/v1/devices/{by_api.id}"
    assert answer["device"]["web_url"].endswith(f"/devices/{by_api.id}")
    received = db.session.scalar(select(DeviceEvent).where(DeviceEvent.device_id == by_api.id))
    assert received.details["source"] == "hardware_report"


def test_a_report_without_a_chassis_needs_the_device_type(db, token, call):
    collection = open_collection()
    db.session.commit()
    secret = token("technician", "station")
    url = f"/api/v1/collections/{collection.id}/hardware-reports"
    body = {"reports": [text(*DRIVES[0])]}
    refused = call("POST", url, secret, json=body)
    assert refused.status_code == 400
    assert "device_type" in refused.get_json()["detail"]
    made = call("POST", url, secret, json={**body, "device_type": "desktop"})
    assert made.status_code == 201
    assert made.get_json()["device"]["device_type"] == "desktop"


def test_a_report_for_a_tagged_device_adds_only_the_missing_drives(db, token, call):
    device = make_device(device_type="laptop")
    db.session.commit()
    secret = token("technician", "station")
    url = f"/api/v1/devices/{device.id}/hardware-reports"
    crucial = {"reports": [text("smartctl_json", "ata-ssd-Crucial_MX500-passed.json")]}
    first = call("POST", url, secret, json=crucial).get_json()
    assert first["added_drives"] == 1 and first["refused_drives"] == []
    again = call("POST", url, secret, json=crucial).get_json()
    assert again["added_drives"] == 0
    assert [d["reason"] for d in again["refused_drives"]] == [
        "déjà enregistré sur cet appareil"]
    kinds = db.session.scalars(select(DeviceEvent.kind).where(
        DeviceEvent.device_id == device.id)).all()
    assert kinds.count("hardware_report") == 2 and kinds.count("drive_added") == 1


def test_a_log_without_serials_waits_with_the_reason(db, token, call):
    secret = token("technician", "station")
    log = text("nwipe", "nwipe06_multi3_dodshort_verifylast.txt")
    first = call("POST", "/api/v1/wipe-logs", secret,
                 json={"filename": "nwipe06.txt", "content": log})
    assert first.status_code == 201
    answer = first.get_json()
    assert answer["created"] is True and len(answer["drives"]) == 3
    assert {d["reason"] for d in answer["drives"]} == {"pas de n° de série dans le journal"}

    again = call("POST", "/api/v1/wipe-logs", secret, json={"content": log})
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert len(db.session.scalars(select(WipeLog)).all()) == 1


def test_a_log_written_on_a_tagged_host_goes_to_its_drive(db, token, call):
    collection = open_collection()
    db.session.commit()
    secret = token("technician", "station")
    made = call("POST", f"/api/v1/collections/{collection.id}/hardware-reports", secret,
                json={"reports": [text(*LAPTOP), text("smartctl", DRIVES[0][1])]}).get_json()
    host = made["device"]["asset_tag"]
    reported = made["drives"][0]
    # nwipe run on that machine: it names the drive the report described.
    log = make_synthetic_log(1, method="zero", drives_given=[(
        reported["model"], "NVME" if reported["kind"] == "nvme" else "ATA", reported["serial"],
        reported["capacity_bytes"])])
    answer = call("POST", "/api/v1/wipe-logs", secret,
                  json={"content": log, "host_tag": host}).get_json()
    [line] = answer["drives"]
    assert line["reason"] is None and line["record"]["drive_id"] == made["drives"][0]["id"]
    record = db.session.scalar(select(WipeRecord))
    assert (record.drive_id, record.source, record.log_drive_index) == (
        made["drives"][0]["id"], "nwipe", 0)
    drive = call("GET", f"/api/v1/drives/{record.drive_id}", secret).get_json()
    assert drive["sanitization"]["best_outcome"] == record.outcome


def test_labels_come_as_pdf_png_and_zpl(db, token, call):
    device = make_device()
    db.session.commit()
    secret = token("technician", "read")
    base = f"/api/v1/labels?tag={device.asset_tag}"
    pdf = call("GET", base + "&stock=a4-3x8-70x37&format=pdf", secret)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    png = call("GET", base + "&stock=a4-3x8-70x37&format=png", secret)
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    zpl = call("GET", base + "&stock=zebra-57x32-203dpi&format=zpl", secret)
    assert zpl.status_code == 200 and device.asset_tag in zpl.get_data(as_text=True)
    refused = call("GET", base + "&stock=a4-3x8-70x37&format=zpl", secret)
    assert refused.status_code == 400 and "Zebra" in refused.get_json()["detail"]
    unknown = call("GET", "/api/v1/labels?tag=RF-2026-999999&stock=a4-3x8-70x37", secret)
    assert unknown.status_code == 404
    # A file is not a print: the history says nothing.
    kinds = db.session.scalars(select(DeviceEvent.kind)).all()
    assert kinds == ["transition"]
    stocks = call("GET", "/api/v1/labels/stocks", secret).get_json()
    assert {"a4-3x8-70x37", "zebra-57x32-203dpi"} <= {s["id"] for s in stocks}


def test_scan_names_a_device_and_searches_other_text(db, token, call):
    device = make_device(model="ThinkPad T480")
    db.session.commit()
    secret = token("technician", "station")
    found = call("GET", f"/api/v1/scan?q={device.asset_tag.lower()}", secret).get_json()
    assert found["kind"] == "device" and found["device"]["id"] == device.id
    searched = call("GET", "/api/v1/scan?q=t480", secret).get_json()
    assert searched["kind"] == "search" and [d["id"] for d in searched["matches"]] == [device.id]
    literal = call("GET", "/api/v1/scan?q=100%25_\\", secret)  # no wildcard, no SQL error
    assert literal.status_code == 200 and literal.get_json()["matches"] == []


def test_lists_page_with_a_cursor(db, token, call):
    devices = [make_device() for _ in range(5)]
    db.session.commit()
    secret = token("technician", "read")
    seen, url, pages = [], "/api/v1/devices?limit=2", 0
    while url:
        response = call("GET", url, secret)
        page = response.get_json()
        seen += [d["id"] for d in page["items"]]
        pages += 1
        link = response.headers.get("Link")
        assert bool(link) == bool(page["next_cursor"])
        url = link.split(">")[0].lstrip("<") if link else None
    assert pages == 3 and seen == sorted((d.id for d in devices), reverse=True)
    assert call("GET", "/api/v1/devices?cursor=nonsense", secret).status_code == 400


def test_collections_are_planned_and_moved_on(db, token, call):
    from tests.factories import make_donor

    donor = make_donor()
    db.session.commit()
    secret = token("technician", "write")
    made = call("POST", "/api/v1/collections", secret,
                json={"donor_id": donor.id, "pickup_site": "Siège", "planned_on": "2026-04-01"})
    assert made.status_code == 201
    collection = made.get_json()
    assert collection["state"] == "planned" and collection["number"].startswith("COL-")
    moved = call("POST", f"/api/v1/collections/{collection['id']}/state", secret,
                 json={"target": "collected"})
    assert moved.get_json()["state"] == "collected"
    skipped = call("POST", f"/api/v1/collections/{collection['id']}/state", secret,
                   json={"target": "closed"})
    assert skipped.status_code == 409
    listed = call("GET", "/api/v1/collections?state=collected", secret).get_json()
    assert [c["id"] for c in listed["items"]] == [collection["id"]]


def test_report_figures_hide_people_from_the_workshop(db, token, call):
    from refurb.devices.services import transition

    device = make_device(now=NOW)
    transition(device, "diagnosis", actor_id=None, now=NOW)
    db.session.commit()
    technician = call("GET", "/api/v1/reports/figures?year=2026",
                      token("technician", "read")).get_json()
    assert technician["devices_by_state"] == {"diagnosis": 1}
    assert technician["transitions"]["received"] == 1
    social = call("GET", "/api/v1/reports/figures?year=2026",
                  token("social_worker", "read")).get_json()
    assert len(social["key_figures"]) == len(technician["key_figures"]) + 2


def test_weee_batches_are_listed_with_their_items(db, token, call):
    from refurb.weee.batches import open_batch

    batch = open_batch(container="pallet", label="Palette 1", actor_id=None, now=NOW)
    db.session.commit()
    secret = token("technician", "read")
    listed = call("GET", "/api/v1/weee/batches", secret).get_json()
    assert [b["number"] for b in listed["items"]] == [batch.number]
    shown = call("GET", f"/api/v1/weee/batches/{batch.id}", secret).get_json()
    assert shown["items"] == [] and shown["state"] == "open"


def test_a_note_enters_the_history(db, token, call):
    device = make_device()
    db.session.commit()
    secret = token("technician", "write")
    note = call("POST", f"/api/v1/devices/{device.id}/notes", secret, json={"note": "Écran rayé"})
    assert note.status_code == 201
    history = call("GET", f"/api/v1/devices/{device.id}/history", secret).get_json()
    assert [(e["kind"], e["reason"]) for e in history][0] == ("note", "Écran rayé")
