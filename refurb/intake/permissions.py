"""Who may do what around collections, beyond the workshop roles every intake page needs."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin


def can_open_donor_view(user: Any) -> bool:
    """The portal's view of a collection (and its tax receipt) is opened by admins only."""
    return is_admin(user)
