"""Transfers of devices between workshops, in two signed steps (use cases: flush, never
commit).

1. The sender signs the note out (`sign_out`, in the sender's scope): each device gets a
   "transfer_out" event and the note's PDF is issued (version 1). The devices stay the
   sender's rows until the receiver answers, listed as in transit on the note.
2. The receiver confirms (`receive`, in the receiver's scope): accepted devices move to the
   receiver (refurb.network.custody, the one cross-workshop step) and get a
   "transfer_in" event there; refused ones stay with the sender with their reason; the note's
   PDF gets version 2 stating the outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from refurb.accounts.models import User
from refurb.core import transfers as rules
from refurb.core.errors import InvalidInput, NotFound
from refurb.core.i18n import N_
from refurb.core.lifecycle import STATE_LABELS, State
from refurb.counters import next_number
from refurb.devices import services as devices
from refurb.devices.models import Device
from refurb.documents.models import IssuedDocument
from refurb.documents.services import issue_document
from refurb.extensions import db
from refurb.network import custody, transfer_pdf
from refurb.network.models import TransferItem, TransferNote
from refurb.settings.workshop import letterhead_fields
from refurb.workshops.context import network_wide, require_workshop_id
from refurb.workshops.models import Workshop

OUT, IN, REFUSED = "transfer_out", "transfer_in", "transfer_refused"


# --- reads --------------------------------------------------------------------------------

def visible_query(workshop_id: int):
    """Notes the workshop sent or receives (a note is not TenantScoped: named here)."""
    return (select(TransferNote)
            .where(or_(TransferNote.from_workshop_id == workshop_id,
                       TransferNote.to_workshop_id == workshop_id))
            .order_by(TransferNote.signed_out_at.desc(), TransferNote.id.desc()))


def to_receive(query, workshop_id: int):
    """Notes sent to the workshop that it has not countersigned yet (its reception)."""
    return query.where(TransferNote.to_workshop_id == workshop_id,
                       TransferNote.state == "signed_out")


def count_to_receive(workshop_id: int | None) -> int:
    if workshop_id is None:
        return 0
    return db.session.scalar(to_receive(select(func.count()).select_from(TransferNote),
                                        workshop_id)) or 0


def get_note(note_id: int, workshop_id: int) -> TransferNote:
    note = db.session.get(TransferNote, note_id)
    if note is None or workshop_id not in (note.from_workshop_id, note.to_workshop_id):
        raise NotFound(N_("Bon de transfert introuvable."))
    return note


def other_workshops(workshop_id: int) -> list[Workshop]:
    return list(db.session.scalars(
        select(Workshop).where(Workshop.id != workshop_id, Workshop.active.is_(True))
        .order_by(Workshop.name)))


def note_document(note: TransferNote) -> IssuedDocument | None:
    """The note's latest PDF (issued in the sender's records; read across workshops by the
    two parties only, who reached the note through get_note)."""
    db.session.flush()
    with network_wide():
        return db.session.scalar(
            select(IssuedDocument).where(IssuedDocument.workshop_id == note.from_workshop_id,
                                         IssuedDocument.number == note.number,
                                         IssuedDocument.kind == transfer_pdf.KIND)
            .order_by(IssuedDocument.version.desc()).limit(1))


def in_transit_ids(device_ids: list[int]) -> set[int]:
    return set(db.session.scalars(
        select(TransferItem.device_id).join(TransferNote)
        .where(TransferItem.device_id.in_(device_ids), TransferNote.state == "signed_out")))


# --- step 1: the sender signs out ---------------------------------------------------------

def parse_tags(text: str) -> list[str]:
    """Tags typed or scanned one per line (or separated by spaces, commas, semicolons)."""
    return [t.strip().upper() for t in text.replace(",", " ").replace(";", " ").split() if t]


def sign_out(tags: list[str], to_workshop_id: int, *, note: str, actor_id: int | None,
             now: datetime) -> TransferNote:
    sender_id = require_workshop_id()
    receiver = db.session.get(Workshop, to_workshop_id)
    if receiver is None or not receiver.active:
        raise InvalidInput(N_("Choisissez l'atelier destinataire."))
    found = {d.asset_tag: d for d in db.session.scalars(
        select(Device).where(Device.asset_tag.in_(tags)))}
    unknown = [t for t in dict.fromkeys(tags) if t not in found]
    if unknown:
        raise InvalidInput(N_("Appareils inconnus dans cet atelier : %(tags)s."),
                           tags=", ".join(unknown))
    transit = in_transit_ids([d.id for d in found.values()])
    rules.check_sign_out(sender_id, to_workshop_id, [
        rules.Candidate(t, found[t].state, found[t].id in transit) for t in tags])
    transfer = TransferNote(
        number=rules.format_number(now.year, next_number(rules.counter_name(now.year))),
        from_workshop_id=sender_id, to_workshop_id=to_workshop_id, state="signed_out",
        note=note.strip(), signed_out_at=now, signed_out_by_id=actor_id)
    db.session.add(transfer)
    db.session.flush()
    for tag in tags:
        device = found[tag]
        db.session.add(TransferItem(
            transfer_id=transfer.id, device_id=device.id, asset_tag=device.asset_tag,
            device_type=device.device_type, make=device.make, model=device.model,
            serial=device.serial, state=device.state, outcome=rules.PENDING))
        devices.record_event(device, OUT, actor_id=actor_id, now=now,
                             details={"transfer": transfer.number, "to_workshop": receiver.name})
    db.session.flush()
    db.session.refresh(transfer, ["items"])
    _issue(transfer, actor_id=actor_id, now=now)
    return transfer


# --- step 2: the receiver confirms ----------------------------------------------------------

def receive(transfer: TransferNote, refusals: Mapping[str, str], *, actor_id: int | None,
            now: datetime) -> TransferNote:
    """`refusals`: {asset tag: reason} for the devices the receiver does not accept."""
    if transfer.to_workshop_id != require_workshop_id():
        raise NotFound(N_("Bon de transfert introuvable."))
    if transfer.state != "signed_out":
        raise InvalidInput(N_("La réception de ce bon est déjà confirmée."))
    outcomes = rules.check_reception([i.asset_tag for i in transfer.items], refusals)
    accepted = [i for i in transfer.items if outcomes[i.asset_tag] == rules.RECEIVED]
    refused = [i for i in transfer.items if outcomes[i.asset_tag] == rules.REFUSED]
    sender = transfer.sender
    for item in transfer.items:
        item.outcome = outcomes[item.asset_tag]
        item.refusal_reason = refusals.get(item.asset_tag, "").strip()
    transfer.state, transfer.received_at, transfer.received_by_id = "received", now, actor_id
    custody.move_devices([i.device_id for i in accepted], from_workshop_id=sender.id,
                         to_workshop_id=transfer.to_workshop_id, now=now)
    for device in _devices([i.device_id for i in accepted]):
        devices.record_event(device, IN, actor_id=actor_id, now=now,
                             details={"transfer": transfer.number, "from_workshop": sender.name})
    with custody.as_workshop(sender.id):
        reasons = {i.device_id: i.refusal_reason for i in refused}
        for device in _devices(list(reasons)):
            devices.record_event(device, REFUSED, actor_id=actor_id, now=now,
                                 reason=reasons[device.id],
                                 details={"transfer": transfer.number,
                                          "to_workshop": transfer.receiver.name})
        _issue(transfer, actor_id=actor_id, now=now)
    db.session.flush()
    return transfer


def _devices(ids: list[int]) -> list[Device]:
    if not ids:
        return []
    return list(db.session.scalars(select(Device).where(Device.id.in_(ids))
                                   .order_by(Device.id)))


# --- the document ---------------------------------------------------------------------------

def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else ""


def payload_for(transfer: TransferNote) -> dict[str, Any]:
    """The note's facts (issued in the sender's scope: its letterhead)."""
    receiver = transfer.receiver
    return {
        "number": transfer.number,
        "sender": letterhead_fields() | {"name": transfer.sender.name},
        "receiver": {"name": receiver.name, "code": receiver.code},
        "signed_out_at": transfer.signed_out_at.isoformat(),
        "signed_out_by": _name(transfer.signed_out_by_id),
        "received_at": transfer.received_at.isoformat() if transfer.received_at else None,
        "received_by": _name(transfer.received_by_id),
        "note": transfer.note,
        "items": [{"asset_tag": i.asset_tag, "device_type": i.device_type, "make": i.make,
                   "model": i.model, "serial": i.serial,
                   "state": str(STATE_LABELS[State(i.state)]), "outcome": i.outcome,
                   "refusal_reason": i.refusal_reason} for i in transfer.items],
    }


def _issue(transfer: TransferNote, *, actor_id: int | None, now: datetime) -> None:
    payload = payload_for(transfer)
    document, _created = issue_document(
        kind=transfer_pdf.KIND, number=transfer.number, subject=f"transfer:{transfer.id}",
        payload=payload, render=transfer_pdf.render,
        filename_stem=f"bon-transfert-{transfer.number}", actor_id=actor_id, now=now,
        summary={"devices": len(transfer.items), "to": transfer.receiver.name})
    transfer.document_id = document.id
