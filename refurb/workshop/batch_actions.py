"""The workshop's batch scan actions (registered in wiring): put each scanned machine on a
shelf, or move each one to a chosen state. Both flush, never commit; each returns an undo
token and a message (a Message, translated for the technician who scans)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.core.errors import DomainError, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import FLOW_ONLY_TARGETS, STATE_LABELS, State
from refurb.core.workshop import state_name
from refurb.devices.batch import BatchAction
from refurb.devices.models import Device
from refurb.devices.services import transition
from refurb.extensions import db
from refurb.workshop.locations import move_device, where
from refurb.workshop.models import StockLocation
from refurb.workshop.queries.locations import location_choices


def _location_from_parameter(parameter: str | None) -> StockLocation:
    location = None
    if parameter and parameter.isdigit():
        location = db.session.get(StockLocation, int(parameter))
    if location is None:
        raise DomainError(N_("Scannez d'abord l'étiquette d'un emplacement."))
    return location


def _move(device: Device, parameter: str | None, actor_id: int | None,
          now: datetime) -> tuple[dict[str, Any], Message]:
    location = _location_from_parameter(parameter)
    previous = device.location_id
    move_device(device, location, actor_id=actor_id, now=now, details={"via": "batch_scan"})
    return ({"previous_location_id": previous, "location_id": location.id},
            Message(N_("%(tag)s rangé à %(code)s (%(name)s)."),
                    {"tag": device.asset_tag, "code": location.code, "name": location.name}))


def _move_undo(device: Device, token: dict[str, Any], actor_id: int | None,
               now: datetime) -> Message:
    if device.location_id != token.get("location_id"):
        raise DomainError(N_("%(tag)s a été déplacé depuis : rien n'est annulé."),
                          tag=device.asset_tag)
    previous_id = token.get("previous_location_id")
    previous = db.session.get(StockLocation, previous_id) if previous_id else None
    move_device(device, previous, actor_id=actor_id, now=now, details={"via": "batch_undo"})
    return Message(N_("%(tag)s remis à %(where)s."),
                   {"tag": device.asset_tag, "where": where(previous)})


def _transition(device: Device, parameter: str | None, actor_id: int | None,
                now: datetime) -> tuple[dict[str, Any], Message]:
    if not parameter:
        raise DomainError(N_("Choisissez l'état cible de la série."))
    before = device.state
    if before == parameter:  # scanned again, or already moved on another page
        return ({"from": before, "to": before},
                Message(N_("%(tag)s : déjà « %(state)s », déjà fait."),
                        {"tag": device.asset_tag, "state": state_name(before)}))
    transition(device, parameter, actor_id=actor_id, now=now, details={"via": "batch_scan"})
    return ({"from": before, "to": device.state},
            Message(N_("%(tag)s : %(before)s → %(after)s."),
                    {"tag": device.asset_tag, "before": state_name(before),
                     "after": state_name(device.state)}))


def _transition_undo(device: Device, token: dict[str, Any], actor_id: int | None,
                     now: datetime) -> Message:
    if device.state != token.get("to"):
        raise DomainError(N_("%(tag)s a changé d'état depuis : rien n'est annulé."),
                          tag=device.asset_tag)
    if token["from"] == token["to"]:
        return Message(N_("%(tag)s : rien n'avait changé, rien à annuler."),
                       {"tag": device.asset_tag})
    transition(device, token["from"], actor_id=actor_id, now=now,
               reason="Annulation d'un scan en série.", details={"via": "batch_undo"})
    return Message(N_("%(tag)s revenu à « %(state)s »."),
                   {"tag": device.asset_tag, "state": state_name(device.state)})


def _target_choices() -> list[tuple[str, str]]:
    return [(s.value, label) for s, label in STATE_LABELS.items()
            if s not in FLOW_ONLY_TARGETS and s != State.RECEIVED]


MOVE_ACTION = BatchAction(
    key="move_to_location", label="Ranger à un emplacement", apply=_move, undo=_move_undo,
    parameter_label="Emplacement", parameter_choices=location_choices,
)
TRANSITION_ACTION = BatchAction(
    key="apply_transition", label="Changer d'état", apply=_transition, undo=_transition_undo,
    parameter_label="État cible", parameter_choices=_target_choices,
)
ACTIONS = (MOVE_ACTION, TRANSITION_ACTION)
# Actions whose parameter is a location: scanning a location label switches the target.
LOCATION_ACTIONS = frozenset({MOVE_ACTION.key})
