"""Batch scan sessions: one action, then tag after tag, each answered at once, with undo.

The session and its results live in the database (not the cookie) so a reload, another tab or
another gunicorn worker carries on where the scanner left off. Each tag runs in its own
savepoint: a refused tag is rolled back alone and recorded, never stopping the next ones.
Messages are stored as the technician read them: `translate` puts them in their language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update

from refurb.core.asset_tags import normalise_scan, parse_tag
from refurb.core.errors import ConcurrentChange, DomainError, Forbidden, InvalidInput, Message
from refurb.core.errors import render as render_message
from refurb.core.i18n import N_
from refurb.core.scan_codes import is_repeat
from refurb.core.workshop import parse_location_code
from refurb.devices.batch import BatchAction
from refurb.devices.models import Device
from refurb.devices.queries import get_device_by_tag
from refurb.devices.scan_repeat import ALREADY_TAKEN, repeat_window
from refurb.extension_points import batch_actions as BATCH_ACTIONS
from refurb.extensions import db
from refurb.workshop.batch_actions import LOCATION_ACTIONS
from refurb.workshop.models import BatchScanItem, BatchScanSession, StockLocation
from refurb.workshop.queries.batch import last_item, last_undoable
from refurb.workshop.queries.locations import get_location_by_code

MAX_TAGS_PER_POST = 500  # a scanner's memory dump, not a denial of service
LINES_RE = re.compile(r"[\r\n,;]+")
UNEXPECTED = N_("Erreur inattendue : rien n'a été fait pour cette étiquette.")
Translate = Callable[[str], str]
log = logging.getLogger(__name__)


def _as_is(msgid: str) -> str:
    return msgid


def actions_for(role: str) -> list[BatchAction]:
    return sorted((a for a in BATCH_ACTIONS.values() if role in a.roles), key=lambda a: a.label)


def get_action(key: str, role: str | None = None) -> BatchAction:
    action = BATCH_ACTIONS.get(key)
    if action is None:
        raise InvalidInput(N_("Action inconnue : choisissez-en une dans la liste."))
    if role is not None and role not in action.roles:
        raise Forbidden(N_("Cette action n'est pas accessible avec votre rôle."))
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
            raise InvalidInput(N_("%(parameter)s : choix inconnu."),
                               parameter=Message(action.parameter_label))
        # A location can come from the first scan; other parameters must be chosen now.
        if parameter is None and action.key not in LOCATION_ACTIONS:
            raise InvalidInput(N_("Choisissez : %(parameter)s."),
                               parameter=Message(action.parameter_label))
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
        raise InvalidInput(N_("Au plus %(n)s étiquettes à la fois."), n=MAX_TAGS_PER_POST)
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
                     now: datetime, translate: Translate) -> BatchScanItem:
    location = get_location_by_code(scanned)
    if location is None:
        raise DomainError(N_("Emplacement inconnu : %(code)s."), code=parse_location_code(scanned))
    if batch.action_key not in LOCATION_ACTIONS:
        raise DomainError(N_("%(code)s est un emplacement : cette action n'en utilise pas."),
                          code=location.code)
    if not location.active:
        raise DomainError(N_("L'emplacement %(code)s n'est plus utilisé."), code=location.code)
    token = {"previous_parameter": batch.parameter}
    batch.parameter = str(location.id)
    message = Message(N_("Emplacement cible : %(code)s — %(name)s."),
                      {"code": location.code, "name": location.name})
    return _item(batch, scanned, ok=True, location=location, undo_token=token,
                 message=message.render(translate), actor_id=actor_id, now=now)


def apply_scan(batch: BatchScanSession, scanned: str, *, actor_id: int | None, now: datetime,
               translate: Translate = _as_is) -> BatchScanItem:
    """Apply the batch's action to one scanned tag; raises DomainError when refused."""
    scanned = scanned.strip()
    if batch.closed_at is not None:
        raise DomainError(N_("Cette série est terminée : commencez-en une nouvelle."))
    repeat = _repeated(batch, scanned, now, translate)
    if repeat is not None:
        return repeat
    if parse_location_code(scanned):
        return _switch_location(batch, scanned, actor_id=actor_id, now=now, translate=translate)
    device = get_device_by_tag(scanned)
    if device is None:
        if parse_tag(scanned) is None:
            raise DomainError(N_("« %(scanned)s » n'est ni un numéro d'inventaire ni un "
                                 "emplacement."), scanned=scanned)
        raise DomainError(N_("Numéro d'inventaire inconnu : %(tag)s."),
                          tag=normalise_scan(scanned))
    action = get_action(batch.action_key)
    token, message = action.apply(device, batch.parameter, actor_id, now)
    return _item(batch, scanned, ok=True, device=device, undo_token=token,
                 message=render_message(message, translate), actor_id=actor_id, now=now)


def _repeated(batch: BatchScanSession, scanned: str, now: datetime,
               translate: Translate) -> BatchScanItem | None:
    """The label the batch has just taken, read again within the window: answered, not stored
    (nothing changed, nothing to undo)."""
    last = last_item(batch.id)
    if last is None or not last.ok or last.undone_at is not None or not is_repeat(
            scanned, last.scanned, last.created_at, now, repeat_window()):
        return None
    message = Message(ALREADY_TAKEN, {"code": last.scanned}).render(translate)
    return BatchScanItem(session_id=batch.id, scanned=last.scanned, ok=True, message=message,
                         device_id=last.device_id, location_id=last.location_id,
                         undo_message="", created_at=now)


def record_refusal(batch: BatchScanSession, scanned: str, message: str, *,
                   actor_id: int | None, now: datetime) -> BatchScanItem:
    device = get_device_by_tag(scanned) if parse_tag(scanned) else None
    return _item(batch, scanned.strip(), ok=False, device=device, message=message,
                 actor_id=actor_id, now=now)


def scan(batch: BatchScanSession, scanned: str, *, actor_id: int | None, now: datetime,
         translate: Translate = _as_is) -> BatchScanItem:
    """One tag in its own savepoint: done, or refused (rolled back alone, then recorded).

    Not the context manager: a ConcurrentChange has already rolled the whole session back
    (see devices.services.transition) and must reach the caller as it is."""
    savepoint = db.session.begin_nested()
    try:
        item = apply_scan(batch, scanned, actor_id=actor_id, now=now, translate=translate)
    except ConcurrentChange:
        raise
    except DomainError as error:
        message = error.describe(translate)
    except Exception:  # another domain's action failing must not stop the next tags
        log.exception("Batch scan action failed on %s", scanned)
        message = translate(UNEXPECTED)
    else:
        savepoint.commit()
        return item
    savepoint.rollback()
    return record_refusal(batch, scanned, message, actor_id=actor_id, now=now)


def _undo_item(batch: BatchScanSession, item: BatchScanItem, *, actor_id: int | None,
               now: datetime) -> str | Message:
    token = item.undo_token or {}
    action = get_action(batch.action_key)
    if item.location_id is not None and item.device_id is None:
        batch.parameter = token.get("previous_parameter")
        previous = parameter_label(action, batch.parameter) or Message(N_("aucun"))
        return Message(N_("Emplacement cible rétabli : %(target)s."), {"target": previous})
    device = db.session.get(Device, item.device_id)
    return action.undo(device, token, actor_id, now)


def undo_last(batch: BatchScanSession, *, actor_id: int | None, now: datetime,
              translate: Translate = _as_is) -> BatchScanItem:
    """Undo the latest successful scan not undone yet; pressing again goes one further back."""
    if batch.closed_at is not None:
        raise DomainError(N_("Cette série est terminée : plus rien ne s'annule ici."))
    item = last_undoable(batch.id)
    if item is None:
        raise DomainError(N_("Rien à annuler dans cette série."))
    message = render_message(_undo_item(batch, item, actor_id=actor_id, now=now), translate)
    # Conditional update: two clicks (or two workers) cannot undo the same scan twice.
    done = db.session.execute(
        update(BatchScanItem)
        .where(BatchScanItem.id == item.id, BatchScanItem.undone_at.is_(None))
        .values(undone_at=now, undo_message=message)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise DomainError(N_("Ce scan vient déjà d'être annulé."))
    db.session.refresh(item)
    return item


def close_batch(batch: BatchScanSession, *, now: datetime) -> BatchScanSession:
    if batch.closed_at is None:
        batch.closed_at = now
        db.session.flush()
    return batch
