"""Diagnosis on arrival: stored, its details in the transition event, the decision moves the
device (reuse → wiping when there is a drive, else repair; parts; dispose)."""

import re

import pytest
from sqlalchemy import select

from refurb.core.errors import DomainError, InvalidInput
from refurb.devices.models import DeviceEvent
from refurb.workshop.diagnosis import record_diagnosis, start_diagnosis
from refurb.workshop.models import Diagnosis
from tests.factories import NOW, make_device, make_user
from tests.workshop.helpers import add_drive


def transitions(db, device):
    return list(db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id,
                                  DeviceEvent.kind == "transition").order_by(DeviceEvent.id)))


@pytest.mark.parametrize(
    ("decision", "with_drive", "target"),
    [("reuse", True, "wiping"), ("reuse", False, "repair"), ("parts", True, "parts"),
     ("dispose", False, "to_dispose")],
)
def test_decision_moves_the_device(db, decision, with_drive, target):
    tech = make_user("technician")
    device = make_device("laptop")
    if with_drive:
        add_drive(device, "hdd", 500)
    diagnosis = record_diagnosis(
        device, power_on="ok", faults=["battery", "hinge"], fault_notes="Coque fêlée",
        decision=decision, actor_id=tech.id, now=NOW)
    db.session.commit()
    assert device.state == target
    history = transitions(db, device)
    assert [(e.from_state, e.to_state) for e in history] == [
        (None, "received"), ("received", "diagnosis"), ("diagnosis", target)]
    details = history[-1].details
    assert details["diagnosis_id"] == diagnosis.id
    assert details["faults"] == ["Batterie hors d'usage", "Charnière ou coque cassée"]
    assert details["fault_notes"] == "Coque fêlée"
    assert history[-1].actor_id == tech.id
    stored = db.session.get(Diagnosis, diagnosis.id)
    assert (stored.power_on, stored.faults, stored.decision) == ("ok", ["battery", "hinge"],
                                                                 decision)


def test_a_device_already_in_diagnosis_is_not_moved_twice(db):
    device = make_device()
    start_diagnosis(device, actor_id=None, now=NOW)
    record_diagnosis(device, power_on="no_power", faults=[], fault_notes="",
                     decision="dispose", actor_id=None, now=NOW)
    assert [e.to_state for e in transitions(db, device)] == ["received", "diagnosis",
                                                              "to_dispose"]


@pytest.mark.parametrize(
    ("values", "message"),
    [(dict(power_on="maybe"), "mise sous tension"), (dict(faults=["gremlins"]), "inconnue"),
     (dict(decision="sell"), "décision")],
)
def test_bad_values_are_refused_in_french(db, values, message):
    device = make_device()
    arguments = dict(power_on="ok", faults=[], fault_notes="", decision="reuse")
    arguments.update(values)
    with pytest.raises(InvalidInput, match=message):
        record_diagnosis(device, **arguments, actor_id=None, now=NOW)
    assert device.state == "received"


def test_diagnosis_only_on_arrival(db):
    device = make_device()
    record_diagnosis(device, power_on="ok", faults=[], fault_notes="",
                     decision="reuse", actor_id=None, now=NOW)
    with pytest.raises(DomainError, match="réception"):
        record_diagnosis(device, power_on="ok", faults=[], fault_notes="",
                         decision="reuse", actor_id=None, now=NOW)


def test_diagnosis_form_keeps_typed_values_when_refused(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    url = f"/workshop/devices/{device.id}/diagnosis"
    response = client.post(url, data={"faults": ["battery"], "fault_notes": "Écran rayé"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Écran rayé" in page
    assert re.search(r'<input checked [^>]*value="battery"', page)
    response = client.post(url, data={"power_on": "ok", "faults": ["nonsense"],
                                      "decision": "reuse"})
    assert response.status_code == 400  # unknown choice: a form error, never a 500
