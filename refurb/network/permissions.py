"""Who sees what of the network."""

from __future__ import annotations


def can_see_every_workshop(user) -> bool:  # noqa: ANN001
    """The network admin sees every workshop's figures; a workshop admin sees their own."""
    return bool(getattr(user, "network_admin", False))
