"""Demo steps of the workshop (registered in wiring): what a demo machine needs on the floor
before it takes a step of its demo path."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from refurb.clock import local_date
from refurb.core.lifecycle import State
from refurb.devices.models import Device
from refurb.extensions import db
from refurb.workshop.part_needs import record_part_need
from refurb.workshop.qa import record_qa
from refurb.workshop.queries.qa import checklist_for
from refurb.workshop.software import record_software
from refurb.workshop.spare_parts import create_spare_part

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


def load_demo_part_needs(actor_id: int | None, now: datetime) -> None:
    """Two machines in repair waiting for parts: a screen panel on order, and a charger the
    stock can supply (the waiting list says so)."""
    waiting = list(db.session.scalars(select(Device).where(Device.state == State.REPAIR.value)
                                      .order_by(Device.id).limit(2)))
    if len(waiting) < 2:
        return
    charger = create_spare_part("charger", "Chargeur 19,5 V 65 W", "Dell Latitude, HP ProBook",
                                quantity=1, actor_id=actor_id, now=now)
    record_part_need(waiting[0], part_id=None, category="screen",
                     description="Dalle 14 pouces HD 30 broches", quantity=1,
                     ordered_on=local_date(now - timedelta(days=2)), actor_id=actor_id, now=now)
    record_part_need(waiting[1], part_id=charger.id, category=None, description="", quantity=1,
                     ordered_on=None, actor_id=actor_id, now=now)
