"""Who may open what: every wiping endpoint × role."""

import pytest

from refurb.wiping import drives, log_import
from tests.access import assert_only
from tests.factories import NOW, make_collection, make_device
from tests.wiping.helpers import fixture_bytes, make_drive, wipe

READ = ("admin", "technician", "social_worker")
WORK = ("admin", "technician")


@pytest.fixture
def things(db):
    collection = make_collection()
    device = make_device(collection=collection)
    drive = make_drive(device)
    record = wipe(drive)
    removed = make_drive(device)
    drives.remove_drive(removed, prefix="RF", destination="", actor_id=None, now=NOW)
    wipe(removed, technique="shred", outcome="destroy", verification="none",
         verification_passed=None, passes=None)
    log = log_import.import_nwipe_log("n01.txt", fixture_bytes("nwipe01_zero_verifylast_blank.txt"),
                                      actor_id=None, now=NOW).log
    db.session.commit()
    return {"device": device, "drive": drive, "record": record, "log": log,
            "collection": collection, "removed": removed}


def test_every_wiping_endpoint_is_covered(app):
    rules = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("wiping.")}
    tested = {"station", "station_scan", "list_records", "show_record", "validate_record",
              "list_drives", "show_drive", "record_manual", "remove_drive", "drive_label",
              "add_drive", "list_logs", "import_logs", "show_log", "download_log",
              "attach_log_drive", "device_certificate", "collection_status",
              "collection_certificate", "certificates_due"}
    assert rules == {f"wiping.{name}" for name in tested}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("wiping."):
            assert app.view_functions[rule.endpoint].allowed_roles, rule.endpoint


@pytest.mark.parametrize(("url", "allowed"), [
    ("/wiping/station", WORK),
    ("/wiping/records", READ),
    ("/wiping/records/{record}", READ),
    ("/wiping/drives", READ),
    ("/wiping/drives/{drive}", READ),
    ("/wiping/drives/{removed}/label.pdf", WORK),
    ("/wiping/devices/{device}/drives/new", WORK),
    ("/wiping/logs", READ),
    ("/wiping/logs/import", WORK),
    ("/wiping/logs/{log}", READ),
    ("/wiping/logs/{log}/download", WORK),
    ("/wiping/collections/{collection}", WORK),
    ("/wiping/devices/{device}/certificate", WORK),
    ("/wiping/certificates/due", WORK),
])
def test_pages(app, things, url, allowed):
    ids = {k: v.id for k, v in things.items()}
    assert_only(app, url.format(**ids), allowed)


METHOD = {"technique": "shred", "outcome": "destroy", "verification": "none",
          "verification_passed": "", "result": "passed", "pattern": "", "tool": "broyeur"}


@pytest.mark.parametrize("url", [
    "/wiping/records/{record}/validate",
    "/wiping/drives/{drive}/remove",
    "/wiping/devices/{device}/drives/new",
    "/wiping/logs/import",
    "/wiping/logs/{log}/drives/0/attach",
    "/wiping/devices/{device}/certificate",
    "/wiping/collections/{collection}/certificate",
])
def test_actions_are_for_the_workshop(app, things, url):
    ids = {k: v.id for k, v in things.items()}
    assert_only(app, url.format(**ids), WORK, method="POST", data={})


@pytest.mark.parametrize("url", ["/wiping/station", "/wiping/drives/{drive}/records"])
def test_recording_is_for_the_workshop(app, things, url):
    ids = {k: v.id for k, v in things.items()}
    data = {**METHOD, "tag": things["device"].asset_tag}
    assert_only(app, url.format(**ids), WORK, method="POST", data=data)


