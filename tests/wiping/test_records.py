"""Wipe records: the core refuses nonsense, records are append-only, validation is a second
person accepting the outcome."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from refurb.append_only import AppendOnlyViolation
from refurb.core.errors import InvalidInput
from refurb.devices.models import DeviceEvent
from refurb.wiping import drives, log_import, records, status
from refurb.wiping.models import WipeRecord
from tests.factories import NOW, make_device, make_user
from tests.wiping.helpers import fixture_bytes, make_drive, wipe


def test_purge_claimed_for_ssd_overwrite_is_refused(db):
    drive = make_drive(make_device(), kind="ssd")
    with pytest.raises(InvalidInput) as refused:
        wipe(drive, outcome="purge")
    assert "ne vaut qu'un « Effacement (Clear) »" in " ".join(refused.value.reasons)
    assert db.session.scalar(select(WipeRecord.id)) is None


@pytest.mark.parametrize(("kind", "technique", "outcome"), [
    ("ssd", "degauss", "purge"),        # degaussing does nothing to flash
    ("hdd", "nvme_format", "purge"),    # not an NVMe drive
    ("hdd", "shred", "clear"),          # physical technique = destroy
    ("hdd", "overwrite", "destroy"),    # an overwrite destroys nothing
    ("hdd", "overwrite", None),         # no outcome claimed
])
def test_other_nonsense_is_refused(db, kind, technique, outcome):
    drive = make_drive(make_device(), kind=kind)
    with pytest.raises(InvalidInput):
        wipe(drive, technique=technique, outcome=outcome)


def test_failed_attempt_is_recorded_but_does_not_count(db):
    drive = make_drive(make_device())
    record = wipe(drive, result="failed", errors=3)
    assert record.id and record.pass_errors == 3
    current = status.statuses([drive])[drive.id]
    assert not current.passing and current.must_destroy


def test_wipe_writes_an_event_on_the_host_device(db):
    tech = make_user("technician")
    device = make_device()
    drive = make_drive(device, serial="WD-EVT")
    record = wipe(drive, operator_id=tech.id)
    event = db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == "wipe_recorded")).one()
    assert event.details["record"] == record.id and "WD-EVT" in event.details["drive"]
    assert record.host_asset_tag == device.asset_tag and record.operator_id == tech.id


def test_records_cannot_be_changed_or_deleted_by_the_orm(db):
    record = wipe(make_drive(make_device()))
    db.session.commit()
    record.result = "failed"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(WipeRecord, record.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE wipe_records SET result = 'failed'",
    "DELETE FROM wipe_records",
    "UPDATE wipe_logs SET filename = 'x'",
    "DELETE FROM drive_removals",
])
def test_database_refuses_changes_to_sanitization_history(db, statement):
    drive = make_drive(make_device())
    wipe(drive)
    drives.remove_drive(drive, prefix="RF", destination="", actor_id=None, now=NOW)
    log_import.import_nwipe_log("a.log", fixture_bytes("nwipe01_zero_verifylast_blank.txt"),
                                actor_id=None, now=NOW)
    db.session.commit()
    with pytest.raises(DatabaseError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_validation_by_a_second_person(db):
    operator, validator = make_user("technician"), make_user("admin")
    drive = make_drive(make_device())
    record = wipe(drive, operator_id=operator.id)
    with pytest.raises(InvalidInput, match="autre personne"):
        records.validate_record(record, actor_id=operator.id, now=NOW)
    status.statuses([drive])  # the record is loaded, without validation…
    records.validate_record(record, actor_id=validator.id, now=NOW, note="contrôle visuel")
    assert status.statuses([drive])[drive.id].validated  # …and seen validated at once
    db.session.commit()
    assert status.statuses([drive])[drive.id].validated
    with pytest.raises(InvalidInput, match="déjà validé"):
        records.validate_record(record, actor_id=make_user("admin").id, now=NOW)


def test_a_failed_wipe_cannot_be_validated(db):
    record = wipe(make_drive(make_device()), result="aborted", verification_passed=None)
    with pytest.raises(InvalidInput, match="ne compte pas"):
        records.validate_record(record, actor_id=make_user("admin").id, now=NOW)


def test_manual_record_through_the_web(client, login_as, db):
    login_as("technician")
    drive = make_drive(make_device(), kind="ssd", serial="S3Z-WEB")
    db.session.commit()
    form = {"technique": "overwrite", "outcome": "purge", "verification": "last_pass",
            "verification_passed": "yes", "result": "passed", "tool": "nwipe",
            "tool_version": "0.34", "passes": "1", "pattern": "0x00",
            "pass_errors": "0", "verify_errors": "0", "fsync_errors": "0"}
    refused = client.post(f"/wiping/drives/{drive.id}/records", data=form)
    assert refused.status_code == 400
    assert "ne vaut qu" in refused.get_data(as_text=True)
    accepted = client.post(f"/wiping/drives/{drive.id}/records", data={**form, "outcome": "clear"})
    assert accepted.status_code == 302
    page = client.get(f"/wiping/drives/{drive.id}").get_data(as_text=True)
    assert "En règle : Effacement (Clear)" in page


@pytest.mark.parametrize("form", [
    {"technique": "laser", "outcome": "clear"},
    {"technique": "overwrite", "outcome": "clear", "passes": "-3"},
    {"technique": "overwrite", "outcome": "clear", "finished_at": "pas une date"},
    {"technique": "overwrite", "outcome": "clear", "finished_at": "2999-01-01T10:00"},
    {},
])
def test_bad_manual_input_never_gives_a_500(client, login_as, db, form):
    login_as("technician")
    drive = make_drive(make_device())
    db.session.commit()
    response = client.post(f"/wiping/drives/{drive.id}/records", data=form)
    assert response.status_code == 400


def test_validate_through_the_web(client, login_as, db, app):
    operator = make_user("technician")
    record = wipe(make_drive(make_device()), operator_id=operator.id)
    db.session.commit()
    login_as("admin")
    assert "Valider cet effacement" in client.get(f"/wiping/records/{record.id}").get_data(
        as_text=True)
    client.post(f"/wiping/records/{record.id}/validate", data={"note": "ok"})
    page = client.get(f"/wiping/records/{record.id}").get_data(as_text=True)
    assert "Valider cet effacement" not in page and "ok" in page
