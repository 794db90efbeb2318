"""Memory and screen size typed at the bench: the plain description social workers read needs
them for machines that never went through a hardware report."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from refurb.devices.models import Device
from tests.intake.helpers import open_collection


def bench(client, collection, **fields):
    data = {"device_type": "laptop", "make": "Lenovo", "model": "ThinkPad T470",
            "legal_status": "reuse", **fields}
    return client.post(f"/collections/{collection.id}/intake", data=data)


def test_memory_and_screen_are_recorded_and_shown(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    assert bench(client, collection, serial="PF0ABC", ram_gb="8 Go",
                 screen_inches="15,6").status_code == 302
    device = db.session.scalar(select(Device).where(Device.serial == "PF0ABC"))
    assert device.ram_mib == 8192 and device.screen_inches == Decimal("15.6")
    page = client.get(f"/devices/{device.id}").get_data(as_text=True)
    assert "8 Go" in page and "15,6 pouces" in page

    assert bench(client, collection, serial="PF0ABD", ram_gb="1,5").status_code == 302
    half = db.session.scalar(select(Device).where(Device.serial == "PF0ABD"))
    assert half.ram_mib == 1536 and half.screen_inches is None


def test_a_wrong_memory_is_refused_and_the_machine_kept_as_typed(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    response = bench(client, collection, serial="PF0XYZ", ram_gb="huit", screen_inches="15,6")
    page = response.get_data(as_text=True)
    assert "Mémoire : indiquez un nombre de Go (ex. 8)." in page
    assert 'value="PF0XYZ"' in page and 'value="huit"' in page and 'value="15,6"' in page
    assert db.session.scalar(select(func.count()).select_from(Device)) == 0
    too_big = bench(client, collection, serial="PF0XYZ", screen_inches="150").get_data(
        as_text=True)
    assert "Écran : indiquez sa diagonale en pouces (ex. 15,6)." in too_big
