"""Creating workshops and reading the ones a user may act for (flush, never commit)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.workshops.context import current_workshop_id, default_workshop_id, memberships
from refurb.workshops.models import Workshop

CODE = re.compile(r"^[A-Z0-9-]{1,20}$")
PREFIX = re.compile(r"^[A-Z0-9]{1,6}$")


def active_workshop_ids() -> list[int]:
    return list(db.session.scalars(select(Workshop.id).where(Workshop.active.is_(True))
                                   .order_by(Workshop.id)))


def get_by_code(code: str) -> Workshop | None:
    return db.session.scalar(select(Workshop).where(Workshop.code == code.strip().upper()))


def current_workshop() -> Workshop | None:
    workshop_id = current_workshop_id()
    return None if workshop_id is None else db.session.get(Workshop, workshop_id)


def label_prefix() -> str:
    """The asset-tag prefix of the current workshop: distinct per workshop, so a tag is unique
    across the network (and a device keeps it when it moves)."""
    workshop = db.session.get(Workshop, current_workshop_id() or default_workshop_id())
    return workshop.label_prefix


def create_workshop(code: str, name: str, label_prefix: str, *, now: datetime) -> Workshop:
    code, prefix, name = code.strip().upper(), label_prefix.strip().upper(), name.strip()
    if not CODE.match(code):
        raise InvalidInput(N_("Code d'atelier invalide : lettres, chiffres et tirets, 20 au "
                              "plus."))
    if not PREFIX.match(prefix):
        raise InvalidInput(N_("Préfixe d'étiquettes invalide : 1 à 6 lettres majuscules ou "
                              "chiffres."))
    if not name:
        raise InvalidInput(N_("Le nom de l'atelier est obligatoire."))
    if get_by_code(code) is not None:
        raise InvalidInput(N_("Un atelier porte déjà le code %(code)s."), code=code)
    taken = db.session.scalar(select(func.count()).select_from(Workshop)
                              .where(Workshop.label_prefix == prefix))
    if taken:
        raise InvalidInput(N_("Le préfixe d'étiquettes %(prefix)s est déjà celui d'un autre "
                              "atelier."), prefix=prefix)
    workshop = Workshop(code=code, name=name, label_prefix=prefix, active=True, created_at=now)
    db.session.add(workshop)
    db.session.flush()
    return workshop


def switchable(user) -> list[Workshop]:  # noqa: ANN001
    """The workshops `user` may switch to: their own, every one for a network admin."""
    if getattr(user, "network_admin", False):
        return list(db.session.scalars(select(Workshop).where(Workshop.active.is_(True))
                                       .order_by(Workshop.name, Workshop.id)))
    return [m.workshop for m in memberships(user)]
