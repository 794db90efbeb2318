"""Workshop test helpers: real rows through the real services."""

from __future__ import annotations

from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import Drive
from refurb.extensions import db
from refurb.workshop.locations import create_location, move_device
from refurb.workshop.profiles import ProfileValues, save_profile
from refurb.workshop.qa import record_qa
from refurb.workshop.queries.qa import checklist_for
from refurb.workshop.software import record_software
from refurb.workshop.spare_parts import create_spare_part
from tests.factories import NOW, make_device

GB = 10**9


def pack_famille():
    """The profile migration 0004 seeds (recreated on PostgreSQL, whose test reset truncates)."""
    from sqlalchemy import select

    from refurb.workshop.models import BuildProfile

    found = db.session.scalar(select(BuildProfile).where(BuildProfile.name == "Pack famille"))
    return found or save_profile(None, ProfileValues(
        name="Pack famille", device_types=("desktop", "laptop", "all_in_one", "mini_pc"),
        min_ram_mib=4096, min_storage_gb=120, storage_kinds=("ssd", "nvme"),
        os_names=("linux_mint",), software=("LibreOffice",)), now=NOW)


def make_location(name: str = "Étagère A", kind: str = "shelf"):
    return create_location(name, kind, now=NOW)


def make_part(name: str = "DDR3 SO-DIMM 4 Go", category: str = "ram", quantity: int = 0):
    return create_spare_part(category, name, "", quantity=quantity, actor_id=None, now=NOW)


def add_drive(device, kind: str = "ssd", gb: int = 240):
    drive = Drive(device=device, kind=kind, capacity_bytes=gb * GB, model=f"{kind} {gb}",
                  serial=f"D{device.id}-{len(device.drives)}", created_at=NOW)
    db.session.add(drive)
    db.session.flush()
    return drive


def pass_qa(device, *, grade: str = "A", actor_id=None, now=NOW, mark_ready: bool = False):
    results = {row.check_id: (True, 90) for row in checklist_for(device.device_type)}
    return record_qa(device, results=results, grade=grade, mark_ready=mark_ready,
                     actor_id=actor_id, now=now)


def to_repair(device, actor_id=None):
    devices.transition(device, State.DIAGNOSIS, actor_id=actor_id, now=NOW)
    devices.transition(device, State.REPAIR, actor_id=actor_id, now=NOW)
    return device


def ready_device(device_type: str = "laptop", *, ram_mib: int | None = 8192,
                 drives=(("ssd", 240),), grade: str = "A", os_name: str | None = "linux_mint",
                 software: str = "LibreOffice", location=None, **kwargs):
    """A machine in the ready stock. Its drives are added once it is ready: the data-erasure
    guard (wiping domain) is not what these tests are about."""
    device = to_repair(make_device(device_type, ram_mib=ram_mib, **kwargs))
    if os_name:
        record_software(device, os_name=os_name, office=software,
                        licence_key="AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"
                        if os_name == "windows" else None, actor_id=None, now=NOW)
    pass_qa(device, grade=grade)
    devices.transition(device, State.READY, actor_id=None, now=NOW)
    for kind, gb in drives:
        add_drive(device, kind, gb)
    if location is not None:
        move_device(device, location, actor_id=None, now=NOW)
    return device
