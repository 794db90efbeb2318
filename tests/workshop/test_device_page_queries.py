"""The device page reads the workshop's records of a machine in a fixed, small number of
statements: a machine fresh from intake costs no lookup per kind of record it does not have,
and one with a full workshop history costs only the lists it shows."""

from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.workshop.diagnosis import record_diagnosis
from refurb.workshop.spare_parts import harvest_spare_part
from refurb.workshop.work_orders import SparePartUse, record_work_order
from tests.factories import NOW, make_device
from tests.querycount import count_queries
from tests.workshop.helpers import make_part, pack_famille, pass_qa, ready_device

# Statements of the whole device page for a technician (session, workshop, device, drives,
# history, each panel). Before the workshop panel read its latest records in one statement:
# 17 and 29.
FRESH_MACHINE = 12
FULL_HISTORY = 23


def _page(client, device):
    with count_queries() as statements:
        response = client.get(f"/devices/{device.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), len(statements)


def test_a_machine_fresh_from_intake_costs_no_lookup_per_record_kind(client, db, login_as):
    login_as("technician")
    pack_famille()
    device = make_device()
    db.session.commit()
    html, statements = _page(client, device)
    assert "Pas encore diagnostiqué." in html and "Aucun bon de travail." in html
    assert "Aucune installation enregistrée." in html
    assert statements <= FRESH_MACHINE, statements


def test_a_full_workshop_history_shows_in_a_fixed_number_of_statements(client, db, login_as):
    technician = login_as("technician")
    ram = make_part("DDR4 SO-DIMM 8 Go", quantity=3)
    device = ready_device(location=None)  # diagnosis, repair, software, QA run, drives
    devices.transition(device, State.REPAIR, actor_id=None, now=NOW, reason="écran")
    record_work_order(device, actions="Barrette ajoutée", minutes=25, technician_id=technician.id,
                      parts=[SparePartUse(ram.id, 1)], actor_id=technician.id, now=NOW)
    pass_qa(device, grade="B")
    db.session.commit()
    html, statements = _page(client, device)
    assert "Barrette ajoutée" in html and "DDR4 SO-DIMM 8 Go × 1" in html
    assert "Linux Mint" in html and "Contrôles obligatoires validés" in html
    assert statements <= FULL_HISTORY, statements

    parts = make_device("desktop")
    record_diagnosis(parts, power_on="no_boot", faults=[], fault_notes="", decision="parts",
                     actor_id=None, now=NOW)
    harvest_spare_part(parts, ram, 1, actor_id=None, now=NOW)
    db.session.commit()
    html, statements = _page(client, parts)
    assert "Pièces prélevées" in html and "Pièces détachées" in html
    assert statements <= FULL_HISTORY, statements
