"""Demo data of the wiping domain: a verified overwrite for every drive of a device about to be
READY, validated by the demo admin (a second person), so the demo walks through the same
guard as a real workshop and its certificates can be issued (registered in refurb.wiring as a
demo step)."""

from __future__ import annotations

from datetime import datetime, timedelta

from refurb.accounts.services import get_user_by_email
from refurb.core.lifecycle import State
from refurb.core.sanitization import Outcome, Technique, Verification
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.wiping.claims import WipeInput
from refurb.wiping.records import record_wipe, validate_record
from refurb.wiping.status import statuses


def demo_wipe_hook(device: Device, target, actor_id: int | None, when: datetime) -> None:
    """Demo data: a verified overwrite for every drive of a device about to be READY."""
    if State(target) is not State.READY:
        return
    drives = list(device.drives)
    if not drives:
        return
    db.session.flush()
    current = statuses(drives)
    validator = get_user_by_email("admin@demo.refurb.test")
    for drive in drives:
        if current[drive.id].passing:
            continue
        record = record_wipe(
            drive,
            WipeInput(
                technique=Technique.OVERWRITE.value,
                outcome=Outcome.CLEAR.value,
                verification=Verification.LAST_PASS.value,
                verification_passed=True,
                pattern="0x00",
                passes=1,
                tool="nwipe",
                tool_version="0.34",
                started_at=when - timedelta(hours=1),
                finished_at=when - timedelta(minutes=5),
            ),
            actor_id=actor_id,
            now=when,
            source="station",
        )
        if validator is not None and validator.id != record.operator_id:
            validate_record(record, actor_id=validator.id, now=when + timedelta(minutes=10))
