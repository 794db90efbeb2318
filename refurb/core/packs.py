"""Packs and the distribution day, as plain rules: the accessories a template lists, what each
member still needs, and which member a scanned machine goes to."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_

MAX_QUANTITY = 20
_LEADING_QUANTITY = re.compile(r"^(\d+)\s*(?:[x×*]\s*)?(.+)$", re.IGNORECASE)


def parse_accessories(text: str) -> list[tuple[str, int]]:
    """One accessory a line, with an optional leading quantity: "2 × Sacoche", "Souris".
    The same label twice adds up. Refused, naming the line, beyond MAX_QUANTITY."""
    totals: dict[str, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        match = _LEADING_QUANTITY.match(line)
        label, quantity = (match.group(2).strip(), int(match.group(1))) if match else (line, 1)
        if not 1 <= quantity <= MAX_QUANTITY or not label:
            raise InvalidInput(N_("Accessoires, ligne %(line)s : quantité entre 1 et %(max)s "
                                  "suivie du nom (par exemple « 2 Sacoche »)."),
                               line=number, max=MAX_QUANTITY)
        if len(label) > 120:
            raise InvalidInput(N_("Accessoires, ligne %(line)s : nom trop long."), line=number)
        key = next((k for k in totals if k.casefold() == label.casefold()), label)
        totals[key] = totals.get(key, 0) + quantity
    return list(totals.items())


def check_device_types(types: Mapping[str, int]) -> None:
    if not types:
        raise InvalidInput(N_("Un pack contient au moins un type d'appareil du stock."))
    for value, quantity in types.items():
        if value not in {t.value for t in DeviceType}:
            raise InvalidInput(N_("Type d'appareil inconnu : %(type)s."), type=value)
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(N_("Quantité entre 1 et %(max)s par type d'appareil."),
                               max=MAX_QUANTITY)


def missing_types(pack: Mapping[str, int], held: Sequence[str]) -> Counter:
    """Device types (with counts) a member still needs, given the types already held."""
    need = Counter(pack)
    need.subtract(Counter(held))
    return Counter({t: n for t, n in need.items() if n > 0})


@dataclass(frozen=True)
class Member:
    """A member as the distribution sees it: still waiting, and the types already held."""

    key: int
    waiting: bool
    held: tuple[str, ...] = ()


def type_word(value: str) -> Message:
    try:
        return Message(DEVICE_TYPE_LABELS[DeviceType(value)])
    except ValueError:
        return Message(value)


@dataclass(frozen=True)
class Joined(Message):
    """Several messages, each translated, joined by " / " (the types a member expects)."""

    parts: tuple[Message, ...] = ()

    def render(self, translate=lambda text: text) -> str:
        return " / ".join(part.render(translate) for part in self.parts)


def next_member(pack: Mapping[str, int], members: Sequence[Member]) -> Member | None:
    """The first member, in the cohort's order, still waiting for part of the pack."""
    for member in members:
        if member.waiting and missing_types(pack, member.held):
            return member
    return None


def assign(pack: Mapping[str, int], members: Sequence[Member], device_type: str) -> Member:
    """The member a scanned machine of ``device_type`` goes to: the next member waiting, if
    that member still needs this type. Refused with a message naming what is expected."""
    member = next_member(pack, members)
    if member is None:
        raise InvalidInput(N_("Toute la cohorte est servie : aucune machine n'est plus "
                              "attendue."))
    missing = missing_types(pack, member.held)
    if device_type not in missing:
        raise InvalidInput(
            N_("Machine refusée : c'est un appareil de type « %(scanned)s », le membre "
               "suivant attend : %(expected)s."),
            scanned=type_word(device_type),
            expected=Joined("", parts=tuple(type_word(t) for t in sorted(missing))))
    return member


def complete(pack: Mapping[str, int], held: Sequence[str]) -> bool:
    return not missing_types(pack, held)


@dataclass(frozen=True)
class Progress:
    assigned: int
    needed: int
    members_served: int
    members: int


def progress(pack: Mapping[str, int], members: Sequence[Member], served: int) -> Progress:
    """Machines assigned out of machines needed ("12 / 28"), over the whole cohort."""
    per_member = sum(pack.values())
    assigned = sum(per_member - sum(missing_types(pack, m.held).values()) for m in members)
    return Progress(assigned, per_member * len(members), served, len(members))
