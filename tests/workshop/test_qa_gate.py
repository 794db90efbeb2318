"""QA gate: every mandatory check of the device type must pass to reach `ready`; the refusal
names the missing checks; grades are recorded."""

import pytest
from sqlalchemy import select

from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.models import DeviceEvent
from refurb.workshop.models import QACheck
from refurb.workshop.qa import CheckSettings, record_qa, save_checklist
from refurb.workshop.queries.qa import checklist_for, current_qa_run
from tests.factories import NOW, make_device, make_user
from tests.workshop.helpers import pass_qa, to_repair


def checks_by_code(device_type):
    return {row.item.code: row for row in checklist_for(device_type)}


def test_missing_mandatory_check_blocks_ready_and_is_named(db):
    device = to_repair(make_device("laptop"))
    with pytest.raises(IllegalTransition) as refused:
        devices.transition(device, State.READY, actor_id=None, now=NOW)
    reasons = " | ".join(refused.value.reasons)
    assert "Contrôle qualité non validé : Clavier (toutes les touches) (non contrôlé)" in reasons
    assert "Webcam" not in reasons  # optional for laptops


def test_one_failed_check_still_blocks(db):
    device = to_repair(make_device("laptop"))
    rows = checks_by_code("laptop")
    results = {row.check_id: (True, 90) for row in rows.values()}
    results[rows["touchpad"].check_id] = (False, None)
    results[rows["battery"].check_id] = (False, 45)
    outcome = record_qa(device, results=results, grade="B", actor_id=None, now=NOW)
    assert outcome.missing == ("Pavé tactile", "Santé de la batterie : 45 % (minimum 60 %)")
    with pytest.raises(IllegalTransition) as refused:
        devices.transition(device, State.READY, actor_id=None, now=NOW)
    assert refused.value.reasons == [f"Contrôle qualité non validé : {m}" for m in outcome.missing]


def test_passing_every_mandatory_check_allows_ready_and_records_the_grade(db):
    tech = make_user("technician")
    device = to_repair(make_device("laptop"))
    rows = checks_by_code("laptop")
    results = {row.check_id: (True, 75) for code, row in rows.items() if code != "webcam"}
    outcome = record_qa(device, results=results, grade="B", mark_ready=True,
                        actor_id=tech.id, now=NOW)
    assert outcome.missing == () and outcome.ready_refused == ()
    assert device.state == "ready" and device.grade == "B"
    kinds = [e.kind for e in db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id).order_by(DeviceEvent.id))]
    assert kinds[-2:] == ["qa_recorded", "transition"]


def test_mark_ready_refused_keeps_the_results(db):
    device = to_repair(make_device("desktop"))
    outcome = record_qa(device, results={}, grade=None, mark_ready=True,
                        actor_id=None, now=NOW)
    assert device.state == "repair"
    assert any("Démarrage" in r for r in outcome.ready_refused)
    assert current_qa_run(device).id == outcome.run.id


def test_types_without_mandatory_checks_are_not_blocked(db):
    device = to_repair(make_device("other"))
    devices.transition(device, State.READY, actor_id=None, now=NOW)
    assert device.state == "ready"


def test_a_returned_machine_is_checked_again(db):
    device = to_repair(make_device("desktop"))
    pass_qa(device, mark_ready=True)
    assert device.state == "ready"
    later = NOW.replace(day=20)
    for target in ("allocated", "returned", "diagnosis", "repair"):
        devices.transition(device, target, actor_id=None, now=later)
    assert current_qa_run(device) is None
    with pytest.raises(IllegalTransition, match="refusé"):
        devices.transition(device, State.READY, actor_id=None, now=later)


def test_admin_changes_make_a_check_mandatory(db):
    device = to_repair(make_device("desktop"))
    pass_qa(device)
    webcam = db.session.scalar(select(QACheck).where(QACheck.code == "webcam"))
    settings = {webcam.id: CheckSettings(name="Webcam", minimum=None, active=True,
                                         rules={"desktop": "mandatory"})}
    save_checklist(settings)
    with pytest.raises(IllegalTransition, match="refusé") as refused:
        devices.transition(device, State.READY, actor_id=None, now=NOW)
    assert any("Webcam" in r for r in refused.value.reasons)
    # Retired, it no longer blocks; its rule stays for the history.
    save_checklist({webcam.id: CheckSettings(
        name="Webcam", minimum=None, active=False, rules={"desktop": "mandatory"})})
    devices.transition(device, State.READY, actor_id=None, now=NOW)


def test_bad_grade_and_bad_percentage_are_refused(db):
    device = to_repair(make_device("laptop"))
    with pytest.raises(InvalidInput, match="Grade"):
        record_qa(device, results={}, grade="Z", actor_id=None, now=NOW)
    battery = checks_by_code("laptop")["battery"].check_id
    with pytest.raises(InvalidInput, match="pourcentage"):
        record_qa(device, results={battery: (False, 150)}, grade=None, actor_id=None,
                  now=NOW)


def test_new_check_and_grid_through_the_admin_page(client, db, login_as):
    login_as("admin")
    response = client.post("/workshop/qa/checks", data={"name": "Lecteur de cartes SD",
                                                        "kind": "pass_fail"})
    assert response.status_code == 302
    check = db.session.scalar(select(QACheck).where(QACheck.name == "Lecteur de cartes SD"))
    assert check.code == "lecteur_de_cartes_sd" and check.rules == []
    data = {"check": [str(check.id)], f"name-{check.id}": "Lecteur SD",
            f"active-{check.id}": "1", f"rule-{check.id}-laptop": "mandatory",
            f"rule-{check.id}-desktop": "optional"}
    assert client.post("/workshop/qa/checklist", data=data).status_code == 302
    db.session.expire_all()
    laptop = {r.item.code: r.item for r in checklist_for("laptop")}
    assert laptop["lecteur_de_cartes_sd"].mandatory and laptop["lecteur_de_cartes_sd"].name == (
        "Lecteur SD")
    assert not {r.item.code: r.item for r in checklist_for("desktop")}[
        "lecteur_de_cartes_sd"].mandatory
    battery = db.session.scalar(select(QACheck).where(QACheck.code == "battery"))
    refused = client.post("/workshop/qa/checklist", data={
        "check": [str(battery.id)], f"name-{battery.id}": "Batterie (typé)",
        f"minimum-{battery.id}": "120", f"active-{battery.id}": "1"})
    assert refused.status_code == 400
    assert "Batterie (typé)" in refused.get_data(as_text=True)  # typed values kept
    db.session.expire_all()
    assert db.session.get(QACheck, battery.id).minimum == 60
