"""Statements of hot writes run on the driver's cursor (refurb.database.DriverStatement): the
row written is the row SQLAlchemy writes (types converted, column defaults filled in), the
driver's errors reach callers as SQLAlchemy's, and outside the write lock nothing changes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import bindparam, exc, insert, select

from refurb.api.models import IdempotentRequest
from refurb.database import WROTE, DriverStatement, UndeclaredWrite, insert_rows, reading
from refurb.devices.models import DeviceEvent, Drive
from tests.conftest import PG_URL
from tests.factories import make_device, make_user

EVENTS = DeviceEvent.__table__
AT = datetime(2026, 11, 30, 22, 59, 58, 123456, tzinfo=UTC)


def _event(device_id: int, kind: str) -> dict:
    # No reason (a plain default) and no workshop (the current one, a callable default).
    return {"device_id": device_id, "kind": kind, "from_state": None, "to_state": "received",
            "actor_id": None, "occurred_at": AT,
            "details": {"source": "hardware_report", "note": "écran fêlé", "drives": [1, 2]}}


def test_the_row_written_on_the_driver_is_the_row_sqlalchemy_writes(db):
    device = make_device()
    DriverStatement(insert(EVENTS)).rows(_event(device.id, "driver"))
    db.session.execute(insert(EVENTS), _event(device.id, "sqlalchemy"))
    columns = [c for c in EVENTS.c if c.name not in ("id", "kind")]
    rows = {kind: tuple(rest) for kind, *rest in db.session.execute(
        select(EVENTS.c.kind, *columns).where(EVENTS.c.kind.in_(["driver", "sqlalchemy"])))}
    assert rows["driver"] == rows["sqlalchemy"]
    event = db.session.scalars(select(DeviceEvent).where(DeviceEvent.kind == "driver")).one()
    assert event.details["note"] == "écran fêlé"
    assert event.occurred_at.replace(tzinfo=UTC) == AT
    assert event.reason == "" and event.workshop_id == device.workshop_id


def test_a_few_rows_are_inserted_with_their_returning_columns(db):
    device = make_device()
    drives = [{"device_id": device.id, "model": model, "serial": serial,
               "capacity_bytes": 512_110_190_592, "kind": "ssd", "smart_passed": passed,
               "created_at": AT} for model, serial, passed in
              (("MX500", "S1", True), ("SN520", "S2", False))]
    written = insert_rows(Drive.__table__, drives, returning=("id", "serial", "smart_passed"),
                          hot=True)
    assert sorted((serial, passed) for _id, serial, passed in written) == [
        ("S1", True), ("S2", False)]
    stored = db.session.scalars(select(Drive).where(Drive.device_id == device.id)).all()
    assert {(d.id, d.serial, d.smart_passed, d.workshop_id) for d in stored} == {
        (i, s, p, device.workshop_id) for i, s, p in written}
    assert Decimal(stored[0].capacity_bytes) == Decimal(512_110_190_592)
    assert db.session.info[WROTE]  # a streamed answer after this write is committed


def test_the_drivers_errors_are_raised_as_sqlalchemys(db):
    user = make_user("technician")
    record = DriverStatement(insert(IdempotentRequest.__table__))
    row = {"user_id": user.id, "key": "same-key", "method": "POST", "path": "/api/v1/x",
           "fingerprint": "f" * 64, "status": 201, "created_at": AT}
    record.run_many([row])
    with pytest.raises(exc.IntegrityError):
        record.run_many([row])


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
def test_in_a_read_only_transaction_a_write_is_still_caught(app, db):
    device = make_device()
    db.session.commit()
    with app.test_request_context("/"):
        app.preprocess_request()  # a request's unit of work, as a view runs in
        reading()
        db.session.execute(select(EVENTS.c.id)).all()
        with pytest.raises(UndeclaredWrite):
            DriverStatement(insert(EVENTS)).rows(_event(device.id, "late write"))
        db.session.rollback()


def test_a_value_the_statement_carries_is_taken_at_each_run(db):
    taken = iter(["first-key", "second-key"])
    user = make_user("technician")
    record = DriverStatement(insert(IdempotentRequest.__table__).values(
        key=bindparam("stamped", callable_=lambda: next(taken))))
    for path in ("/a", "/b"):
        record.run_many([{"user_id": user.id, "method": "POST", "path": path,
                          "fingerprint": "f" * 64, "status": 201, "created_at": AT}])
    stored = db.session.execute(select(IdempotentRequest.path, IdempotentRequest.key)
                                .where(IdempotentRequest.user_id == user.id)).all()
    assert sorted(stored) == [("/a", "first-key"), ("/b", "second-key")]
