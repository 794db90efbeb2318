from sqlalchemy import func, select

from refurb.demo import load_demo
from refurb.devices.models import Device
from refurb.wiping import status
from refurb.wiping.models import WipeRecord


def test_demo_still_loads_and_ready_devices_have_passing_wipes(db):
    load_demo()
    db.session.commit()
    ready = db.session.scalars(select(Device).where(Device.state == "ready")).all()
    assert ready
    for device in ready:
        assert status.unsanitized_drive_lines(device) == ()
    assert db.session.scalar(select(func.count()).select_from(WipeRecord)) >= len(
        [d for d in ready if d.drives])
