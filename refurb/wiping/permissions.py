"""Who may do what with drives and wipe records. Routes use these (after the coarse
`roles_required` gate) and templates get their answers as `can_*` booleans."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from refurb.accounts.permissions import is_admin, works_on_devices
from refurb.wiping.log_matching import Actor
from refurb.wiping.models import WipeRecord


def can_work_on_drives(user: Any) -> bool:
    """Add, remove and record drives, attach log drives, issue certificates, print labels."""
    return works_on_devices(user)


def can_validate_wipe(user: Any, record: WipeRecord) -> bool:
    """NIST Rev.2: a second person, not the operator, validates a record not validated yet.
    (Whether the record counts at all is the rules' answer: refurb.wiping.claims.verdict_of.)"""
    return (works_on_devices(user) and record.validation is None
            and user.id != record.operator_id)


def can_override_match(user: Any) -> bool:
    """Attach a log entry that does not match the drive, with a written reason."""
    return is_admin(user)


def current_actor() -> Actor:
    """The signed-in user as the log-matching rules see them."""
    return Actor(current_user.id if current_user.is_authenticated else None,
                 is_admin=current_user.is_authenticated and can_override_match(current_user))
