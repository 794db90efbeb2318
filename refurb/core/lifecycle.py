"""The device lifecycle: states, the transition table and the guards.

Pure: callers hand in the facts a guard needs (DeviceFacts); the devices service gathers them
from the database and is the only code that changes a device's state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from refurb.core.i18n import N_


class State(StrEnum):
    RECEIVED = "received"
    DIAGNOSIS = "diagnosis"
    WIPING = "wiping"
    REPAIR = "repair"
    READY = "ready"
    RESERVED = "reserved"
    ALLOCATED = "allocated"
    RETURNED = "returned"
    PARTS = "parts"
    TO_DISPOSE = "to_dispose"
    DISPOSED = "disposed"


STATE_LABELS = {
    State.RECEIVED: N_("Réceptionné"),
    State.DIAGNOSIS: N_("En diagnostic"),
    State.WIPING: N_("Effacement des données"),
    State.REPAIR: N_("En réparation"),
    State.READY: N_("Prêt à attribuer"),
    State.RESERVED: N_("Réservé"),
    State.ALLOCATED: N_("Attribué"),
    State.RETURNED: N_("Retourné"),
    State.PARTS: N_("Pièces détachées"),
    State.TO_DISPOSE: N_("À recycler (DEEE)"),
    State.DISPOSED: N_("Recyclé (DEEE)"),
}

S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    S.RECEIVED: frozenset({S.DIAGNOSIS, S.TO_DISPOSE}),
    S.DIAGNOSIS: frozenset({S.WIPING, S.REPAIR, S.PARTS, S.TO_DISPOSE}),
    S.WIPING: frozenset({S.REPAIR, S.READY, S.PARTS, S.TO_DISPOSE}),
    S.REPAIR: frozenset({S.WIPING, S.READY, S.PARTS, S.TO_DISPOSE}),
    S.READY: frozenset({S.RESERVED, S.ALLOCATED, S.REPAIR, S.PARTS, S.TO_DISPOSE}),
    S.RESERVED: frozenset({S.ALLOCATED, S.READY}),
    S.ALLOCATED: frozenset({S.RETURNED}),
    S.RETURNED: frozenset({S.DIAGNOSIS}),
    S.PARTS: frozenset({S.TO_DISPOSE}),
    S.TO_DISPOSE: frozenset({S.DISPOSED, S.DIAGNOSIS}),
    S.DISPOSED: frozenset(),
}

# These targets carry obligations (a beneficiary, a closed WEEE batch) that only their own
# flows can meet, so the device page never offers them as plain buttons.
FLOW_ONLY_TARGETS: dict[State, str] = {
    S.RESERVED: N_("Passe par une réservation pour un bénéficiaire."),
    S.ALLOCATED: N_("Passe par une remise à un bénéficiaire."),
    S.RETURNED: N_("Passe par le retour d'un prêt."),
    S.DISPOSED: N_("Passe par la clôture d'un lot DEEE."),
}

# Going backwards undoes someone's work: say why, for the next person reading the history.
REASON_REQUIRED: frozenset[tuple[State, State]] = frozenset(
    {(S.READY, S.REPAIR), (S.TO_DISPOSE, S.DIAGNOSIS), (S.RESERVED, S.READY), (S.READY, S.PARTS),
     (S.READY, S.TO_DISPOSE)}
)

LEAVING_STATES = frozenset({S.READY, S.RESERVED, S.ALLOCATED, S.DISPOSED})


@dataclass(frozen=True)
class DeviceFacts:
    """What the guards need to know about one device, gathered by the service."""

    state: State
    # One French sentence per drive that lacks a passing sanitization record.
    unsanitized_drives: tuple[str, ...] = ()
    # Mandatory QA checks not passed yet (filled by the workshop domain).
    qa_missing: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[str, ...] = ()


Guard = Callable[[State, DeviceFacts], list[str]]


def sanitization_guard(target: State, facts: DeviceFacts) -> list[str]:
    """Invariant 1: nothing leaves the workshop with a drive lacking a passing sanitization."""
    if target not in LEAVING_STATES:
        return []
    return [f"Support non effacé : {line}" for line in facts.unsanitized_drives]


def quality_guard(target: State, facts: DeviceFacts) -> list[str]:
    if target != S.READY:
        return []
    return [f"Contrôle qualité non validé : {check}" for check in facts.qa_missing]


def reason_guard(target: State, facts: DeviceFacts) -> list[str]:
    if (facts.state, target) in REASON_REQUIRED and not facts.reason.strip():
        return ["Un motif est obligatoire pour ce retour en arrière."]
    return []


GUARDS: tuple[Guard, ...] = (sanitization_guard, quality_guard, reason_guard)


def check_transition(target: State | str, facts: DeviceFacts) -> Verdict:
    try:
        target = State(target)
    except ValueError:
        return Verdict(False, (f"État inconnu : {target}",))
    current = facts.state
    if target not in TRANSITIONS[current]:
        return Verdict(
            False,
            (f"Passage de « {STATE_LABELS[current]} » à « {STATE_LABELS[target]} » impossible.",),
        )
    reasons = [r for guard in GUARDS for r in guard(target, facts)]
    return Verdict(not reasons, tuple(reasons))


@dataclass(frozen=True)
class Option:
    """One possible next state, as the device page shows it."""

    target: State
    label: str
    verdict: Verdict
    manual: bool
    needs_reason: bool
    flow_note: str = ""


def next_states(facts: DeviceFacts) -> list[Option]:
    """Every state reachable from here, with why it is unavailable when it is."""
    options = []
    for target in sorted(TRANSITIONS[facts.state], key=list(State).index):
        # Evaluate as if a reason were given: the missing reason is asked for, not a blocker.
        verdict = check_transition(target, _with_reason(facts))
        options.append(
            Option(
                target=target,
                label=STATE_LABELS[target],
                verdict=verdict,
                manual=target not in FLOW_ONLY_TARGETS,
                needs_reason=(facts.state, target) in REASON_REQUIRED,
                flow_note=FLOW_ONLY_TARGETS.get(target, ""),
            )
        )
    return options


def _with_reason(facts: DeviceFacts) -> DeviceFacts:
    return DeviceFacts(facts.state, facts.unsanitized_drives, facts.qa_missing, reason="-")


def all_pairs() -> Iterable[tuple[State, State]]:
    return ((a, b) for a in State for b in State)
