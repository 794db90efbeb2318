"""Who may do what with WEEE batches, partners and the register. Routes keep their coarse
`roles_required` gate; these predicates answer the finer questions for routes and templates
(`can_manage_weee_partners` is a template global, registered in refurb.wiring)."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin, works_on_devices


def can_fill_batch(user: Any, batch: Any) -> bool:
    """Add, correct or take out items: the workshop, while the batch is open."""
    return works_on_devices(user) and batch.is_open


def can_close_batch(user: Any, batch: Any) -> bool:
    """Handing a batch over commits the workshop before the law: admins only."""
    return is_admin(user) and batch.is_open


def can_manage_partners(user: Any) -> bool:
    return is_admin(user)


def can_correct_register(user: Any) -> bool:
    return is_admin(user)


def can_record_incoming(user: Any) -> bool:
    return is_admin(user)


PREDICATES = {"can_manage_weee_partners": can_manage_partners}
