"""Who may do what on the workshop floor, as named predicates on a user (see
refurb.accounts.permissions). Routes keep `roles_required` as the coarse gate; pages get the
answers as `can_*` booleans."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin, works_on_devices


def can_work_on_devices(user: Any) -> bool:
    """Diagnose, repair, install, check, shelve, harvest: technicians and admins."""
    return works_on_devices(user)


def can_edit_profiles(user: Any) -> bool:
    return is_admin(user)


def can_edit_checklist(user: Any) -> bool:
    return is_admin(user)


def can_open_batch(user: Any, batch: Any) -> bool:
    """A batch scan belongs to the technician who started it; admins may open any."""
    return bool(user.is_authenticated and (batch.actor_id == user.id or is_admin(user)))
