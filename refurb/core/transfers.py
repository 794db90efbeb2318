"""Transfers of devices between the workshops of a network: what may travel, and what a
reception must say (pure rules, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_
from refurb.core.lifecycle import State

# A device handed over, being handed over or gone to WEEE has left the workshop's stock.
NOT_TRANSFERABLE = frozenset({State.RESERVED, State.ALLOCATED, State.DISPOSED})
MAX_DEVICES = 500
RECEIVED = "received"
REFUSED = "refused"
PENDING = "pending"


@dataclass(frozen=True)
class Candidate:
    asset_tag: str
    state: str
    in_transit: bool = False


def check_sign_out(sender_id: int, receiver_id: int, candidates: Iterable[Candidate]) -> None:
    """Refuse the whole note (all-or-nothing) with every reason at once."""
    candidates = list(candidates)
    if sender_id == receiver_id:
        raise InvalidInput(N_("Un transfert va vers un autre atelier du réseau."))
    if not candidates:
        raise InvalidInput(N_("Ajoutez au moins un appareil au bon de transfert."))
    if len(candidates) > MAX_DEVICES:
        raise InvalidInput(N_("Un bon de transfert compte au plus %(max)s appareils."),
                           max=MAX_DEVICES)
    reasons: list[str | Message] = []
    seen: set[str] = set()
    for c in candidates:
        if c.asset_tag in seen:
            reasons.append(Message(N_("%(tag)s figure deux fois."), {"tag": c.asset_tag}))
        seen.add(c.asset_tag)
        if State(c.state) in NOT_TRANSFERABLE:
            reasons.append(Message(N_("%(tag)s a quitté le stock : il ne peut pas être "
                                      "transféré."), {"tag": c.asset_tag}))
        if c.in_transit:
            reasons.append(Message(N_("%(tag)s est déjà sur un bon de transfert en cours."),
                                   {"tag": c.asset_tag}))
    if reasons:
        raise InvalidInput(N_("Le bon de transfert est refusé."), reasons=reasons)


def check_reception(tags: Iterable[str], refusals: Mapping[str, str]) -> dict[str, str]:
    """The outcome of each device of the note: received, or refused with its reason.
    `refusals` maps a refused tag to the reason typed; a refusal needs a reason."""
    tags = list(tags)
    unknown = sorted(set(refusals) - set(tags))
    if unknown:
        raise InvalidInput(N_("%(tags)s ne figure pas sur ce bon."), tags=", ".join(unknown))
    missing = [t for t, reason in refusals.items() if not reason.strip()]
    if missing:
        raise InvalidInput(N_("Donnez la raison du refus de %(tags)s."),
                           tags=", ".join(sorted(missing)))
    return {tag: REFUSED if tag in refusals else RECEIVED for tag in tags}


def format_number(year: int, n: int) -> str:
    return f"TR-{year}-{n:04d}"


def counter_name(year: int) -> str:
    return f"transfer:{year}"
