"""nwipe logs: web upload (several files at once) and CLI; the same file twice changes nothing;
drives matched by serial, the others attached by scanning a tag."""

import io
import json

from sqlalchemy import func, select

from refurb.core.nwipe import parse_nwipe_log
from refurb.devices.models import Drive
from refurb.wiping import drives, log_import, status
from refurb.wiping.log_matching import Actor
from refurb.wiping.models import WipeLog, WipeRecord
from tests.factories import NOW, make_device, make_user
from tests.nwipe_synthetic import make_synthetic_log
from tests.wiping.helpers import FIXTURES, fixture_bytes, make_drive

FIXTURE_NAMES = sorted(p.name for p in FIXTURES.glob("*.txt"))


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(client, *files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/wiping/logs/import", data=data, content_type="multipart/form-data")


def inventory_for(db, text: str, kind: str = "hdd"):
    """Devices holding the drives a synthetic log wiped (same serials)."""
    drives = []
    for found in parse_nwipe_log(text).drives:
        device = make_device()
        drives.append(make_drive(device, kind=kind, serial=found.serial, model=found.model,
                                 capacity=found.size_bytes))
    db.session.commit()
    return drives


def test_fixture_logs_upload_together_and_twice_changes_nothing(client, login_as, db):
    login_as("technician")
    files = [(name, fixture_bytes(name)) for name in FIXTURE_NAMES]
    first = upload(client, *files)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    # Loop devices have no serial: every drive waits to be attached to a scanned tag.
    assert html.count("pas de n° de série dans le journal") == 7
    assert count(db, WipeLog) == 4 and count(db, WipeRecord) == 0
    again = upload(client, *files).get_data(as_text=True)
    assert again.count("déjà importé —") == 4
    assert count(db, WipeLog) == 4 and count(db, WipeRecord) == 0


def test_drives_matched_by_serial_are_recorded(client, login_as, db):
    user = login_as("technician")
    text = make_synthetic_log(3, method="DoD Short", verify="last", seed=7, failed=[2])
    drives = inventory_for(db, text)
    html = upload(client, ("run.log", text.encode())).get_data(as_text=True)
    assert "3 effacement(s) enregistré(s)" in html
    records = db.session.scalars(select(WipeRecord).order_by(WipeRecord.log_drive_index)).all()
    assert [r.drive_id for r in records] == [d.id for d in drives]
    assert [r.result for r in records] == ["passed", "passed", "failed"]
    first = records[0]
    assert (first.source, first.tool, first.tool_version) == ("nwipe", "nwipe", "0.33")
    assert first.technique == "overwrite" and first.outcome == "clear" and first.passes == 4
    assert first.verification == "last_pass" and first.verification_passed is True
    assert first.operator_id == user.id and first.host_asset_tag == drives[0].device.asset_tag
    statuses = status.statuses(drives)
    assert [s.passing for s in statuses.values()] == [True, True, False]
    assert statuses[drives[2].id].must_destroy
    # The original log stays attached to the record, downloadable from it.
    page = client.get(f"/wiping/records/{first.id}").get_data(as_text=True)
    assert "run.log" in page and f"/wiping/logs/{first.log_id}/download" in page
    download = client.get(f"/wiping/logs/{first.log_id}/download")
    assert download.data == text.encode()
    # Twice: nothing new.
    assert "déjà importé —" in upload(client, ("copie.log", text.encode())).get_data(as_text=True)
    assert count(db, WipeRecord) == 3


def test_ssd_overwritten_by_nwipe_counts_as_clear_only(db):
    text = make_synthetic_log(1, method="Fill With Zeros", seed=3)
    [drive] = inventory_for(db, text, kind="ssd")
    outcome = log_import.import_nwipe_log("ssd.log", text.encode(), actor_id=None, now=NOW)
    [record] = outcome.recorded
    assert record.outcome == "clear" and record.media_kind == "ssd"


def test_unmatched_drive_attached_by_scanning_a_device_tag(client, login_as, db):
    login_as("technician")
    upload(client, ("n06.txt", fixture_bytes("nwipe06_multi3_dodshort_verifylast.txt")))
    log = db.session.scalar(select(WipeLog))
    device = make_device()
    db.session.commit()
    page = client.get(f"/wiping/logs/{log.id}").get_data(as_text=True)
    assert page.count("Rattacher") == 3
    response = client.post(f"/wiping/logs/{log.id}/drives/1/attach",
                           data={"tag": device.asset_tag.lower(), "kind": "hdd"})
    assert response.status_code == 302
    [record] = db.session.scalars(select(WipeRecord)).all()
    drive = db.session.get(Drive, record.drive_id)
    assert drive.device_id == device.id and drive.model == "Loopback device"
    assert drive.capacity_bytes == 16777216 and record.log_drive_index == 1
    assert record.result == "passed" and record.outcome == "clear"
    # The same log drive cannot be attached twice.
    client.post(f"/wiping/logs/{log.id}/drives/1/attach",
                data={"tag": device.asset_tag, "kind": "hdd"})
    assert count(db, WipeRecord) == 1
    assert client.get(f"/wiping/logs/{log.id}").get_data(as_text=True).count("Rattacher") == 2


def test_attach_to_a_removed_drive_tag(client, login_as, db):
    login_as("technician")
    drive = make_drive(make_device(), serial=None, model="Loopback device", capacity=16777216)
    drives.remove_drive(drive, prefix="RF", destination="", actor_id=None, now=NOW)
    db.session.commit()
    upload(client, ("n01.txt", fixture_bytes("nwipe01_zero_verifylast_blank.txt")))
    log = db.session.scalar(select(WipeLog))
    client.post(f"/wiping/logs/{log.id}/drives/0/attach", data={"tag": drive.asset_tag,
                                                                 "kind": "ssd"})
    [record] = db.session.scalars(select(WipeRecord)).all()
    assert record.drive_id == drive.id and record.host_asset_tag == ""
    assert status.drive_is_sanitized(drive)


def test_attach_refuses_unknown_tags_and_bad_indexes(client, login_as, db):
    login_as("technician")
    upload(client, ("n01.txt", fixture_bytes("nwipe01_zero_verifylast_blank.txt")))
    log = db.session.scalar(select(WipeLog))
    for index, tag in ((0, "RF-2026-999999"), (0, "n'importe quoi"), (9, "RF-2026-000001")):
        response = client.post(f"/wiping/logs/{log.id}/drives/{index}/attach",
                               data={"tag": tag, "kind": "hdd"}, follow_redirects=True)
        assert response.status_code in (200, 404)
    assert count(db, WipeRecord) == 0


def test_serial_mismatch_with_a_drive_tag_is_refused(db):
    text = make_synthetic_log(1, seed=11)
    log = log_import.import_nwipe_log("x.log", text.encode(), actor_id=None, now=NOW).log
    other = make_drive(make_device(), serial="NOT-THE-SAME")
    drives.remove_drive(other, prefix="RF", destination="", actor_id=None, now=NOW)
    try:
        log_import.attach_log_drive(log, 0, other.asset_tag, "hdd", actor=Actor(None), now=NOW)
    except Exception as error:  # noqa: BLE001
        assert "ne correspond pas" in str(getattr(error, "message", error))
    else:
        raise AssertionError("attached a drive with another serial")


def test_verify_only_and_aborted_runs_do_not_count(db):
    device = make_device()
    outcome10 = log_import.import_nwipe_log(
        "n10", fixture_bytes("nwipe10_multi2_verify_one_mixed_result.txt"), actor_id=None, now=NOW)
    outcome08 = log_import.import_nwipe_log(
        "n08", fixture_bytes("nwipe08_aborted_sigint_dod522022m_512M.txt"), actor_id=None, now=NOW)
    blank = log_import.attach_log_drive(outcome10.log, 0, device.asset_tag, "hdd",
                                        actor=Actor(None), now=NOW)
    assert blank.technique == "verify_only" and blank.outcome is None
    drive = db.session.get(Drive, blank.drive_id)
    current = status.statuses([drive])[drive.id]
    assert not current.passing and "une vérification seule n'efface pas le support" in current.reasons
    # The fixtures wiped loop devices of different sizes: an admin vouches it is one drive.
    admin = make_user("admin")
    aborted = log_import.attach_log_drive(
        outcome08.log, 0, device.asset_tag, "hdd", actor=Actor(admin.id, is_admin=True),
        now=NOW, override_reason="Même disque, relancé sur une autre image de test.")
    assert aborted.result == "aborted" and aborted.drive_id == drive.id
    assert not status.drive_is_sanitized(drive)


def test_junk_upload_is_refused_without_a_500(client, login_as, db):
    login_as("technician")
    html = upload(client, ("photo.jpg", b"\xff\xd8\xff\xe0 not a log"), ("vide.txt", b""),
                  ("n01.txt", fixture_bytes("nwipe01_zero_verifylast_blank.txt")))
    text = html.get_data(as_text=True)
    assert html.status_code == 200
    assert "aucun disque trouvé" in text and "fichier vide" in text
    assert count(db, WipeLog) == 1
    assert client.post("/wiping/logs/import", data={}).status_code == 200


def test_cli_parse_prints_one_json_object_per_drive(app):
    runner = app.test_cli_runner()
    path = FIXTURES / "nwipe06_multi3_dodshort_verifylast.txt"
    result = runner.invoke(args=["wipe", "parse-nwipe", str(path)])
    assert result.exit_code == 0, result.output
    drives = json.loads(result.stdout)
    assert [d["device"] for d in drives] == ["/dev/loop0", "/dev/loop1", "/dev/loop2"]
    assert set(drives[0]) == {"device", "model", "serial", "size_bytes", "method", "verify",
                              "status", "started", "finished", "errors"}
    assert drives[0]["method"] == "DoD Short" and drives[0]["status"] == "erased"


def test_cli_import_twice_changes_nothing(app, db, tmp_path):
    operator = make_user("technician", email="op@atelier.example")
    operator_id = operator.id
    text = make_synthetic_log(2, seed=5)
    inventory_for(db, text)
    path = tmp_path / "shredos.log"
    path.write_text(text)
    fixture = FIXTURES / "nwipe01_zero_verifylast_blank.txt"
    runner = app.test_cli_runner()
    args = ["wipe", "import-nwipe", str(path), str(fixture), "--operator", operator.email]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "2 effacement(s) enregistré(s)" in first.output
    assert "1 disque(s) à rattacher" in first.output
    second = runner.invoke(args=args)
    assert second.output.count("déjà importé") == 2
    db.session.remove()
    assert count(db, WipeRecord) == 2 and count(db, WipeLog) == 2
    assert db.session.scalar(select(WipeRecord.operator_id).limit(1)) == operator_id


def test_same_log_racing_in_another_transaction_is_already_imported(db, monkeypatch):
    """Two workers import the same file at once: the unique SHA-256 makes the second a no-op."""
    data = fixture_bytes("nwipe01_zero_verifylast_blank.txt")
    log_import.import_nwipe_log("first.txt", data, actor_id=None, now=NOW)
    db.session.commit()
    # The second worker did its "already imported?" check before the first committed.
    original = log_import.queries.get_log_by_sha
    calls = []

    def stale_then_real(sha):
        calls.append(sha)
        return None if len(calls) == 1 else original(sha)

    monkeypatch.setattr(log_import.queries, "get_log_by_sha", stale_then_real)
    outcome = log_import.import_nwipe_log("second.txt", data, actor_id=None, now=NOW)
    assert not outcome.created and outcome.log.filename == "first.txt"
    db.session.commit()
    assert count(db, WipeLog) == 1
