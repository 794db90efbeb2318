"""Asset tags and device changes stay correct with several workers at once (real threads,
real connections, on SQLite and on PostgreSQL)."""

from datetime import datetime

from sqlalchemy import select

from refurb.core.errors import DomainError
from refurb.devices import services
from refurb.devices.models import Device, DeviceEvent
from refurb.extensions import db as _db
from tests.factories import make_device
from tests.threads import run_in_threads


def test_tag_counter_never_hands_out_a_number_twice(app, db):
    results, errors = run_in_threads(app, 8, lambda i: [
        services.allocate_tags("RF", 2026, 1)[0] for _ in range(15)])
    assert errors == []
    tags = [tag for batch in results for tag in batch]
    assert len(tags) == 120 and len(set(tags)) == 120
    numbers = sorted(int(t.rsplit("-", 1)[1]) for t in tags)
    assert numbers == list(range(1, 121))


def test_two_workers_moving_one_device_only_one_wins(app, db):
    device = make_device()
    services.transition(device, "diagnosis", actor_id=None, now=datetime(2026, 3, 3))
    device_id = device.id
    db.session.commit()
    db.session.remove()  # an open transaction here would hold SQLite's write lock

    def work(index):
        dev = _db.session.get(Device, device_id)
        services.transition(dev, "wiping", actor_id=None, now=datetime(2026, 3, 4))
        return index

    results, errors = run_in_threads(app, 4, work)
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, DomainError) for e in errors)
    db.session.expire_all()
    final = db.session.get(Device, device_id)
    assert final.state == "wiping"
    events = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == device_id)
                                .order_by(DeviceEvent.id))
    assert [e.to_state for e in events] == ["received", "diagnosis", "wiping"]
