"""Invariant 2 under concurrent requests (real threads, real connections, SQLite and
PostgreSQL): a device goes to exactly one beneficiary, a file keeps one open reservation."""

from sqlalchemy import func, select

from refurb.allocations import handover, reservations
from refurb.allocations.models import Allocation, Reservation, ReservationItem
from refurb.beneficiaries.models import Beneficiary
from refurb.core.errors import ConcurrentChange, IllegalTransition
from refurb.devices.models import Device, DeviceEvent
from refurb.extensions import db as _db
from tests.allocations.helpers import WORKSHOP, approved_file, gift_values, ready_device
from tests.beneficiaries.helpers import NOW, set_policy
from tests.threads import run_in_threads

THREADS = 6


def _reserve(beneficiary_id, device_ids):
    beneficiary = _db.session.get(Beneficiary, beneficiary_id)
    devices = [_db.session.get(Device, i) for i in device_ids]
    return reservations.reserve(beneficiary, devices, actor_id=None, now=NOW).id


def test_many_people_reserving_one_device_only_one_wins(app, db):
    device_id = ready_device().id
    families = [approved_file().id for _ in range(THREADS)]
    db.session.commit()
    db.session.remove()  # an open transaction here would hold SQLite's write lock

    results, errors = run_in_threads(app, THREADS, lambda i: _reserve(families[i], [device_id]))

    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    for error in errors:
        # SQLite serialises the writers: the others see the device reserved. PostgreSQL lets
        # them race: the version lock (or the unique index) stops them.
        assert isinstance(error, (IllegalTransition, ConcurrentChange)), repr(error)
        assert ("déjà réservé" in error.message
                or "vient d'être réservé" in error.message
                or "rechargez la page" in error.message), error.message
    live = db.session.scalars(select(ReservationItem).where(ReservationItem.active)).all()
    assert [item.device_id for item in live] == [device_id]
    assert db.session.get(Device, device_id).state == "reserved"
    reserved = db.session.scalar(
        select(func.count()).select_from(DeviceEvent)
        .where(DeviceEvent.device_id == device_id, DeviceEvent.to_state == "reserved"))
    assert reserved == 1
    assert db.session.scalar(select(func.count()).select_from(Reservation)) == 1


def test_one_file_reserving_from_several_desks_keeps_one_open_reservation(app, db):
    family_id = approved_file().id
    device_ids = [ready_device().id for _ in range(THREADS)]
    db.session.commit()
    db.session.remove()

    results, errors = run_in_threads(app, THREADS,
                                     lambda i: _reserve(family_id, [device_ids[i]]))

    assert results, errors
    assert all(isinstance(e, ConcurrentChange) for e in errors), errors
    [reservation] = db.session.scalars(
        select(Reservation).where(Reservation.beneficiary_id == family_id)).all()
    held = {item.device_id for item in reservation.items if item.active}
    assert len(held) == len(results)
    # Every device is reserved exactly when the reservation holds it: nothing half-done.
    states = {d.id: d.state for d in db.session.scalars(
        select(Device).where(Device.id.in_(device_ids)))}
    assert {i for i, s in states.items() if s == "reserved"} == held
    assert {i for i, s in states.items() if s == "ready"} == set(device_ids) - held


def test_two_desks_handing_over_one_reservation_only_one_wins(app, db):
    set_policy(min_training_sessions=0)
    family_id = approved_file().id
    reservation_id = _reserve(family_id, [ready_device().id, ready_device("monitor").id])
    db.session.commit()
    db.session.remove()

    def work(_index):
        reservation = _db.session.get(Reservation, reservation_id)
        return handover.hand_over(reservation, gift_values(), actor_id=None, now=NOW,
                                  workshop=WORKSHOP)[0].number

    results, errors = run_in_threads(app, 4, work)
    assert results == ["REM-2026-0001"], errors
    assert all(isinstance(e, (IllegalTransition, ConcurrentChange)) for e in errors), errors
    assert db.session.scalar(select(func.count()).select_from(Allocation)) == 1
    assert db.session.get(Beneficiary, family_id).status == "served"
    allocated = db.session.scalar(select(func.count()).select_from(DeviceEvent)
                                  .where(DeviceEvent.to_state == "allocated"))
    assert allocated == 2
