"""Who may do what with a device, beyond seeing it (every staff role sees devices)."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import works_on_devices


def can_change_device(user: Any) -> bool:
    """Change a device's state or add a note to its history: the workshop floor."""
    return works_on_devices(user)
