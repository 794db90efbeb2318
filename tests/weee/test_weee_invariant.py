"""Invariant 1 at the WEEE exit: nothing leaves in a batch while a drive lacks a passing
sanitization record; the refusal names every blocking item and changes nothing."""

import importlib.util
import sys

import pytest
from sqlalchemy import func, select

from refurb.core.errors import InvalidInput
from refurb.devices import services as devices
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.weee import services
from refurb.weee.models import BatchCarrier, WasteRegisterLine, WeeeBatch
from tests.factories import make_device
from tests.weee.helpers import (
    NOW,
    configure_site,
    handover,
    make_carrier,
    make_disposable,
    make_operator,
)

HAS_WIPING = importlib.util.find_spec("refurb.wiping.models") is not None
needs_wiping = pytest.mark.skipif(
    not HAS_WIPING, reason="refurb.wiping (sanitization records) is not in this tree yet")


def _batch_with(*devices_):
    configure_site()
    batch = services.open_batch(container="pallet", actor_id=None, now=NOW)
    for device in devices_:
        services.add_device(batch, device, actor_id=None, now=NOW)
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
    with pytest.raises(services.CloseRefused) as refused:
        services.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    reasons = refused.value.reasons
    assert "2 motif(s)" in refused.value.message
    assert any(first.asset_tag in r and "SSD-A1" in r for r in reasons)
    assert any(second.asset_tag in r and "WD-B2" in r for r in reasons)
    assert not any(clean.asset_tag in r for r in reasons)
    _assert_nothing_left(db, batch.id, [first.id, second.id, clean.id])
    # The close page warns before anyone tries.
    assert services.closing_blockers(services.batch_items(batch)) == reasons


def test_a_device_moved_back_after_it_was_added_is_named_and_nothing_leaves(db):
    stays, moved = make_disposable(), make_disposable()
    batch, values = _batch_with(stays, moved)
    devices.transition(moved, "diagnosis", actor_id=None, now=NOW, reason="Réparable finalement")
    db.session.commit()
    with pytest.raises(services.CloseRefused) as refused:
        services.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    assert [r for r in refused.value.reasons if moved.asset_tag in r and "impossible" in r]
    assert db.session.get(WeeeBatch, batch.id).state == "open"
    assert db.session.get(Device, stays.id).state == "to_dispose"


def test_without_the_wiping_domain_a_loose_drive_cannot_be_proven_blank(db, monkeypatch):
    from refurb.devices.models import Drive

    drive = Drive(model="WD5000", serial="WX-LOOSE", kind="hdd", created_at=NOW)
    db.session.add(drive)
    batch, values = _batch_with()
    services.add_part(batch, services.PartValues(kind="drive", weight_kg="0,6", category=6,
                                                 waste_code="16 02 16"),
                      actor_id=None, now=NOW, drive=drive)
    db.session.commit()
    monkeypatch.setitem(sys.modules, "refurb.wiping.services", None)  # import fails
    with pytest.raises(services.CloseRefused) as refused:
        services.close_batch(batch, values, actor_id=None, now=NOW)
    assert "invérifiable" in refused.value.reasons[0]


@needs_wiping
def test_real_wiping_records_decide_for_a_device_drive(db):
    from refurb.wiping import services as wiping

    device = make_device("laptop")
    drive = wiping.add_drive(device, wiping.NewDrive(model="Samsung PM871", serial="S2-0042",
                                                     kind="ssd"), actor_id=None, now=NOW)
    for target in ("diagnosis", "to_dispose"):
        devices.transition(device, target, actor_id=None, now=NOW)
    batch, values = _batch_with(device)
    db.session.commit()
    with pytest.raises(services.CloseRefused) as refused:
        services.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    [reason] = refused.value.reasons
    assert device.asset_tag in reason and "S2-0042" in reason
    _assert_nothing_left(db, batch.id, [device.id])

    wiping.record_wipe(db.session.get(type(drive), drive.id), wiping.WipeInput(
        technique="shred", outcome="destroy"), actor_id=None, now=NOW)
    batch = db.session.get(WeeeBatch, batch.id)
    services.close_batch(batch, values, actor_id=None, now=NOW)
    assert db.session.get(Device, device.id).state == "disposed"


@needs_wiping
def test_real_wiping_records_decide_for_a_loose_drive(db):
    from refurb.wiping import services as wiping

    host = make_device("desktop")
    drive = wiping.add_drive(host, wiping.NewDrive(model="WD Blue", serial="WD-LOOSE-7",
                                                   kind="hdd"), actor_id=None, now=NOW)
    wiping.remove_drive(drive, prefix="RF", destination="Lot DEEE", actor_id=None, now=NOW)
    batch, values = _batch_with()
    item = services.add_part(batch, services.PartValues(
        kind="drive", weight_kg="0,5", category=6, waste_code="16 02 16"),
        actor_id=None, now=NOW, drive=drive)
    assert "WD-LOOSE-7" in item.description
    db.session.commit()
    with pytest.raises(services.CloseRefused) as refused:
        services.close_batch(batch, values, actor_id=None, now=NOW)
    db.session.rollback()
    assert "WD-LOOSE-7" in refused.value.reasons[0]

    wiping.record_wipe(db.session.get(type(drive), drive.id), wiping.WipeInput(
        technique="drill", outcome="destroy"), actor_id=None, now=NOW)
    batch = db.session.get(WeeeBatch, batch.id)
    services.close_batch(batch, values, actor_id=None, now=NOW)
    assert batch.state == "closed"


@needs_wiping
def test_a_drive_still_inside_a_device_cannot_leave_on_its_own(db):
    from refurb.wiping import services as wiping

    host = make_device("desktop")
    drive = wiping.add_drive(host, wiping.NewDrive(serial="IN-HOST"), actor_id=None, now=NOW)
    batch = services.open_batch(container="box", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="encore enregistré"):
        services.add_part(batch, services.PartValues(
            kind="drive", weight_kg="0,5", category=6, waste_code="16 02 16"),
            actor_id=None, now=NOW, drive=drive)
