"""THE one place where rows cross from one workshop to another (chain of custody).

Everything else runs inside one workshop's scope. Here, and only here, a unit of work steps
out of it, narrowly: it moves the devices a receiver accepted (and their drives) from the
sender to the receiver, and writes what the sender's own records must say (a refused
device's event, the note's new version) in the sender's scope. History rows (device events,
erasure records, issued documents) never move: they stay with the workshop that wrote them,
and a device's page reads its whole history across workshops (refurb.devices.queries).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import update

from refurb.devices.models import Device, Drive
from refurb.extensions import db
from refurb.reports import tallies
from refurb.workshops.context import network_wide, use_workshop


def move_devices(device_ids: list[int], *, from_workshop_id: int, to_workshop_id: int,
                 now: datetime) -> int:
    """Give the devices (still at the sender) to the receiver. Their shelf stays behind
    (locations are the sender's); the version bump makes a concurrent edit at the sender
    fail instead of landing on a device that has left. Returns the devices moved."""
    if not device_ids:
        return 0
    db.session.flush()  # pending rows take the current workshop before the scope widens
    # The devices' "now" tallies follow them (refurb.reports.tallies).
    tallies.move_devices(device_ids, from_workshop_id=from_workshop_id,
                         to_workshop_id=to_workshop_id)
    with network_wide():
        moved = db.session.execute(
            update(Device)
            .where(Device.id.in_(device_ids), Device.workshop_id == from_workshop_id)
            .values(workshop_id=to_workshop_id, location_id=None, updated_at=now,
                    version=Device.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.execute(
            update(Drive)
            .where(Drive.device_id.in_(device_ids), Drive.workshop_id == from_workshop_id)
            .values(workshop_id=to_workshop_id)
            .execution_options(synchronize_session=False))
    # Objects loaded before the move hold the old workshop and version.
    for device in [o for o in db.session.identity_map.values()
                   if isinstance(o, Device | Drive)]:
        db.session.expire(device)
    return moved


@contextmanager
def as_workshop(workshop_id: int) -> Iterator[None]:
    """Write in another workshop's records (the sender's, from the receiver's request)."""
    with use_workshop(workshop_id):
        yield
