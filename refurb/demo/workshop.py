"""Demo steps of the workshop (registered in wiring): what a demo machine needs on the floor
before it takes a step of its demo path."""

from __future__ import annotations

from datetime import datetime

from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.workshop.qa import record_qa
from refurb.workshop.queries.qa import checklist_for
from refurb.workshop.software import record_software

COMPUTERS = {"desktop", "laptop", "all_in_one", "mini_pc"}


def demo_qa_hook(device: Device, target: State, actor_id: int | None, when: datetime) -> None:
    """Demo machines reaching `ready` get their software and a passing QA pass first."""
    if State(target) != State.READY:
        return
    if device.device_type in COMPUTERS:
        record_software(device, os_name="linux_mint", os_version="22.1", office="LibreOffice",
                        other_software="Firefox, VLC", actor_id=actor_id, now=when)
    results = {row.check_id: (True, 85) for row in checklist_for(device.device_type)}
    record_qa(device, results=results, grade="AB"[device.id % 2], actor_id=actor_id,
              now=when)
