"""Evidence a certificate can stand on: a log attached to the wrong drive is refused with the
reason (an admin may override, in writing, and it shows); the station records one erasure per
scan however often it is scanned; nwipe's facts reach the certificate; times read in local
time on pages, PDFs and CSV, on both sides of the daylight-saving changes."""

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from refurb.core.errors import Forbidden, InvalidInput
from refurb.devices.models import DeviceEvent
from refurb.devices.scan_repeat import REPEAT_WINDOW
from refurb.documents.csv_export import french_cell
from refurb.settings import services as settings
from refurb.wiping import certificates, log_import, records, status
from refurb.wiping.log_matching import Actor, MatchRefused
from refurb.wiping.models import WipeLog, WipeRecord
from tests.factories import NOW, make_collection, make_device, make_donor, make_user
from tests.nwipe_synthetic import make_synthetic_log
from tests.wiping.helpers import WORKSHOP, fixture_bytes, make_drive, save_identity, wipe

LOOP_LOG = "nwipe01_zero_verifylast_blank.txt"  # 16 MB loop device, 1 second, no serial
METHOD = {"technique": "overwrite", "outcome": "clear", "pattern": "0x00", "passes": "1",
          "tool": "nwipe", "tool_version": "0.34", "verification": "last_pass",
          "verification_passed": "yes", "result": "passed"}
JSON = {"Accept": "application/json"}


def count(db, model=WipeRecord) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


def laptop_with_a_1tb_ssd():
    laptop = make_device(make="Dell", model="Latitude 7400")
    ssd = make_drive(laptop, kind="nvme", model="Samsung SSD 970 EVO 1TB",
                     serial="S4EWNX0R123456", capacity=10**12)
    return laptop, ssd


# --------------------------------------------------------------------- matching a log


def test_a_16_mb_log_scanned_onto_a_1_tb_laptop_is_refused_with_the_reason(client, login_as,
                                                                          db):
    login_as("technician")
    laptop, ssd = laptop_with_a_1tb_ssd()
    db.session.commit()
    log = log_import.import_nwipe_log("loop.log", fixture_bytes(LOOP_LOG), actor_id=None,
                                      now=NOW).log
    db.session.commit()
    response = client.post(f"/wiping/logs/{log.id}/drives/0/attach",
                           data={"tag": laptop.asset_tag, "kind": "nvme"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Rattachement refusé" in html
    assert "capacité différente : 16,8 Mo dans le journal, 1 To pour le support" in html
    assert "modèle différent : Loopback device dans le journal" in html
    assert count(db) == 0 and not status.drive_is_sanitized(ssd)
    assert "Rattacher" in client.get(f"/wiping/logs/{log.id}").get_data(as_text=True)


def test_a_log_of_another_serial_is_refused_through_the_service(db):
    laptop, ssd = laptop_with_a_1tb_ssd()
    text = make_synthetic_log(1, seed=11)
    log = log_import.import_nwipe_log("x.log", text.encode(), actor_id=None, now=NOW).log
    with pytest.raises(MatchRefused) as refused:
        log_import.attach_log_drive(log, 0, laptop.asset_tag, "hdd", actor=Actor(None), now=NOW)
    assert any("n° de série différent" in str(r) for r in refused.value.reasons)
    assert count(db) == 0


def test_an_import_by_serial_refuses_a_capacity_that_differs(client, login_as, db):
    login_as("technician")
    text = make_synthetic_log(1, method="Fill With Zeros", seed=3)
    serial = re.search(r"S/N=(\S+)", text).group(1)
    make_drive(make_device(), serial=serial, capacity=4 * 10**12)  # the inventory says 4 TB
    db.session.commit()
    html = client.post("/wiping/logs/import",
                       data={"files": [(io.BytesIO(text.encode()), "run.log")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "1 disque(s) à rattacher" in html and "ne correspond pas au support" in html
    assert "capacité différente" in html and "4 To pour le support" in html
    assert count(db) == 0


def test_an_override_needs_an_admin_and_a_written_reason_and_it_shows(db):
    laptop, ssd = laptop_with_a_1tb_ssd()
    collection = make_collection(make_donor(name="Banque du Nord"))
    laptop.collection_id = collection.id
    tech, admin = make_user("technician"), make_user("admin", display_name="Alex Admin")
    log = log_import.import_nwipe_log("loop.log", fixture_bytes(LOOP_LOG), actor_id=tech.id,
                                      now=NOW).log
    with pytest.raises(Forbidden, match="Seul un administrateur"):
        log_import.attach_log_drive(log, 0, laptop.asset_tag, "nvme",
                                    actor=Actor(tech.id, is_admin=False), now=NOW,
                                    override_reason="Je suis sûr que c'est le bon disque.")
    with pytest.raises(InvalidInput, match="une phrase"):
        log_import.attach_log_drive(log, 0, laptop.asset_tag, "nvme",
                                    actor=Actor(admin.id, is_admin=True), now=NOW,
                                    override_reason="ok")
    assert count(db) == 0
    reason = "Disque passé sur un boîtier USB qui annonce une mauvaise taille."
    record = log_import.attach_log_drive(log, 0, laptop.asset_tag, "nvme",
                                         actor=Actor(admin.id, is_admin=True), now=NOW,
                                         override_reason=reason)
    assert record.drive_id == ssd.id and record.match_override == reason
    assert record.override_by_id == admin.id
    assert any("capacité différente" in d for d in record.match_differences)
    event = db.session.scalar(select(DeviceEvent).where(DeviceEvent.kind == "wipe_recorded"))
    assert event.details["override"] == reason and "capacité" in event.details["differences"]
    records.validate_record(record, actor_id=make_user("admin").id, now=NOW)
    document, _ = certificates.issue_device_certificate(
        laptop, issuer=certificates.Issuer(WORKSHOP), actor_id=None, now=NOW)
    text = pdf_text(document.content)
    assert "Rattachement du journal forcé par Alex Admin" in text and reason in text
    assert "capacité différente : 16,8 Mo dans le journal, 1 To pour le support" in text


def test_the_override_field_is_offered_to_admins_only(client, login_as, db):
    log = log_import.import_nwipe_log("loop.log", fixture_bytes(LOOP_LOG), actor_id=None,
                                      now=NOW).log
    db.session.commit()
    login_as("technician")
    assert 'name="override_reason"' not in client.get(f"/wiping/logs/{log.id}").get_data(
        as_text=True)
    login_as("admin")
    assert 'name="override_reason"' in client.get(f"/wiping/logs/{log.id}").get_data(
        as_text=True)


# ------------------------------------------------------------------- nwipe's own facts


def test_nwipe_facts_reach_the_certificate(db):
    text = make_synthetic_log(1, method="DoD Short", verify="last", prng="Isaac64", seed=4)
    device_line = re.search(r"Found (/dev/\S+),", text).group(1)
    text = text.replace("Opened entropy source",
                        f"No hidden sectors on {device_line}\n[2026/11/25 09:00:00]  notice: "
                        "Opened entropy source", 1)
    found = log_import.parse_nwipe_log(text).drives[0]
    collection = make_collection(make_donor(name="Banque du Nord"))
    drive = make_drive(make_device(collection=collection), serial=found.serial,
                       model=found.model, capacity=found.size_bytes)
    [record] = log_import.import_nwipe_log("run.log", text.encode(), actor_id=None,
                                           now=NOW).recorded
    assert record.evidence["hpa_dco"] == "absent"
    assert record.evidence["bytes_erased"] == record.evidence["device_size"] == found.size_bytes
    records.validate_record(record, actor_id=make_user("admin").id, now=NOW)
    document, _ = certificates.issue_collection_certificate(
        collection, issuer=certificates.Issuer(WORKSHOP), actor_id=None, now=NOW)
    text = pdf_text(document.content)
    size = certificates.content.format_bytes(found.size_bytes)
    for fact in (f"{size} sur {size} (tout le périphérique)", "aucune zone cachée",
                 "HPA/DCO", "PRNG Isaac64", "1 tour(s)", "avec passe finale à zéro",
                 found.throughput, found.elapsed, "Vérification de la dernière passe",
                 drive.serial):
        assert fact in text, fact


# ------------------------------------------------------------------------- the station


def test_a_second_scan_changes_nothing(client, login_as, db):
    login_as("technician")
    device = make_device()
    make_drive(device)
    make_drive(device)
    db.session.commit()
    first = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag},
                        headers=JSON).get_json()
    assert first["ok"] and first["count"] == 2
    events = count(db, DeviceEvent)
    again = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag},
                        headers=JSON).get_json()
    # Read twice within seconds: the scanner's double beep.
    assert again["ok"] and again["count"] == 0 and "déjà pris en compte" in again["message"]
    assert count(db) == 2 and count(db, DeviceEvent) == events
    settings.set_value(REPEAT_WINDOW.key, "0", actor_id=None, now=NOW)  # a deliberate rescan
    db.session.commit()
    later = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag},
                        headers=JSON).get_json()
    assert later["ok"] and later["count"] == 0 and "déjà enregistré" in later["message"]
    assert count(db) == 2 and count(db, DeviceEvent) == events
    # Without JavaScript too.
    page = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag},
                       follow_redirects=True).get_data(as_text=True)
    assert "déjà enregistré" in page and count(db) == 2
    # Another method is another erasure.
    other = client.post("/wiping/station", data={**METHOD, "technique": "ata_secure_erase",
                                                 "tag": device.asset_tag}, headers=JSON)
    assert other.get_json()["count"] == 2 and count(db) == 4


def test_the_same_run_in_another_log_file_is_not_recorded_twice(db):
    text = make_synthetic_log(1, seed=21)
    found = log_import.parse_nwipe_log(text).drives[0]
    make_drive(make_device(), serial=found.serial, model=found.model, capacity=found.size_bytes)
    first = log_import.import_nwipe_log("a.log", text.encode(), actor_id=None, now=NOW)
    copy = log_import.import_nwipe_log("b.log", (text + "\n").encode(), actor_id=None, now=NOW)
    assert len(first.recorded) == 1 and copy.created and copy.recorded == []
    assert "déjà enregistré" in copy.pending[0].describe()
    assert count(db) == 1 and count(db, WipeLog) == 2


# ----------------------------------------------------------------------------- time


def test_a_manual_entry_typed_at_0900_0904_reads_0904(client, login_as, db):
    login_as("technician")
    drive = make_drive(make_device(), kind="hdd")
    db.session.commit()
    form = {**METHOD, "started_at": "2026-03-02T09:00", "finished_at": "2026-03-02T09:04",
            "pass_errors": "0", "verify_errors": "0", "fsync_errors": "0"}
    assert client.post(f"/wiping/drives/{drive.id}/records", data=form).status_code == 302
    record = db.session.scalar(select(WipeRecord))
    assert record.finished_at == datetime(2026, 3, 2, 8, 4)  # stored in UTC (winter: +1)
    page = client.get(f"/wiping/records/{record.id}").get_data(as_text=True)
    assert "09:04" in page and "10:04" not in page and "08:04" not in page


@pytest.mark.parametrize(("finished_utc", "shown"), [
    (datetime(2026, 3, 29, 0, 30), "29/03/2026 01:30"),   # before the spring change
    (datetime(2026, 3, 29, 1, 30), "29/03/2026 03:30"),   # after it
    (datetime(2026, 10, 25, 0, 30), "25/10/2026 02:30"),  # summer time, first 02:30
    (datetime(2026, 10, 25, 1, 30), "25/10/2026 02:30"),  # winter time, the second one
    (datetime(2026, 10, 25, 2, 30), "25/10/2026 03:30"),
])
def test_pages_pdfs_and_csv_show_local_time_across_dst(client, login_as, db, finished_utc,
                                                       shown):
    admin = login_as("admin")
    collection = make_collection(make_donor(name="Banque du Nord"))
    drive = make_drive(make_device(collection=collection), kind="hdd", serial="WD-DST-1")
    record = wipe(drive, operator_id=make_user("technician").id, when=finished_utc)
    records.validate_record(record, actor_id=admin.id, now=finished_utc)
    db.session.commit()
    page = client.get(f"/wiping/records/{record.id}").get_data(as_text=True)
    day, hour = shown.split()
    assert hour in page
    document, _ = certificates.issue_collection_certificate(
        collection, issuer=certificates.Issuer(WORKSHOP), actor_id=None, now=finished_utc)
    text = pdf_text(document.content)
    assert f"/ {shown}" in text  # "Début / fin": the end, in local time
    assert f"le {shown}" in text  # validated at that moment too
    assert french_cell(finished_utc) == shown


def test_nwipe_times_are_the_wiping_machines_local_time(db):
    log_text = fixture_bytes(LOOP_LOG).decode()  # 2026/11/25 17:38:21 (winter: UTC+1)
    device = make_device()
    log = log_import.import_nwipe_log("loop.log", log_text.encode(), actor_id=None, now=NOW).log
    record = log_import.attach_log_drive(log, 0, device.asset_tag, "hdd", actor=Actor(None),
                                         now=NOW)
    assert record.started_at == datetime(2026, 11, 25, 16, 38, 21)


def test_the_station_answers_with_the_workshop_time(client, login_as, db, monkeypatch):
    login_as("technician")
    device = make_device()
    make_drive(device)
    db.session.commit()
    monkeypatch.setattr("refurb.wiping.views.station.now", lambda: datetime(2026, 7, 1, 3, 38))
    body = client.post("/wiping/station", data={**METHOD, "tag": device.asset_tag},
                       headers=JSON).get_json()
    assert body["time"] == "05:38:00"


# ---------------------------------------------------------------------------- links


def test_without_public_base_url_links_use_the_host_the_request_came_in_on(app, db,
                                                                           monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "")
    save_identity()
    admin, tech = make_user("admin"), make_user("technician")
    laptop = make_device()
    record = wipe(make_drive(laptop), operator_id=tech.id)
    records.validate_record(record, actor_id=admin.id, now=NOW)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction(base_url="http://atelier.example:8443") as session:
        session["_user_id"] = str(admin.id)
        session["_fresh"] = True
    client.post(f"/wiping/devices/{laptop.id}/certificate", data={"confirm": "1"},
                base_url="http://atelier.example:8443")
    document = db.session.scalar(select(certificates.issuing.IssuedDocument))
    text = pdf_text(document.content)
    assert f"http://atelier.example:8443/verify/{document.verify_token}" in text
    assert "127.0.0.1:5000" not in text


def test_production_without_public_base_url_warns_at_start_up(tmp_path, caplog):
    from refurb import create_app

    caplog.set_level("WARNING")
    create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert any("PUBLIC_BASE_URL" in r.getMessage() for r in caplog.records)
