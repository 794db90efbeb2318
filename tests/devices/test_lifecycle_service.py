from datetime import datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from refurb.append_only import AppendOnlyViolation
from refurb.core.errors import IllegalTransition
from refurb.devices import services
from refurb.devices.models import DeviceEvent
from tests.factories import make_collection, make_device, make_user


def events_of(db, device):
    return list(db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id).order_by(DeviceEvent.id)
    ))


def test_creation_writes_a_received_event_with_the_collection(db):
    tech = make_user("technician")
    collection = make_collection(number="COL-2026-0042")
    device = make_device(actor_id=tech.id, collection=collection)
    [event] = events_of(db, device)
    assert (event.from_state, event.to_state, event.actor_id) == (None, "received", tech.id)
    assert event.details["collection"] == "COL-2026-0042"
    assert device.asset_tag.startswith("RF-2026-")


def test_each_transition_writes_one_event_with_actor_and_time(db):
    tech = make_user("technician")
    device = make_device(actor_id=tech.id)
    when = datetime(2026, 3, 3, 14, 0)
    services.transition(device, "diagnosis", actor_id=tech.id, now=when)
    services.transition(device, "to_dispose", actor_id=tech.id, now=when.replace(hour=15))
    db.session.commit()
    history = events_of(db, device)
    assert [(e.from_state, e.to_state) for e in history] == [
        (None, "received"), ("received", "diagnosis"), ("diagnosis", "to_dispose")]
    assert history[1].occurred_at == when and history[1].actor_id == tech.id
    assert device.state == "to_dispose" and device.updated_at == when.replace(hour=15)


def test_refused_transition_changes_nothing(db):
    device = make_device()
    db.session.commit()
    with pytest.raises(IllegalTransition) as refused:
        services.transition(device, "allocated", actor_id=None, now=datetime(2026, 3, 3))
    assert "impossible" in refused.value.reasons[0]
    db.session.rollback()
    assert device.state == "received"
    assert len(events_of(db, device)) == 1


def test_guard_facts_from_providers_block_leaving(db, monkeypatch):
    device = make_device()
    for target in ("diagnosis", "wiping"):
        services.transition(device, target, actor_id=None, now=datetime(2026, 3, 3))
    monkeypatch.setattr(services, "FACT_PROVIDERS", [
        lambda d: {"unsanitized_drives": ("SSD 256 Go (SN X1) : aucun effacement",)}])
    with pytest.raises(IllegalTransition) as refused:
        services.transition(device, "ready", actor_id=None, now=datetime(2026, 3, 3))
    assert "X1" in " ".join(refused.value.reasons)


def test_orm_refuses_to_change_or_delete_an_event(db):
    device = make_device()
    db.session.commit()
    event = events_of(db, device)[0]
    event.reason = "réécrit"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(events_of(db, device)[0])
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE device_events SET reason = 'x'",
    "DELETE FROM device_events",
])
def test_database_refuses_to_change_or_delete_events(db, statement):
    make_device()
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM device_events")) == 1
