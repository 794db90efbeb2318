"""Batch scan: one action, tag after tag, each its own transaction and answer; refusals never
stop the next tags; undo of the last scan; location labels switch the target; the session
lives in the database."""

import pytest
from sqlalchemy import select

from refurb.core.errors import DomainError
from refurb.core.lifecycle import State
from refurb.devices import services as devices
from refurb.devices.batch import BatchAction
from refurb.devices.models import Device, DeviceEvent
from refurb.devices.scan_repeat import REPEAT_WINDOW
from refurb.extension_points import batch_actions as BATCH_ACTIONS
from refurb.settings import services as settings
from refurb.workshop.models import BatchScanItem, BatchScanSession
from tests.factories import NOW, make_device, make_user
from tests.workshop.helpers import make_location

JSON = {"Accept": "application/json"}


def start(client, action, parameter=""):
    response = client.post("/workshop/batch", data={"action": action, "parameter": parameter})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def scan(client, batch_url, *tags, one_post=False):
    if one_post:
        return client.post(f"{batch_url}/scan", data={"codes": "\n".join(tags)},
                           headers=JSON).get_json()["items"]
    items = []
    for tag in tags:
        response = client.post(f"{batch_url}/scan", data={"code": tag}, headers=JSON)
        assert response.status_code == 200
        items.extend(response.get_json()["items"])
    return items


def in_diagnosis(count):
    result = []
    for _ in range(count):
        device = make_device()
        devices.transition(device, State.DIAGNOSIS, actor_id=None, now=NOW)
        result.append(device)
    return result


def test_fifty_tags_in_one_go_each_with_its_own_result(client, db, login_as):
    login_as("technician")
    ready_to_wipe = in_diagnosis(45)
    just_received = [make_device() for _ in range(3)]
    db.session.commit()
    tags = [d.asset_tag for d in ready_to_wipe]
    # Refusals in the middle of the run: they must not stop the tags after them.
    tags[10:10] = [just_received[0].asset_tag, "RF-2026-999999"]
    tags[30:30] = [just_received[1].asset_tag, "pas une étiquette"]
    tags.append(just_received[2].asset_tag)
    assert len(tags) == 50
    batch_url = start(client, "apply_transition", "wiping")
    items = scan(client, batch_url, *tags, one_post=True)
    assert [i["scanned"] for i in items] == tags
    refused = {i["scanned"]: i["message"] for i in items if not i["ok"]}
    assert set(refused) == {just_received[0].asset_tag, just_received[1].asset_tag,
                            just_received[2].asset_tag, "RF-2026-999999", "pas une étiquette"}
    assert "« Réceptionné » à « Effacement des données » impossible" in refused[
        just_received[0].asset_tag]
    assert refused["RF-2026-999999"] == "Numéro d'inventaire inconnu : RF-2026-999999."
    assert "ni un numéro d'inventaire ni un emplacement" in refused["pas une étiquette"]
    db.session.expire_all()
    assert {d.state for d in ready_to_wipe} == {"wiping"}
    assert {d.state for d in just_received} == {"received"}
    wiped = db.session.scalars(select(DeviceEvent).where(DeviceEvent.to_state == "wiping"))
    assert all(e.details == {"via": "batch_scan"} for e in wiped)
    batch = db.session.scalar(select(BatchScanSession))
    rows = db.session.scalars(select(BatchScanItem).where(BatchScanItem.session_id == batch.id))
    assert sum(1 for r in rows if r.ok) == 45


def test_one_scan_at_a_time_answers_at_once_with_the_summary(client, db, login_as):
    login_as("technician")
    device = in_diagnosis(1)[0]
    db.session.commit()
    batch_url = start(client, "apply_transition", "repair")
    response = client.post(f"{batch_url}/scan", data={"code": device.asset_tag.lower() + "\r\n"},
                           headers=JSON).get_json()
    assert response["items"][0]["ok"] is True
    assert response["items"][0]["message"].endswith("En diagnostic → En réparation.")
    assert response["summary"] == {"done": 1, "refused": 0, "undone": 0}
    # The scanner beeps twice: one scan, nothing changed, nothing stored.
    again = client.post(f"{batch_url}/scan", data={"code": device.asset_tag.replace("-", "")},
                        headers=JSON).get_json()
    assert again["items"][0]["ok"] is True
    assert again["items"][0]["message"] == (
        f"{device.asset_tag} : déjà pris en compte, rien n'a changé.")
    assert again["summary"] == {"done": 1, "refused": 0, "undone": 0}
    empty = client.post(f"{batch_url}/scan", data={"code": "  "}, headers=JSON)
    assert empty.status_code == 400 and "Scannez" in empty.get_json()["error"]


def test_a_device_already_in_the_target_state_is_already_done(client, db, login_as):
    login_as("technician")
    settings.set_value(REPEAT_WINDOW.key, "0", actor_id=None, now=NOW)  # every read counts
    device = in_diagnosis(1)[0]
    db.session.commit()
    batch_url = start(client, "apply_transition", "repair")
    first, second = scan(client, batch_url, device.asset_tag, device.asset_tag)
    assert first["ok"] and second["ok"]
    assert second["message"] == f"{device.asset_tag} : déjà « En réparation », déjà fait."
    assert "impossible" not in second["message"]
    events = db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.to_state == "repair")).all()
    assert len(events) == 1
    undone = client.post(f"{batch_url}/undo", headers=JSON).get_json()
    assert undone["items"][0]["undo_message"] == (
        f"{device.asset_tag} : rien n'avait changé, rien à annuler.")
    db.session.expire_all()
    assert device.state == "repair"


def test_a_shelf_label_read_twice_switches_the_target_once(client, db, login_as):
    login_as("technician")
    make_location("Étagère A")
    device = make_device()
    db.session.commit()
    batch_url = start(client, "move_to_location")
    items = scan(client, batch_url, "LOC-0001", "]C0loc)àààà&\r\n", device.asset_tag)
    assert [i["ok"] for i in items] == [True, True, True]
    assert items[1]["message"] == "LOC-0001 : déjà pris en compte, rien n'a changé."
    rows = db.session.scalars(select(BatchScanItem).order_by(BatchScanItem.id)).all()
    assert [r.scanned for r in rows] == ["LOC-0001", device.asset_tag]


def test_scanning_a_location_label_switches_the_target(client, db, login_as):
    login_as("technician")
    shelf, pallet = make_location("Étagère A"), make_location("Palette 2", "pallet")
    first, second, third = make_device(), make_device(), make_device()
    db.session.commit()
    batch_url = start(client, "move_to_location")  # no location yet: the first scan sets it
    items = scan(client, batch_url, first.asset_tag, "LOC-0001", second.asset_tag,
                 "loc-0002", third.asset_tag)
    assert [i["ok"] for i in items] == [False, True, True, True, True]
    assert "Scannez d'abord l'étiquette d'un emplacement" in items[0]["message"]
    assert items[1]["message"] == "Emplacement cible : LOC-0001 — Étagère A."
    db.session.expire_all()
    assert (first.location_id, second.location_id, third.location_id) == (
        None, shelf.id, pallet.id)
    page = client.get(batch_url).get_data(as_text=True)
    assert "LOC-0002 — Palette 2" in page
    other = start(client, "apply_transition", "diagnosis")
    [refused] = scan(client, other, "LOC-0001")
    assert refused["message"] == "LOC-0001 est un emplacement : cette action n'en utilise pas."


def test_undo_the_last_scans_one_by_one(client, db, login_as):
    login_as("technician")
    shelf = make_location()
    first, second = make_device(), make_device()
    db.session.commit()
    batch_url = start(client, "move_to_location", str(shelf.id))
    scan(client, batch_url, first.asset_tag, second.asset_tag, "RF-2026-999999")
    undone = client.post(f"{batch_url}/undo", headers=JSON).get_json()
    assert undone["items"][0]["scanned"] == second.asset_tag  # the refused scan is skipped
    assert undone["items"][0]["undo_message"] == f"{second.asset_tag} remis à aucun emplacement."
    assert undone["summary"] == {"done": 1, "refused": 1, "undone": 1}
    db.session.expire_all()
    assert (first.location_id, second.location_id) == (shelf.id, None)
    client.post(f"{batch_url}/undo", headers=JSON)
    nothing = client.post(f"{batch_url}/undo", headers=JSON)
    assert nothing.status_code == 409 and nothing.get_json()["error"] == (
        "Annulation impossible : Rien à annuler dans cette série.")
    db.session.expire_all()
    assert first.location_id is None
    history = db.session.scalars(select(DeviceEvent).where(
        DeviceEvent.device_id == first.id, DeviceEvent.kind == "location_changed")
        .order_by(DeviceEvent.id))
    assert [e.details["via"] for e in history] == ["batch_scan", "batch_undo"]


def test_undo_of_a_transition_and_its_refusal_when_the_device_moved_on(client, db, login_as):
    login_as("technician")
    first, second = in_diagnosis(2)
    for device in (first, second):
        devices.transition(device, State.WIPING, actor_id=None, now=NOW)
    db.session.commit()
    batch_url = start(client, "apply_transition", "repair")
    scan(client, batch_url, first.asset_tag)
    assert client.post(f"{batch_url}/undo", headers=JSON).status_code == 200
    db.session.expire_all()
    assert first.state == "wiping"
    last = db.session.scalars(select(DeviceEvent).where(DeviceEvent.device_id == first.id)
                              .order_by(DeviceEvent.id.desc())).first()
    assert (last.to_state, last.reason) == ("wiping", "Annulation d'un scan en série.")
    scan(client, batch_url, second.asset_tag)
    devices.transition(second, State.PARTS, actor_id=None, now=NOW)  # someone else moves it
    db.session.commit()
    refused = client.post(f"{batch_url}/undo", headers=JSON)
    assert refused.status_code == 409
    assert "a changé d'état depuis" in refused.get_json()["error"]
    db.session.expire_all()
    assert second.state == "parts"


def test_undo_of_a_location_switch_restores_the_previous_target(client, db, login_as):
    login_as("technician")
    shelf, _pallet = make_location("Étagère A"), make_location("Palette", "pallet")
    db.session.commit()
    batch_url = start(client, "move_to_location", str(shelf.id))
    scan(client, batch_url, "LOC-0002")
    undone = client.post(f"{batch_url}/undo", headers=JSON).get_json()
    assert undone["target"] == "LOC-0001 — Étagère A"


def test_without_javascript_each_scan_is_a_plain_post(client, db, login_as):
    login_as("technician")
    shelf, device = make_location(), make_device()
    db.session.commit()
    batch_url = start(client, "move_to_location", str(shelf.id))
    response = client.post(f"{batch_url}/scan", data={"code": device.asset_tag})
    assert response.status_code == 302 and response.headers["Location"] == batch_url
    page = client.get(batch_url).get_data(as_text=True)
    assert f"<code>{device.asset_tag}</code> — {device.asset_tag} rangé à LOC-0001" in page
    assert 'id="code" name="code" autofocus' in page
    response = client.post(f"{batch_url}/undo", follow_redirects=True)
    assert f"Annulé : {device.asset_tag} remis à aucun emplacement." in response.get_data(
        as_text=True)


def test_the_session_survives_and_belongs_to_its_technician(app, client, db, login_as):
    owner = login_as("technician")
    device = make_device()
    db.session.commit()
    batch_url = start(client, "apply_transition", "diagnosis")
    scan(client, batch_url, device.asset_tag)
    fresh = app.test_client()  # another browser, another worker: the database holds the batch
    with fresh.session_transaction() as session:
        session["_user_id"] = str(owner.id)
    assert device.asset_tag in fresh.get(batch_url).get_data(as_text=True)
    assert batch_url in fresh.get("/workshop/batch").get_data(as_text=True)  # resume link
    colleague = make_user("technician")
    db.session.commit()
    with fresh.session_transaction() as session:
        session["_user_id"] = str(colleague.id)
    assert fresh.get(batch_url).status_code == 403
    assert fresh.post(f"{batch_url}/scan", data={"code": device.asset_tag}).status_code == 403


def test_closing_shows_the_summary_and_stops_scanning(client, db, login_as):
    login_as("technician")
    device = make_device()
    db.session.commit()
    batch_url = start(client, "apply_transition", "diagnosis")
    scan(client, batch_url, device.asset_tag, "RF-2026-999999")
    assert client.post(f"{batch_url}/close").status_code == 302
    page = client.get(batch_url).get_data(as_text=True)
    assert "1 fait(s), 1 refusé(s), 0 annulé(s)." in page and "Série terminée" in page
    [late] = scan(client, batch_url, device.asset_tag)
    assert late["ok"] is False and "terminée" in late["message"]


@pytest.mark.parametrize("data", [{"action": "nope"}, {"action": "apply_transition"},
                                  {"action": "apply_transition", "parameter": "allocated"},
                                  {"action": "move_to_location", "parameter": "999"}, {}])
def test_bad_starts_are_refused_without_a_500(client, db, login_as, data):
    login_as("technician")
    response = client.post("/workshop/batch", data=data)
    assert response.status_code == 400
    assert db.session.scalar(select(BatchScanSession)) is None


def test_page_lists_every_registered_action_and_survives_a_broken_one(client, db, login_as,
                                                                      monkeypatch):
    def explode(device, parameter, actor_id, now):
        if device.make == "Boom":
            raise RuntimeError("bug in another domain")
        return {}, f"{device.asset_tag} ajouté au lot {parameter}."

    def undo(device, token, actor_id, now):
        raise DomainError("Le lot est clos.")

    monkeypatch.setitem(BATCH_ACTIONS, "add_to_weee_batch", BatchAction(
        key="add_to_weee_batch", label="Ajouter à un lot DEEE", apply=explode, undo=undo,
        parameter_label="Lot DEEE", parameter_choices=lambda: [("7", "Lot DEEE-2026-007")]))
    login_as("technician")
    page = client.get("/workshop/batch").get_data(as_text=True)
    assert "Ajouter à un lot DEEE" in page and "Lot DEEE-2026-007" in page
    boom, fine = make_device(make="Boom"), make_device()
    db.session.commit()
    batch_url = start(client, "add_to_weee_batch", "7")
    items = scan(client, batch_url, boom.asset_tag, fine.asset_tag, one_post=True)
    assert [i["ok"] for i in items] == [False, True]
    assert items[0]["message"].startswith("Erreur inattendue")
    refused = client.post(f"{batch_url}/undo", headers=JSON)
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "Annulation impossible : Le lot est clos."
    assert db.session.get(Device, fine.id).state == "received"
