"""Batch scan actions: one action chosen, then tag after tag. Domains add theirs (move to a
location, apply a transition, add to a WEEE batch…) to `extension_points.batch_actions` in
refurb.wiring; the batch scan page lists them.

`apply` performs the action on one device through the domain's services and returns an undo
token (plain JSON data) plus a short French message; `undo` reverses it from that token, or
raises a DomainError saying why it cannot. Both flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from refurb.devices.models import Device

ApplyFn = Callable[[Device, "str | None", "int | None", datetime], tuple[dict[str, Any], str]]
UndoFn = Callable[[Device, dict[str, Any], "int | None", datetime], str]


@dataclass(frozen=True)
class BatchAction:
    key: str
    label: str  # French
    apply: ApplyFn  # (device, parameter, actor_id, now) -> (undo_token, message)
    undo: UndoFn  # (device, undo_token, actor_id, now) -> message
    parameter_label: str | None = None  # e.g. "Emplacement", "Lot DEEE", "État cible"
    parameter_choices: Callable[[], list[tuple[str, str]]] | None = None
    roles: tuple[str, ...] = ("admin", "technician")
