"""Parts stock: harvest raises it (linked to the source device), use lowers it, it never goes
below zero (service, database CHECK, concurrent requests), and the ledger explains it."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.extensions import db as _db
from refurb.workshop.models import SparePart, SparePartMovement
from refurb.workshop.spare_parts import adjust_stock, harvest_spare_part, receive_spare_parts
from refurb.workshop.work_orders import SparePartUse, record_work_order
from tests.factories import NOW, make_device, make_user
from tests.threads import run_in_threads
from tests.workshop.helpers import make_part, to_repair


def ledger(db, part):
    return list(db.session.scalars(
        select(SparePartMovement).where(SparePartMovement.part_id == part.id)
        .order_by(SparePartMovement.id)))


def parts_device():
    device = make_device("laptop")
    devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
    devices.transition(device, State.PARTS, actor_id=None, now=NOW)
    return device


def assert_ledger_explains(db, part):
    db.session.refresh(part)
    moves = ledger(db, part)
    assert sum(m.delta for m in moves) == part.quantity
    if moves:
        assert moves[-1].quantity_after == part.quantity


def test_harvest_raises_stock_and_links_the_source(db):
    tech = make_user("technician")
    part = make_part("Batterie Latitude E7450", "battery")
    donor = parts_device()
    movement = harvest_spare_part(donor, part, 2, "60 % de santé", actor_id=tech.id, now=NOW)
    db.session.commit()
    assert part.quantity == 2
    assert (movement.kind, movement.delta, movement.device_id, movement.quantity_after) == (
        "harvest", 2, donor.id, 2)
    event = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == donor.id)
                               .order_by(DeviceEvent.id.desc())).first()
    assert event.kind == "part_harvested" and event.details["quantity"] == 2
    assert_ledger_explains(db, part)


def test_harvest_only_from_a_device_sent_to_parts(db):
    part = make_part()
    device = to_repair(make_device())
    with pytest.raises(DomainError, match="Pièces détachées"):
        harvest_spare_part(device, part, 1, actor_id=None, now=NOW)


def test_a_drive_is_never_harvested_into_anonymous_stock(db):
    part = make_part("SSD 240 Go", "drive")
    with pytest.raises(DomainError, match="effacement"):
        harvest_spare_part(parts_device(), part, 1, actor_id=None, now=NOW)


def test_work_order_uses_parts_and_refuses_below_zero(db):
    tech = make_user("technician")
    ram = make_part("DDR3 4 Go", quantity=3)
    battery = make_part("Batterie", "battery", quantity=1)
    device = to_repair(make_device(ram_mib=2048))
    order = record_work_order(
        device, actions="Ajout RAM, batterie neuve", minutes=25, technician_id=tech.id,
        parts=[SparePartUse(ram.id, 1), SparePartUse(battery.id, 1),
               SparePartUse(ram.id, 1)],
        ram_mib_after=6144, actor_id=tech.id, now=NOW)
    db.session.commit()
    assert (ram.quantity, battery.quantity) == (1, 0)
    assert device.ram_mib == 6144
    used = ledger(db, ram)[-1]
    assert (used.kind, used.delta, used.work_order_id, used.device_id) == (
        "use", -2, order.id, device.id)
    with pytest.raises(DomainError, match=r"Stock insuffisant : Batterie \(0 en stock, 1"):
        record_work_order(device, actions="Encore une", minutes=5, technician_id=None,
                          parts=[SparePartUse(battery.id, 1)], actor_id=None, now=NOW)
    db.session.rollback()
    db.session.refresh(battery)
    assert battery.quantity == 0
    assert_ledger_explains(db, ram)
    assert_ledger_explains(db, battery)


def test_receive_and_adjust(db):
    part = make_part("Chargeur Dell 65 W", "charger")
    receive_spare_parts(part, 10, "Don Emmaüs", actor_id=None, now=NOW)
    adjust_stock(part, -3, "Inventaire du 1er mars", actor_id=None, now=NOW)
    assert part.quantity == 7
    with pytest.raises(DomainError, match="Stock insuffisant"):
        adjust_stock(part, -8, "Erreur", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput, match="raison"):
        adjust_stock(part, -1, " ", actor_id=None, now=NOW)
    with pytest.raises(InvalidInput):
        receive_spare_parts(part, 0, actor_id=None, now=NOW)
    assert_ledger_explains(db, part)


def test_database_refuses_a_negative_quantity(db):
    make_part("Clavier AZERTY", "keyboard", quantity=1)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE parts SET quantity = quantity - 2"))
    db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE part_movements SET delta = 5",
                                       "DELETE FROM part_movements"])
def test_the_ledger_is_append_only(db, statement):
    make_part(quantity=4)
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_concurrent_uses_never_take_more_than_the_stock(app, db):
    part = make_part("Barrette DDR4 8 Go", quantity=5)
    targets = [to_repair(make_device()).id for _ in range(8)]
    part_id = part.id
    db.session.commit()
    db.session.remove()  # an open transaction here would hold SQLite's write lock

    def work(index):
        from refurb.devices.models import Device

        device = _db.session.get(Device, targets[index])
        return record_work_order(
            device, actions="Ajout RAM", minutes=5, technician_id=None,
            parts=[SparePartUse(part_id, 1)], actor_id=None, now=NOW).id

    results, errors = run_in_threads(app, 8, work)
    assert len(results) == 5
    assert len(errors) == 3 and all("Stock insuffisant" in e.message for e in errors)
    part = db.session.get(SparePart, part_id)
    assert part.quantity == 0
    total = db.session.scalar(select(func.sum(SparePartMovement.delta))
                              .where(SparePartMovement.part_id == part_id))
    assert total == 0
    afters = sorted(m.quantity_after for m in ledger(db, part) if m.kind == "use")
    assert afters == [0, 1, 2, 3, 4]  # each unit taken once, in some order
