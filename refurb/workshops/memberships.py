"""Who belongs to which workshop, with which role (use cases: flush, never commit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.workshops.context import current_workshop_id
from refurb.workshops.models import MEMBER_ROLES, Membership


def add_member(user, role: str, workshop_id: int, *, now: datetime) -> Membership:  # noqa: ANN001
    """Give `user` the role `role` in a workshop (or change the role they have there)."""
    if role not in MEMBER_ROLES:
        raise InvalidInput(N_("Rôle inconnu dans un atelier : %(role)s."), role=role)
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.workshop_id == workshop_id))
    if membership is None:
        membership = Membership(user_id=user.id, workshop_id=workshop_id, role=role,
                                created_at=now)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    return membership


def set_role(user, role: str) -> None:  # noqa: ANN001
    """An admin changed the user's role: it is their role in the current workshop."""
    workshop_id = current_workshop_id()
    if workshop_id is None:
        return
    membership = db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.workshop_id == workshop_id))
    if membership is None:
        return
    if role in MEMBER_ROLES:
        membership.role = role
    else:  # became a donor account: donors belong to the network, not to a workshop
        db.session.delete(membership)
