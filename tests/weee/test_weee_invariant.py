"""Invariant 1 at the WEEE exit: nothing leaves in a batch while a drive lacks a passing
sanitization record; the refusal names every blocking item and changes nothing."""

import pytest
from sqlalchemy import func, select

from refurb.core.errors import InvalidInput
from refurb.devices import services as devices
from refurb.devices.models import Device, Drive
from refurb.documents.models import IssuedDocument
from refurb.weee import batches, closing, loose_parts, queries
from refurb.weee.models import BatchCarrier, WasteRegisterLine, WeeeBatch
from refurb.wiping import services as wiping
from tests.factories import make_device
from tests.weee.helpers import (
    NOW,
    configure_site,
    handover,
    make_carrier,
    make_disposable,
    make_operator,
)


def _batch_with(*devices_):
    configure_site()
    batch = batches.open_batch(container="pallet", actor_id=None, now=NOW)
    for device in devices_:
        batches.add_device(batch, device, actor_id=None, now=NOW)
    operator, carrier = make_operator(), make_carrier()
    return batch, handover(operator, [carrier])


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _assert_nothing_left(db, batch_id, device_ids):
    assert db.session.get(WeeeBatch, batch_id).state == "open"
    assert {d.state for d in db.session.scalars(select(Device).where(
        Device.id.in_(device_ids)))} == {"to_dispose"}
    assert _count(db, WasteRegisterLine) == _count(db, BatchCarrier) == 0
    assert _count(db, IssuedDocument) == 0


def test_a_device_with_an_unwiped_drive_blocks_the_close_and_every_one_is_named(
        db, monkeypatch):
    first, second, clean = make_disposable(), make_disposable("desktop"), make_disposable()
    blocked = {first.id: "SSD 256 Go (S/N SSD-A1) : aucun effacement enregistré",
               second.id: "HDD 500 Go (S/N WD-B2) : dernier effacement interrompu"}
    monkeypatch.setattr(devices, "FACT_PROVIDERS", [
        lambda d: {"unsanitized_drives": (blocked[d.id],) if d.id in blocked else ()}])
    batch, values = _batch_with(first, second, clean)
    db.session.commit()
    with pytest.raises(closing.CloseRefused) as refused:
        closing.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    reasons = [str(r) for r in refused.value.reasons]
    assert "2 motif(s)" in refused.value.message
    assert any(first.asset_tag in r and "SSD-A1" in r for r in reasons)
    assert any(second.asset_tag in r and "WD-B2" in r for r in reasons)
    assert not any(clean.asset_tag in r for r in reasons)
    _assert_nothing_left(db, batch.id, [first.id, second.id, clean.id])
    # The close page warns before anyone tries.
    assert [str(r) for r in closing.closing_blockers(queries.batch_items(batch))] == reasons


def test_a_device_moved_back_after_it_was_added_is_named_and_nothing_leaves(db):
    stays, moved = make_disposable(), make_disposable()
    batch, values = _batch_with(stays, moved)
    devices.transition(moved, "diagnosis", actor_id=None, now=NOW, reason="Réparable finalement")
    db.session.commit()
    with pytest.raises(closing.CloseRefused) as refused:
        closing.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    assert [r for r in map(str, refused.value.reasons)
            if moved.asset_tag in r and "impossible" in r]
    assert db.session.get(WeeeBatch, batch.id).state == "open"
    assert db.session.get(Device, stays.id).state == "to_dispose"


def test_a_loose_drive_without_any_wipe_record_cannot_leave(db):
    drive = Drive(model="WD5000", serial="WX-LOOSE", kind="hdd", created_at=NOW)
    db.session.add(drive)
    batch, values = _batch_with()
    loose_parts.add_part(batch, loose_parts.PartValues(kind="drive", weight_kg="0,6", category=6,
                                                       waste_code="16 02 16"),
                         actor_id=None, now=NOW, drive=drive)
    db.session.commit()
    with pytest.raises(closing.CloseRefused) as refused:
        closing.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    [reason] = map(str, refused.value.reasons)
    assert "WX-LOOSE" in reason and "ni effacé ni détruit" in reason
    assert db.session.get(WeeeBatch, batch.id).state == "open"
    assert _count(db, WasteRegisterLine) == _count(db, IssuedDocument) == 0


def test_real_wiping_records_decide_for_a_device_drive(db):
    device = make_device("laptop")
    drive = wiping.add_drive(device, wiping.NewDrive(model="Samsung PM871", serial="S2-0042",
                                                     kind="ssd"), actor_id=None, now=NOW)
    for target in ("diagnosis", "to_dispose"):
        devices.transition(device, target, actor_id=None, now=NOW)
    batch, values = _batch_with(device)
    db.session.commit()
    with pytest.raises(closing.CloseRefused) as refused:
        closing.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    [reason] = map(str, refused.value.reasons)
    assert device.asset_tag in reason and "S2-0042" in reason
    _assert_nothing_left(db, batch.id, [device.id])

    wiping.record_wipe(db.session.get(type(drive), drive.id), wiping.WipeInput(
        technique="shred", outcome="destroy"), actor_id=None, now=NOW)
    batch = db.session.get(WeeeBatch, batch.id)
    closing.close_batch(batch, values, actor_id=None, now=NOW)
    assert db.session.get(Device, device.id).state == "disposed"


def test_real_wiping_records_decide_for_a_loose_drive(db):
    host = make_device("desktop")
    drive = wiping.add_drive(host, wiping.NewDrive(model="WD Blue", serial="WD-LOOSE-7",
                                                   kind="hdd"), actor_id=None, now=NOW)
    wiping.remove_drive(drive, prefix="RF", destination="Lot DEEE", actor_id=None, now=NOW)
    batch, values = _batch_with()
    item = loose_parts.add_part(batch, loose_parts.PartValues(
        kind="drive", weight_kg="0,5", category=6, waste_code="16 02 16"),
        actor_id=None, now=NOW, drive=drive)
    assert "WD-LOOSE-7" in item.description
    db.session.commit()
    with pytest.raises(closing.CloseRefused) as refused:
        closing.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    assert "WD-LOOSE-7" in str(refused.value.reasons[0])

    wiping.record_wipe(db.session.get(type(drive), drive.id), wiping.WipeInput(
        technique="drill", outcome="destroy"), actor_id=None, now=NOW)
    batch = db.session.get(WeeeBatch, batch.id)
    closing.close_batch(batch, values, actor_id=None, now=NOW)
    assert batch.state == "closed"


def test_a_drive_still_inside_a_device_cannot_leave_on_its_own(db):
    host = make_device("desktop")
    drive = wiping.add_drive(host, wiping.NewDrive(serial="IN-HOST"), actor_id=None, now=NOW)
    batch = batches.open_batch(container="box", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="encore enregistré"):
        loose_parts.add_part(batch, loose_parts.PartValues(
            kind="drive", weight_kg="0,5", category=6, waste_code="16 02 16"),
            actor_id=None, now=NOW, drive=drive)
