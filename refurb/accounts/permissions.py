"""Who may do what, as named predicates on a user. Routes use them (with `roles_required` for
the coarse gate) and templates read the same answers through `can_*` booleans or the template
globals registered in refurb.wiring; nothing else compares roles. Each domain keeps its own
`permissions.py` built on these."""

from __future__ import annotations

from typing import Any

from refurb.accounts.access import ADMIN, DONOR, SOCIAL, STAFF, WORKSHOP


def _has(user: Any, roles: tuple) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in roles)


def is_admin(user: Any) -> bool:
    return _has(user, ADMIN)


def is_staff(user: Any) -> bool:
    return _has(user, STAFF)


def works_on_devices(user: Any) -> bool:
    """Technicians and admins: the workshop floor, wiping, labels, WEEE."""
    return _has(user, WORKSHOP)


def sees_people(user: Any) -> bool:
    """Social workers and admins: beneficiaries' personal data (invariant 4)."""
    return _has(user, SOCIAL)


def is_donor(user: Any) -> bool:
    return _has(user, DONOR)


PREDICATES = {"is_admin": is_admin, "is_staff": is_staff, "works_on_devices": works_on_devices,
              "sees_people": sees_people, "is_donor": is_donor}
