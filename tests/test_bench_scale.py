"""The scale benchmark's data is data the application accepts: its tags are tags (a scan
opens the device), new tags and rows do not collide with it (counters and, on PostgreSQL,
sequences moved past it), and its tallies equal a rebuild from its events."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

from sqlalchemy import func, inspect, select, text

from refurb.core.asset_tags import parse_tag
from refurb.devices.models import Device, DeviceEvent
from refurb.devices.queries import search_devices
from refurb.reports import tallies
from refurb.reports.models import DeviceStay
from tests.factories import make_device

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "benchmarks" / "scale.py"


def _scale_module():
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_data_has_valid_tags_and_leaves_room_for_new_rows(db, client, login_as):
    scale = _scale_module()
    assert parse_tag(scale.bench_tag(2024, 17)) is not None
    indexes_before = _indexes_and_triggers(db)
    info = scale.build(120, 10, random.Random(5))
    tags = list(db.session.scalars(select(Device.asset_tag)))
    assert len(tags) == 120 and all(parse_tag(tag) is not None for tag in tags)
    # Loaded without its indexes and per-row triggers: all are back, and what the triggers
    # write (stays, the search index) was written for every row.
    assert _indexes_and_triggers(db) == indexes_before
    transitions = db.session.scalar(select(func.count()).where(DeviceEvent.kind == "transition"))
    assert db.session.scalar(select(func.count()).select_from(DeviceStay)) == transitions - 120
    _id, _tag, serial = info["sample"][1]
    assert info["sample"][1][0] in [d.id for d in search_devices(serial[2:9], 1, 50).items]
    kept = tallies.snapshot()
    tallies.rebuild()
    assert tallies.snapshot() == kept
    db.session.rollback()

    fresh = make_device()  # the tag counter and the ids continue after the bench rows
    db.session.commit()
    assert fresh.asset_tag not in tags and fresh.id > 120
    login_as("technician")
    device_id, tag, _serial = info["sample"][0]
    response = client.get(f"/scan?q={tag}")  # a bench tag is a tag: its device's page
    assert response.status_code == 200 and response.headers["Link"] == (
        f'</devices/{device_id}>; rel="canonical"')


def _indexes_and_triggers(db) -> set[str]:
    connection = db.session.connection()
    names = {index["name"] for table in ("devices", "device_events", "device_stays", "drives")
             for index in inspect(connection).get_indexes(table)}
    if connection.dialect.name == "postgresql":
        names |= set(db.session.scalars(text(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'O'")))
    else:
        names |= set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    return names
