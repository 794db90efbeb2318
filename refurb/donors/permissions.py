"""Who may do what with donor organisations (the workshop reads them, admins manage them)."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin, works_on_devices


def can_manage_donors(user: Any) -> bool:
    """Create and edit organisations and their portal accounts."""
    return is_admin(user)


def can_create_donors(user: Any) -> bool:
    """Add an organisation (a technician at a pick-up); editing stays with admins."""
    return works_on_devices(user)
