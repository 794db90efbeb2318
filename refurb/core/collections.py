"""Collections (enlèvements): numbers, the small state machine and what intake may do.

Pure rules: no Flask, no database. planned → collected → received → closed, one step at a
time; each step stamps its own date. A closed collection takes no more devices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from refurb.core.errors import Message
from refurb.core.i18n import N_


class CollectionState(StrEnum):
    PLANNED = "planned"
    COLLECTED = "collected"
    RECEIVED = "received"
    CLOSED = "closed"


STATE_LABELS = {
    CollectionState.PLANNED: N_("Planifiée"),
    CollectionState.COLLECTED: N_("Enlevée"),
    CollectionState.RECEIVED: N_("Réceptionnée"),
    CollectionState.CLOSED: N_("Clôturée"),
}

# The button that moves a collection to the state (French, for the collection page).
ACTION_LABELS = {
    CollectionState.COLLECTED: N_("Marquer comme enlevée"),
    CollectionState.RECEIVED: N_("Marquer comme réceptionnée"),
    CollectionState.CLOSED: N_("Clôturer la collecte"),
}

TRANSITIONS: dict[CollectionState, tuple[CollectionState, ...]] = {
    CollectionState.PLANNED: (CollectionState.COLLECTED,),
    CollectionState.COLLECTED: (CollectionState.RECEIVED,),
    CollectionState.RECEIVED: (CollectionState.CLOSED,),
    CollectionState.CLOSED: (),
}

# The date column each state stamps when it is reached.
DATE_FIELDS = {
    CollectionState.COLLECTED: "collected_on",
    CollectionState.RECEIVED: "received_on",
    CollectionState.CLOSED: "closed_on",
}

# Machines arrive with the truck: not before the pickup, never after closing.
INTAKE_STATES = frozenset({CollectionState.COLLECTED, CollectionState.RECEIVED})

NUMBER_RE = re.compile(r"^COL-(\d{4})-(\d{4,})$")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str | Message, ...] = ()  # msgids, translated where they are shown


def counter_name(year: int) -> str:
    return f"collection:{year}"


def format_number(year: int, number: int) -> str:
    return f"COL-{year:04d}-{number:04d}"


def receipt_number(collection_number: str) -> str:
    """The bon de prise en charge keeps the collection's number, so both are found together."""
    return f"{collection_number}-BPC"


def parse_state(value: str) -> CollectionState | None:
    try:
        return CollectionState(value)
    except ValueError:
        return None


def next_states(current: str) -> tuple[CollectionState, ...]:
    state = parse_state(current)
    return TRANSITIONS.get(state, ()) if state else ()


def check_transition(current: str, target: str, *, device_count: int) -> Verdict:
    state, wanted = parse_state(current), parse_state(target)
    if state is None or wanted is None:
        return Verdict(False, (_unknown(target if state else current),))
    if wanted not in TRANSITIONS[state]:
        return Verdict(False, (Message(
            N_("Passage impossible de « %(current)s » à « %(target)s »."),
            {"current": Message(STATE_LABELS[state]), "target": Message(STATE_LABELS[wanted])},
        ),))
    if wanted is CollectionState.CLOSED and device_count == 0:
        return Verdict(False, (N_("Aucun appareil enregistré : rien à clôturer."),))
    return Verdict(True)


def check_intake(current: str) -> Verdict:
    state = parse_state(current)
    if state in INTAKE_STATES:
        return Verdict(True)
    if state is CollectionState.PLANNED:
        return Verdict(
            False, (N_("La collecte n'est pas encore enlevée : marquez-la comme enlevée d'abord."),)
        )
    if state is CollectionState.CLOSED:
        return Verdict(False, (N_("La collecte est clôturée : elle ne reçoit plus d'appareils."),))
    return Verdict(False, (_unknown(current),))


def _unknown(state: str) -> Message:
    return Message(N_("État de collecte inconnu : %(state)s."), {"state": state})


def can_issue_receipt(current: str, device_count: int) -> Verdict:
    state = parse_state(current)
    if device_count == 0:
        return Verdict(False, (N_("Aucun appareil enregistré dans cette collecte."),))
    if state not in (CollectionState.RECEIVED, CollectionState.CLOSED, CollectionState.COLLECTED):
        return Verdict(False, (N_("Le bon de prise en charge suit l'enlèvement du matériel."),))
    return Verdict(True)
