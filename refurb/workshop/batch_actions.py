"""Batch scan sessions: one action, then tag after tag, each answered at once, with undo.

The session and its results live in the database (not the cookie) so a reload, another tab or
another gunicorn worker carries on where the scanner left off. The view commits after every
tag: a refused tag is rolled back alone and recorded, never stopping the next ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import DomainError, Forbidden, InvalidInput
from refurb.devices.batch import BATCH_ACTIONS, BatchAction
from refurb.devices.models import Device
from refurb.devices.queries import get_device_by_tag
from refurb.extensions import db
from refurb.workshop.models import BatchScanItem, BatchScanSession, StockLocation
from refurb.workshop.services import LOCATION_ACTIONS, get_location_by_code, parse_location_code

MAX_TAGS_PER_POST = 500  # a scanner's memory dump, not a denial of service
LINES_RE = re.compile(r"[\r\n,;]+")


def actions_for(role: str) -> list[BatchAction]:
    return sorted((a for a in BATCH_ACTIONS.values() if role in a.roles), key=lambda a: a.label)


def get_action(key: str, role: str | None = None) -> BatchAction:
    action = BATCH_ACTIONS.get(key)
    if action is None:
        raise InvalidInput("Action inconnue : choisissez-en une dans la liste.")
    if role is not None and role not in action.roles:
        raise Forbidden("Cette action n'est pas accessible avec votre rôle.")
    return action


def parameter_label(action: BatchAction, parameter: str | None) -> str:
    if not parameter:
        return ""
    choices = dict(action.parameter_choices()) if action.parameter_choices else {}
    return choices.get(parameter, parameter)


def start_batch(action_key: str, parameter: str | None, *, role: str, actor_id: int | None,
                now: datetime) -> BatchScanSession:
    action = get_action(action_key, role)
    parameter = (parameter or "").strip() or None
    if action.parameter_choices is not None:
        allowed = {value for value, _label in action.parameter_choices()}
        if parameter is not None and parameter not in allowed:
            raise InvalidInput(f"{action.parameter_label} : choix inconnu.")
        # A location can come from the first scan; other parameters must be chosen now.
        if parameter is None and action.key not in LOCATION_ACTIONS:
            raise InvalidInput(f"Choisissez : {action.parameter_label}.")
    batch = BatchScanSession(action_key=action.key, parameter=parameter, actor_id=actor_id,
                             created_at=now)
    db.session.add(batch)
    db.session.flush()
    return batch


def split_scans(code: str | None, codes: str | None = None) -> list[str]:
    """A wedge scanner sends one tag then Enter (`code`); a paste or a scanner's memory sends
    one per line (`codes`)."""
    tags = [code.strip()] if code and code.strip() else []
    tags += [t.strip() for t in LINES_RE.split(codes or "") if t.strip()]
    if len(tags) > MAX_TAGS_PER_POST:
        raise InvalidInput(f"Au plus {MAX_TAGS_PER_POST} étiquettes à la fois.")
    return tags


def _shown(scanned: str) -> str:
    """Tags as printed on their label, whatever the scanner or the keyboard sent."""
    scanned = scanned.strip()
    if parse_tag(scanned):
        return normalise_scan(scanned)
    return parse_location_code(scanned) or scanned


def _item(batch: BatchScanSession, scanned: str, *, ok: bool, message: str,
          actor_id: int | None, now: datetime, device: Device | None = None,
          location: StockLocation | None = None,
          undo_token: dict[str, Any] | None = None) -> BatchScanItem:
    item = BatchScanItem(session_id=batch.id, scanned=_shown(scanned)[:120], ok=ok,
                         message=message,
                         device_id=device.id if device else None,
                         location_id=location.id if location else None,
                         undo_token=undo_token, undo_message="", actor_id=actor_id,
                         created_at=now)
    db.session.add(item)
    db.session.flush()
    return item


def _switch_location(batch: BatchScanSession, scanned: str, *, actor_id: int | None,
                     now: datetime) -> BatchScanItem:
    location = get_location_by_code(scanned)
    if location is None:
        raise DomainError(f"Emplacement inconnu : {parse_location_code(scanned)}.")
    if batch.action_key not in LOCATION_ACTIONS:
        raise DomainError(f"{location.code} est un emplacement : cette action n'en utilise pas.")
    if not location.active:
        raise DomainError(f"L'emplacement {location.code} n'est plus utilisé.")
    token = {"previous_parameter": batch.parameter}
    batch.parameter = str(location.id)
    return _item(batch, scanned, ok=True, location=location, undo_token=token,
                 message=f"Emplacement cible : {location.code} — {location.name}.",
                 actor_id=actor_id, now=now)


def apply_scan(batch: BatchScanSession, scanned: str, *, actor_id: int | None,
               now: datetime) -> BatchScanItem:
    """Apply the batch's action to one scanned tag; raises DomainError when refused (the view
    rolls back, then records the refusal with record_refusal)."""
    scanned = scanned.strip()
    if batch.closed_at is not None:
        raise DomainError("Cette série est terminée : commencez-en une nouvelle.")
    if parse_location_code(scanned):
        return _switch_location(batch, scanned, actor_id=actor_id, now=now)
    device = get_device_by_tag(scanned)
    if device is None:
        if parse_tag(scanned) is None:
            raise DomainError(f"« {scanned} » n'est ni un numéro d'inventaire ni un emplacement.")
        raise DomainError(f"Numéro d'inventaire inconnu : {normalise_scan(scanned)}.")
    action = get_action(batch.action_key)
    token, message = action.apply(device, batch.parameter, actor_id, now)
    return _item(batch, scanned, ok=True, device=device, undo_token=token, message=message,
                 actor_id=actor_id, now=now)


def refusal_message(error: DomainError) -> str:
    return " ".join([error.message, *error.reasons])


def record_refusal(batch_id: int, scanned: str, message: str, *, actor_id: int | None,
                   now: datetime) -> BatchScanItem:
    batch = db.session.get(BatchScanSession, batch_id)
    device = get_device_by_tag(scanned) if parse_tag(scanned) else None
    return _item(batch, scanned.strip(), ok=False, device=device, message=message,
                 actor_id=actor_id, now=now)


def undo_last(batch: BatchScanSession, *, actor_id: int | None, now: datetime) -> BatchScanItem:
    """Undo the latest successful scan not undone yet; pressing again goes one further back."""
    if batch.closed_at is not None:
        raise DomainError("Cette série est terminée : plus rien ne s'annule ici.")
    item = db.session.scalar(
        select(BatchScanItem)
        .where(BatchScanItem.session_id == batch.id, BatchScanItem.ok,
               BatchScanItem.undone_at.is_(None))
        .order_by(BatchScanItem.id.desc()).limit(1)
    )
    if item is None:
        raise DomainError("Rien à annuler dans cette série.")
    token = item.undo_token or {}
    if item.location_id is not None and item.device_id is None:
        batch.parameter = token.get("previous_parameter")
        action = get_action(batch.action_key)
        previous = parameter_label(action, batch.parameter) or "aucun"
        message = f"Emplacement cible rétabli : {previous}."
    else:
        device = db.session.get(Device, item.device_id)
        message = get_action(batch.action_key).undo(device, token, actor_id, now)
    # Conditional update: two clicks (or two workers) cannot undo the same scan twice.
    done = db.session.execute(
        update(BatchScanItem)
        .where(BatchScanItem.id == item.id, BatchScanItem.undone_at.is_(None))
        .values(undone_at=now, undo_message=message)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise DomainError("Ce scan vient déjà d'être annulé.")
    db.session.refresh(item)
    return item


def close_batch(batch: BatchScanSession, *, now: datetime) -> BatchScanSession:
    if batch.closed_at is None:
        batch.closed_at = now
        db.session.flush()
    return batch


@dataclass(frozen=True)
class BatchSummary:
    done: int
    refused: int
    undone: int

    @property
    def total(self) -> int:
        return self.done + self.refused + self.undone


def summary(batch_id: int) -> BatchSummary:
    rows = db.session.execute(
        select(BatchScanItem.ok, BatchScanItem.undone_at.is_not(None), func.count())
        .where(BatchScanItem.session_id == batch_id)
        .group_by(BatchScanItem.ok, BatchScanItem.undone_at.is_not(None))
    )
    counts = {(bool(ok), bool(undone)): n for ok, undone, n in rows}
    return BatchSummary(done=counts.get((True, False), 0), refused=counts.get((False, False), 0),
                        undone=counts.get((True, True), 0))
