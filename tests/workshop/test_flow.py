"""A machine goes from `received` to `ready` with the keyboard and the scanner only, through the
workshop's pages, and every step is in its history."""

from sqlalchemy import select

from refurb.devices.models import DeviceEvent
from refurb.workshop.models import SparePart
from refurb.workshop.queries.qa import checklist_for
from tests.factories import make_device
from tests.workshop.helpers import make_location


def test_received_to_ready_from_the_keyboard(client, db, login_as):
    tech = login_as("technician")
    device = make_device("laptop", ram_mib=4096)
    make_location("Étagère prêts")
    db.session.commit()
    tag = device.asset_tag

    # The scanner types the tag in the header's scan box.
    landed = client.get("/scan", query_string={"q": tag})
    assert landed.status_code == 200 and f"<code>{tag}</code>" in landed.get_data(as_text=True)
    assert landed.headers["Link"] == f'</devices/{device.id}>; rel="canonical"'
    workshop = client.get(f"/workshop/devices/{device.id}").get_data(as_text=True)
    assert f"/workshop/devices/{device.id}/diagnosis" in workshop

    # Diagnosis: boots, tired battery, reuse (no drive: straight to repair).
    response = client.post(f"/workshop/devices/{device.id}/diagnosis", data={
        "power_on": "ok", "faults": ["battery"], "fault_notes": "", "decision": "reuse"})
    assert response.status_code == 302
    assert device.state == "repair"

    # A battery from the parts stock, in a work order.
    client.post("/workshop/parts/new", data={"category": "battery", "name": "Batterie 45 Wh",
                                             "quantity": "2"})
    battery = db.session.scalar(select(SparePart).where(SparePart.name == "Batterie 45 Wh"))
    response = client.post(f"/workshop/devices/{device.id}/work-order", data={
        "actions": "Batterie remplacée, nettoyage", "minutes": "35",
        "technician_id": str(tech.id), "parts-0-part_id": str(battery.id),
        "parts-0-quantity": "1", "parts-1-part_id": "0", "parts-2-part_id": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(battery)
    assert battery.quantity == 1

    # Free software.
    response = client.post(f"/workshop/devices/{device.id}/software", data={
        "os_name": "linux_mint", "os_version": "22.1", "office": "LibreOffice",
        "other_software": "Firefox, VLC", "licence_key": ""})
    assert response.status_code == 302

    # The shelf label is scanned into the device's location field.
    client.post(f"/workshop/devices/{device.id}/location", data={"location": "LOC-0001"})

    # QA: every check of a laptop, battery measured, grade A; not ready yet on purpose.
    qa_page = client.get(f"/workshop/devices/{device.id}/qa").get_data(as_text=True)
    assert "Santé de la batterie" in qa_page
    form = {"grade": "A", "notes": ""}
    for row in checklist_for("laptop"):
        form[f"check_{row.check_id}"] = "88" if row.item.kind == "percent" else "y"
    assert client.post(f"/workshop/devices/{device.id}/qa", data=form).status_code == 302
    assert device.state == "repair" and device.grade == "A"

    # Batch scan, one tag: apply "ready".
    started = client.post("/workshop/batch", data={"action": "apply_transition",
                                                   "parameter": "ready"})
    batch_url = started.headers["Location"]
    result = client.post(f"{batch_url}/scan", data={"code": tag},
                         headers={"Accept": "application/json"}).get_json()
    assert result["items"][0]["ok"], result
    db.session.expire_all()
    assert device.state == "ready"

    history = list(db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id).order_by(DeviceEvent.id)))
    steps = [(e.kind, e.to_state) for e in history]
    assert steps == [
        ("transition", "received"), ("transition", "diagnosis"), ("transition", "repair"),
        ("work_order", "repair"), ("software_installed", "repair"),
        ("location_changed", "repair"), ("qa_recorded", "repair"), ("transition", "ready"),
    ]
    assert all(e.actor_id == tech.id for e in history[1:])
    assert history[2].details["faults"] == ["Batterie hors d'usage"]
    assert history[3].details["parts"] == ["Batterie 45 Wh × 1"]
    assert history[6].details["grade"] == "A"
    stock = client.get("/workshop/stock").get_data(as_text=True)
    assert tag in stock and "LOC-0001" in stock
