"""Machines waiting for parts: recorded from the workshop pages, shown on the machine, listed
with what the stock says, ended by fitting (by hand or by a work order) or by a cancellation
with its reason; every step in the device's history, the state untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.core.errors import DomainError, InvalidInput
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.extensions import db as _db
from refurb.workshop import part_needs
from refurb.workshop.models import PartNeed
from refurb.workshop.spare_parts import receive_spare_parts
from refurb.workshop.work_orders import SparePartUse, record_work_order
from tests.factories import NOW, make_device
from tests.querycount import count_queries
from tests.workshop.helpers import make_part

LIST = "/workshop/waiting-for-parts"


@pytest.fixture
def tech(login_as):
    return login_as("technician")


def in_diagnosis(**values):
    device = make_device(**values)
    devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
    return device


def need(device, *, part=None, description="", quantity=1, ordered_on=None):
    return part_needs.record_part_need(
        device, part_id=part.id if part else None, category=None if part else "screen",
        description=description, quantity=quantity, ordered_on=ordered_on, actor_id=None,
        now=NOW)


def kinds(device):
    return list(_db.session.scalars(select(DeviceEvent.kind).where(
        DeviceEvent.device_id == device.id).order_by(DeviceEvent.id)))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_a_technician_records_a_need_from_the_form_and_the_machine_shows_it(client, db, tech):
    device = in_diagnosis(model="Latitude E6440")
    db.session.commit()
    form = page(client, f"/workshop/devices/{device.id}/part-needs/new")
    assert 'name="description"' in form and 'name="ordered_on"' in form

    response = client.post(f"/workshop/devices/{device.id}/part-needs/new", data={
        "part_id": "0", "category": "screen", "description": "Dalle 14 pouces 30 broches",
        "quantity": "1", "ordered_on": "2026-03-01"})
    assert response.status_code == 302

    shown = page(client, f"/workshop/devices/{device.id}")
    assert "Dalle 14 pouces 30 broches" in shown and "commandée le" in shown
    assert page(client, f"/devices/{device.id}").count("Dalle 14 pouces 30 broches") >= 2
    assert kinds(device)[-1] == "part_needed"
    assert device.state == State.DIAGNOSIS  # waiting for a part is not a state
    listed = page(client, LIST)
    assert "E6440" in listed and "Dalle 14 pouces 30 broches" in listed


def test_a_refused_need_keeps_what_was_typed(client, db, tech):
    device = in_diagnosis()
    db.session.commit()
    response = client.post(f"/workshop/devices/{device.id}/part-needs/new", data={
        "part_id": "0", "category": "charger", "description": "", "quantity": "2"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "décrivez-la" in text and 'value="2"' in text
    assert db.session.scalar(select(PartNeed.id)) is None


def test_needs_are_recorded_only_on_machines_being_worked_on(db):
    received = make_device()
    with pytest.raises(DomainError, match="pas de pièce à attendre"):
        need(received, description="Clavier AZERTY")
    with pytest.raises(InvalidInput, match="futur"):
        need(in_diagnosis(), description="Clavier", ordered_on=NOW.date() + timedelta(days=2))


def test_the_list_says_when_the_part_awaited_is_in_stock(client, db, tech):
    part = make_part("Chargeur 19 V 65 W", category="charger")
    device = in_diagnosis()
    need(device, part=part, quantity=2)
    db.session.commit()
    assert "pièce disponible" not in page(client, LIST)

    receive_spare_parts(part, 1, "achat", actor_id=None, now=NOW)
    db.session.commit()
    assert "pièce disponible" not in page(client, LIST)  # two are needed
    receive_spare_parts(part, 1, "achat", actor_id=None, now=NOW)
    db.session.commit()
    listed = page(client, LIST)
    assert "Chargeur 19 V 65 W × 2" in listed and "pièce disponible" in listed


def test_a_described_need_hints_at_parts_of_its_kind_in_stock(client, db, tech):
    need(in_diagnosis(), description="Dalle 15,6 mate")
    db.session.commit()
    assert "de ce type en stock" not in page(client, LIST)
    make_part("Dalle 15,6 brillante", category="screen", quantity=1)
    db.session.commit()
    assert "de ce type en stock" in page(client, LIST)


def test_fitting_by_hand_clears_the_wait(client, db, tech):
    device = in_diagnosis()
    wanted = need(device, description="Nappe écran")
    db.session.commit()
    response = client.post(f"/workshop/part-needs/{wanted.id}/fitted")
    assert response.status_code == 302
    assert "Nappe écran" not in page(client, LIST)
    assert "Nappe écran" not in page(client, f"/workshop/devices/{device.id}")
    db.session.expire_all()
    assert db.session.get(PartNeed, wanted.id).status == "fitted"
    assert kinds(device)[-1] == "part_need_fitted"
    # Twice is refused: the part is not awaited any more.
    client.post(f"/workshop/part-needs/{wanted.id}/fitted")
    assert kinds(device).count("part_need_fitted") == 1


def test_a_work_order_using_the_part_ends_the_wait(db):
    part = make_part("SSD 240 Go", category="other", quantity=1)
    device = in_diagnosis()
    other = need(device, description="Clavier")
    wanted = need(device, part=part)
    order = record_work_order(device, actions="SSD posé", minutes=10, technician_id=None,
                              parts=[SparePartUse(part.id, 1)], actor_id=None, now=NOW)
    assert wanted.status == "fitted" and wanted.work_order_id == order.id
    assert other.status == "open"
    assert kinds(device)[-2:] == ["work_order", "part_need_fitted"]


def test_cancelling_needs_a_reason(client, db, tech):
    device = in_diagnosis()
    wanted = need(device, description="Batterie 6 cellules")
    db.session.commit()
    client.post(f"/workshop/part-needs/{wanted.id}/cancel", data={"reason": " "})
    assert "Batterie 6 cellules" in page(client, LIST)
    client.post(f"/workshop/part-needs/{wanted.id}/cancel",
                data={"reason": "Machine envoyée en pièces détachées"})
    assert "Batterie 6 cellules" not in page(client, LIST)
    reasons = db.session.scalars(select(DeviceEvent.reason).where(
        DeviceEvent.device_id == device.id, DeviceEvent.kind == "part_need_cancelled"))
    assert list(reasons) == ["Machine envoyée en pièces détachées"]


def test_the_order_date_is_noted_later(client, db, tech):
    device = in_diagnosis()
    wanted = need(device, description="Ventilateur")
    db.session.commit()
    client.post(f"/workshop/part-needs/{wanted.id}/ordered", data={"ordered_on": "2026-03-02"})
    assert "commandée le" in page(client, LIST)
    assert kinds(device)[-1] == "part_ordered"


def test_the_list_reads_a_fixed_number_of_times(client, db, tech):
    part = make_part("DDR4 8 Go", quantity=5)

    def add(n):
        for i in range(n):
            device = in_diagnosis()
            need(device, part=part)
            need(device, description=f"Charnière {i}")

    add(3)
    db.session.commit()
    page(client, LIST)
    with count_queries() as few:
        page(client, LIST)
    add(27)
    db.session.commit()
    with count_queries() as many:
        listed = page(client, LIST)
    assert listed.count("data-device=") == 30
    assert len(many) == len(few)
