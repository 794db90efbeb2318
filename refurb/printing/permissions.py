"""Who may print labels: the workshop floor (technicians and admins)."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import works_on_devices


def can_print_labels(user: Any) -> bool:
    return works_on_devices(user)
