"""Workshops of a small network, their staff and devices, for the network tests."""

from __future__ import annotations

from refurb.devices import services as devices
from refurb.extensions import db
from refurb.workshops.context import use_workshop
from refurb.workshops.models import Workshop
from tests.factories import NOW, make_user


def make_workshop(code: str, name: str, prefix: str) -> Workshop:
    workshop = Workshop(code=code, name=name, label_prefix=prefix, created_at=NOW)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def staff(workshop: Workshop, role: str = "technician"):
    return make_user(role, workshop_id=workshop.id)


def stock(workshop: Workshop, count: int, device_type: str = "laptop", now=NOW, **values):
    """`count` devices received at `workshop` (tags with its own prefix)."""
    with use_workshop(workshop.id):
        return [devices.create_device(
            devices.NewDevice(device_type=device_type, make="Lenovo", model="ThinkPad T480",
                              serial=f"{workshop.code}-SN{n:04d}", **values),
            actor_id=None, now=now, prefix=workshop.label_prefix) for n in range(count)]


def sign_in(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client
