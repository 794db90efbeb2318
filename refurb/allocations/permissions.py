"""Who may do what with reservations and handovers. Every page names the beneficiary, so only
social workers and admins open them (invariant 4); routes keep `roles_required(*SOCIAL)` as the
coarse gate and the beneficiary-page panel asks the same predicate."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import sees_people


def can_handle_allocations(user: Any) -> bool:
    """Reserve, hand over, take back, run school programmes."""
    return sees_people(user)


def can_reserve_for(user: Any, approved_and_valid: bool, has_open_reservation: bool) -> bool:
    """The panel's "reserve" button: a file approved today with no reservation running (a
    second one would be refused: one open reservation per file)."""
    return can_handle_allocations(user) and approved_and_valid and not has_open_reservation
