"""Bench entry: one machine after another, keyboard only."""

import re

from sqlalchemy import select

from refurb.clock import utcnow
from refurb.devices.models import Device, DeviceEvent
from tests.factories import make_device
from tests.intake.helpers import open_collection


def field_tag(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def test_twenty_machines_in_a_row_with_the_keyboard_alone(client, db, login_as):
    tech = login_as("technician")
    collection = open_collection()
    db.session.commit()
    url = f"/collections/{collection.id}/intake"
    html = client.get(url).get_data(as_text=True)
    assert "autofocus" in field_tag(html, "device_type")  # the cursor starts in the first field
    # Tab order is the page order: the fields come in the bench order, nothing reorders them.
    names = re.findall(r'<(?:input|select)[^>]*\bname="(\w+)"', html.split('class="intake-form"')[1])
    assert [n for n in names if n not in ("csrf_token",)][:8] == [
        "device_type", "make", "model", "serial", "donor_inventory_number", "weight_kg",
        "legal_status", "condition_notes"]
    assert "tabindex" not in html and "<textarea" not in html.split('class="intake-form"')[1]
    tags, year = [], utcnow().year  # the bench stamps tags with today's year
    for n in range(1, 21):
        # What the browser posts when Enter is pressed in the last field typed.
        form = {"device_type": "laptop", "make": "Dell", "model": "Latitude E7450",
                "serial": f"5CG{n:05d}", "weight_kg": "" if n % 2 else "2,1",
                "legal_status": "reuse", "condition_notes": "clavier usé" if n == 7 else ""}
        response = client.post(url, data=form, follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        tag = f"RF-{year}-{n:06d}"
        assert f"{tag} enregistré" in page  # the flash
        latest = page.split('id="latest"')[1]
        assert latest.index(tag) < latest.index("</tbody>")  # the visible list
        assert f"{n} dans la collecte" in page
        serial_field = field_tag(page, "serial")
        assert 'value=""' in serial_field or "value=" not in serial_field  # ready for the next
        assert "autofocus" in field_tag(page, "device_type")
        assert re.search(r'<option selected value="laptop">', page)  # kept for the next one
        assert 'value="Dell"' in field_tag(page, "make")
        tags.append(tag)
    devices = list(db.session.scalars(select(Device).order_by(Device.id)))
    assert [d.asset_tag for d in devices] == tags
    assert [d.weight_estimated for d in devices[:2]] == [True, False]
    assert str(devices[1].weight_kg) == "2.10" and devices[6].condition_notes == "clavier usé"
    events = list(db.session.scalars(select(DeviceEvent)))
    assert len(events) == 20
    assert all(e.actor_id == tech.id and e.details["collection"] == collection.number
               and e.to_state == "received" for e in events)


def test_refused_entry_keeps_what_was_typed_and_focuses_the_error(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    response = client.post(f"/collections/{collection.id}/intake", data={
        "device_type": "laptop", "make": "Lenovo", "model": "T480", "serial": "PF1K7ZQ3",
        "weight_kg": "deux", "legal_status": "reuse"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Poids illisible" in html and 'value="PF1K7ZQ3"' in html and 'value="deux"' in html
    assert "autofocus" in field_tag(html, "weight_kg")
    assert "autofocus" not in field_tag(html, "device_type")
    assert db.session.scalar(select(Device)) is None


def test_duplicate_serial_of_the_same_donor_is_refused(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    existing = make_device(collection=collection, serial="ABC123")
    db.session.commit()
    response = client.post(f"/collections/{collection.id}/intake", data={
        "device_type": "laptop", "serial": "abc 123", "legal_status": "reuse"},
        follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"déjà enregistré pour ce donateur : {existing.asset_tag}" in html
    assert 'value="abc 123"' in html


def test_placeholder_serial_is_not_stored(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    for serial in ("To Be Filled By O.E.M.", "--"):
        client.post(f"/collections/{collection.id}/intake", data={
            "device_type": "desktop", "serial": serial, "legal_status": "waste"})
    assert list(db.session.scalars(select(Device.serial))) == [None, None]


def test_planned_or_closed_collection_refuses_intake(client, db, login_as):
    login_as("technician")
    for number, state, reason in (("COL-2026-0601", "planned", "pas encore enlevée"),
                                  ("COL-2026-0602", "closed", "clôturée")):
        collection = open_collection(number=number, state=state)
        db.session.commit()
        page = client.get(f"/collections/{collection.id}/intake").get_data(as_text=True)
        assert reason in page and 'name="serial"' not in page
        response = client.post(f"/collections/{collection.id}/intake",
                               data={"device_type": "laptop", "legal_status": "reuse"},
                               follow_redirects=True)
        assert reason in response.get_data(as_text=True)
    assert db.session.scalar(select(Device)) is None


def test_unknown_type_or_status_is_a_form_error_not_a_500(client, db, login_as):
    login_as("technician")
    collection = open_collection()
    db.session.commit()
    response = client.post(f"/collections/{collection.id}/intake",
                           data={"device_type": "fridge", "legal_status": "maybe"})
    assert response.status_code == 200 and db.session.scalar(select(Device)) is None
    assert client.post("/collections/9999/intake", data={}).status_code == 404


def test_admin_edits_estimated_weights_in_the_settings_page(app, client, db, login_as):
    from decimal import Decimal

    from tests.intake.formhtml import form_values

    login_as("admin")
    collection = open_collection()
    db.session.commit()
    page = client.get("/admin/settings/").get_data(as_text=True)
    values = form_values(page)
    assert values["weight.laptop"] == "3" and "Poids estimé : ordinateur portable (kg)" in page
    values["weight.laptop"] = "2,4"
    assert client.post("/admin/settings/", data=values).status_code == 302
    client.post(f"/collections/{collection.id}/intake",
                data={"device_type": "laptop", "legal_status": "reuse"})
    device = db.session.scalar(select(Device))
    assert device.weight_kg == Decimal("2.40") and device.weight_estimated


def test_the_serial_check_reads_an_index_not_every_device(db):
    """Each machine registered (bench, API) looks its serial up among the donor's: with
    thousands of devices a full read per machine is what made intake slow."""
    from sqlalchemy import text

    from refurb.devices import services
    from refurb.intake.queries import donor_serial_query

    # A donor's few thousand machines, with the planner's statistics as a deployment has them
    # (the plan of an empty table says nothing).
    collection = open_collection()
    items = [(services.NewDevice(device_type="laptop", make="Dell", model="Latitude",
                                 serial=f"SN{i:06d}"), {}) for i in range(3000)]
    services.create_devices_bulk(items, asset_tags=services.allocate_tags("RF", 2026, 3000),
                                 actor_id=None, now=utcnow(), collection_id=collection.id)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    query = donor_serial_query(collection.donor_id, "SN001234").compile(
        db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        plan = db.session.execute(text(f"EXPLAIN {query}")).scalars().all()
    else:
        plan = [row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    assert any("ix_devices_serial_key" in line for line in plan), plan
