"""Devices change workshop through a signed transfer note: the sender signs out, the receiver
confirms; each side's users see the stock change, the device keeps its whole history and
the note's PDF is verifiable by anyone."""

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from refurb.devices import services as devices
from refurb.devices.models import Device, DeviceEvent, Drive
from refurb.network.models import TransferNote
from refurb.workshops.context import use_workshop
from tests.factories import NOW
from tests.network.helpers import make_workshop, sign_in, staff, stock


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
                    .split())


def verdict(response) -> str:
    match = re.search(r'data-verdict="(\w+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def _network():
    # Neither is the default workshop (1): anonymous pages act for another one.
    sender = make_workshop("LIL", "Atelier de Lille", "LI")
    receiver = make_workshop("RBX", "Atelier de Roubaix", "RX")
    return sender, receiver


def test_twenty_devices_travel_from_one_workshop_to_another(app, db):
    sender, receiver = _network()
    alice, bruno = staff(sender), staff(receiver)
    moved = stock(sender, 20)
    with use_workshop(sender.id):
        devices.record_event(moved[0], "note", actor_id=alice.id, now=NOW,
                             reason="Clavier changé à Lille")
        drive = Drive(device_id=moved[0].id, serial="WD-1", kind="ssd", created_at=NOW)
        db.session.add(drive)
        db.session.flush()
    tags = [d.asset_tag for d in moved]
    ids = [d.id for d in moved]
    db.session.commit()
    at_sender, at_receiver = sign_in(app, alice), sign_in(app, bruno)

    response = at_sender.post("/network/transfers", data={
        "to_workshop": receiver.id, "tags": "\n".join(t.lower() for t in tags),
        "note": "Surplus de portables"})
    assert response.status_code == 302, response.get_data(as_text=True)
    note = db.session.scalar(select(TransferNote))
    assert note.number == f"TR-{NOW.year}-0001"  # numbered in the sender's series
    assert [i.asset_tag for i in note.items] == tags
    assert note.items[0].serial == "LIL-SN0000" and note.items[0].state == "received"
    # Signed out: the receiver has not confirmed yet, the devices are still the sender's.
    assert tags[5] in at_sender.get("/devices").get_data(as_text=True)
    assert at_receiver.get(f"/devices/{ids[5]}").status_code == 404
    page = at_receiver.get(f"/network/transfers/{note.id}").get_data(as_text=True)
    assert "Confirmer la réception" in page and tags[19] in page
    version_1 = at_sender.get(f"/network/transfers/{note.id}/note.pdf").data
    assert "Surplus de portables" in pdf_text(version_1)

    # The sender cannot confirm its own note.
    assert at_sender.post(f"/network/transfers/{note.id}/receive").status_code == 404
    response = at_receiver.post(f"/network/transfers/{note.id}/receive", data={})
    assert response.status_code == 302
    db.session.expire_all()

    # Stock as each side's users see it.
    sender_list = at_sender.get("/devices").get_data(as_text=True)
    receiver_list = at_receiver.get("/devices").get_data(as_text=True)
    assert not any(tag in sender_list for tag in tags)
    assert all(tag in receiver_list for tag in tags)
    assert at_sender.get(f"/devices/{ids[0]}").status_code == 404
    with use_workshop(sender.id):
        assert db.session.scalars(select(Device).where(Device.id.in_(ids))).all() == []
    with use_workshop(receiver.id):
        assert len(db.session.scalars(select(Device).where(Device.id.in_(ids))).all()) == 20
        assert db.session.scalar(select(Drive).where(Drive.serial == "WD-1")).device_id == ids[0]

    # The receiver sees the history written at the sender's, then its own reception.
    device_page = at_receiver.get(f"/devices/{ids[0]}").get_data(as_text=True)
    assert "Clavier changé à Lille" in device_page
    assert "Transféré (sortie signée)" in device_page and "Reçu par transfert" in device_page
    with use_workshop("network"):
        kinds = db.session.execute(
            select(DeviceEvent.kind, DeviceEvent.workshop_id)
            .where(DeviceEvent.device_id == ids[0]).order_by(DeviceEvent.id)).all()
    assert kinds == [("transition", sender.id), ("note", sender.id),
                     ("transfer_out", sender.id), ("transfer_in", receiver.id)]

    # Version 2 states the reception; anyone checks it on the public page.
    received = at_receiver.get(f"/network/transfers/{note.id}/note.pdf")
    text = pdf_text(received.data)
    assert "version 2" in text.lower() or "v2" in received.headers["Content-Disposition"]
    assert "Atelier de Roubaix" in text and tags[7] in text and "LIL-SN0007" in text
    stranger = app.test_client()
    check = stranger.post("/verify", data={"document": (io.BytesIO(received.data), "n.pdf")},
                          content_type="multipart/form-data")
    assert verdict(check) == "authentic" and note.number in check.get_data(as_text=True)
    old = stranger.post("/verify", data={"document": (io.BytesIO(version_1), "n.pdf")},
                        content_type="multipart/form-data")
    assert verdict(old) == "superseded"
    token = note_token(note)
    assert note.number in stranger.get(f"/verify/{token}").get_data(as_text=True)
    altered = received.data + b"%"  # one byte more: not the issued file
    bad = stranger.post(f"/verify/{token}", data={"document": (io.BytesIO(altered), "n.pdf")},
                        content_type="multipart/form-data")
    assert verdict(bad) == "altered"


def note_token(note) -> str:
    from refurb.network import transfers

    return transfers.note_document(note).verify_token


def test_a_refused_device_stays_with_the_sender_with_its_reason(app, db):
    sender, receiver = _network()
    alice, bruno = staff(sender), staff(receiver)
    kept, refused = stock(sender, 2)
    db.session.commit()
    at_sender, at_receiver = sign_in(app, alice), sign_in(app, bruno)
    at_sender.post("/network/transfers", data={
        "to_workshop": receiver.id, "tags": f"{kept.asset_tag} {refused.asset_tag}"})
    note = db.session.scalar(select(TransferNote))
    item = next(i for i in note.items if i.device_id == refused.id)

    # A refusal without its reason is refused, and keeps what was ticked.
    response = at_receiver.post(f"/network/transfers/{note.id}/receive",
                                data={f"refuse-{item.id}": "1"})
    assert response.status_code == 400
    assert "Donnez la raison du refus" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(TransferNote, note.id).state == "signed_out"

    at_receiver.post(f"/network/transfers/{note.id}/receive",
                     data={f"refuse-{item.id}": "1", f"reason-{item.id}": "Écran fêlé"})
    db.session.expire_all()
    assert at_receiver.get(f"/devices/{refused.id}").status_code == 404
    page = at_sender.get(f"/devices/{refused.id}").get_data(as_text=True)
    assert "Refusé au transfert" in page and "Écran fêlé" in page
    assert at_receiver.get(f"/devices/{kept.id}").status_code == 200
    summary = at_sender.get(f"/network/transfers/{note.id}").get_data(as_text=True)
    assert "Refusé : Écran fêlé" in summary


def test_a_note_refuses_devices_gone_or_already_travelling(app, db):
    sender, receiver = _network()
    alice = staff(sender)
    first, second = stock(sender, 2)
    foreign = stock(receiver, 1)[0]
    db.session.commit()
    client = sign_in(app, alice)
    client.post("/network/transfers", data={"to_workshop": receiver.id,
                                            "tags": first.asset_tag})
    response = client.post("/network/transfers", data={
        "to_workshop": receiver.id,
        "tags": f"{first.asset_tag}\n{second.asset_tag}\n{foreign.asset_tag}"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert foreign.asset_tag in text  # another workshop's device is unknown here
    response = client.post("/network/transfers", data={
        "to_workshop": receiver.id, "tags": f"{first.asset_tag}\n{second.asset_tag}"})
    assert response.status_code == 400
    assert "déjà sur un bon de transfert en cours" in response.get_data(as_text=True)
    assert second.asset_tag in response.get_data(as_text=True)  # what was typed is kept
    assert db.session.query(TransferNote).count() == 1


def test_only_the_two_workshops_see_a_note(app, db):
    sender, receiver = _network()
    third = make_workshop("DKK", "Atelier de Dunkerque", "DK")
    device = stock(sender, 1)[0]
    outsider = staff(third)
    alice = staff(sender)
    db.session.commit()
    sign_in(app, alice).post("/network/transfers", data={"to_workshop": receiver.id,
                                                         "tags": device.asset_tag})
    note = db.session.scalar(select(TransferNote))
    other = sign_in(app, outsider)
    assert other.get(f"/network/transfers/{note.id}").status_code == 404
    assert other.get(f"/network/transfers/{note.id}/note.pdf").status_code == 404
    assert note.number not in other.get("/network/transfers").get_data(as_text=True)
    assert other.post(f"/network/transfers/{note.id}/receive").status_code == 404


def test_transfer_keeps_later_events_apart(app, db):
    """After the move, a new event at the receiver is the receiver's."""
    sender, receiver = _network()
    alice, bruno = staff(sender), staff(receiver)
    device = stock(sender, 1)[0]
    db.session.commit()
    sign_in(app, alice).post("/network/transfers", data={"to_workshop": receiver.id,
                                                         "tags": device.asset_tag})
    note = db.session.scalar(select(TransferNote))
    sign_in(app, bruno).post(f"/network/transfers/{note.id}/receive")
    with use_workshop(receiver.id):
        moved = db.session.get(Device, device.id)
        event = devices.transition(moved, "diagnosis", actor_id=bruno.id,
                                   now=NOW + timedelta(days=1))
        assert event.workshop_id == receiver.id


def test_a_wiped_device_received_ready_can_leave_from_its_new_workshop(app, db):
    """Its erasure records stay with the sender, and still count for the receiver's guard;
    its certificate's verification does not depend on where it went."""
    from refurb.demo.workshop import demo_qa_hook
    from refurb.network import transfers
    from tests.wiping.helpers import make_drive, wipe

    sender, receiver = _network()
    device = stock(sender, 1)[0]
    with use_workshop(sender.id):
        drive = make_drive(device, kind="hdd")
        for target in ("diagnosis", "wiping"):
            devices.transition(device, target, actor_id=None, now=NOW)
        wipe(drive, when=NOW + timedelta(minutes=5))
        demo_qa_hook(device, "ready", None, NOW + timedelta(minutes=10))
        devices.transition(device, "ready", actor_id=None, now=NOW + timedelta(minutes=11))
        assert devices.gather_facts(device).unsanitized_drives == ()
        note = transfers.sign_out([device.asset_tag], receiver.id, note="", actor_id=None,
                                  now=NOW + timedelta(hours=1))
    with use_workshop(receiver.id):
        transfers.receive(note, {}, actor_id=None, now=NOW + timedelta(hours=2))
        moved = db.session.get(Device, device.id)
        assert moved.workshop_id == receiver.id and moved.state == "ready"
        assert [d.id for d in moved.drives] == [drive.id]
        assert devices.gather_facts(moved).unsanitized_drives == ()
