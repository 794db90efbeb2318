"""Training programmes: an offer such as "Prise en main — 5 séances de 2 h", with the Pix
competences it works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from refurb.core import pix
from refurb.core.errors import ConcurrentChange, InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db
from refurb.training.models import Programme, ProgrammeCompetence

MAX_SESSIONS = 100
MAX_HOURS_PER_SESSION = Decimal(12)


@dataclass(frozen=True)
class ProgrammeValues:
    title: str
    planned_sessions: int
    hours_per_session: Decimal
    description: str = ""
    competences: frozenset[str] = field(default_factory=frozenset)
    active: bool = True


def flush_unique(message: str) -> None:
    """Flush; a unique row another request inserted between our check and our flush becomes
    a ConcurrentChange saying ``message`` (a msgid)."""
    try:
        db.session.flush()
    except IntegrityError:
        raise ConcurrentChange(message) from None


def _clean(values: ProgrammeValues, programme_id: int | None) -> dict[str, Any]:
    title = " ".join((values.title or "").split())
    if not title:
        raise InvalidInput(N_("Le titre de la formation est obligatoire."))
    same = db.session.scalar(select(Programme.id).where(
        func.lower(Programme.title) == title.lower(), Programme.id != (programme_id or 0)))
    if same is not None:
        raise InvalidInput(N_("Une formation s'appelle déjà « %(title)s »."), title=title)
    if not isinstance(values.planned_sessions, int) or not 1 <= values.planned_sessions <= MAX_SESSIONS:
        raise InvalidInput(N_("Le nombre de séances prévues doit être compris entre 1 et "
                              "%(maximum)s."), maximum=MAX_SESSIONS)
    try:
        per_session = Decimal(values.hours_per_session).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInput(N_("Durée d'une séance invalide.")) from None
    if not Decimal(0) < per_session <= MAX_HOURS_PER_SESSION:
        raise InvalidInput(N_("La durée d'une séance doit être comprise entre 0 et 12 heures."))
    return {
        "title": title,
        "description": (values.description or "").strip(),
        "planned_sessions": values.planned_sessions,
        "hours_per_session": per_session,
        "active": bool(values.active),
        "codes": pix.sort_codes(values.competences),
    }


def _apply(programme: Programme, data: dict[str, Any]) -> None:
    codes = data.pop("codes")
    for name, value in data.items():
        setattr(programme, name, value)
    current = {row.code: row for row in programme.competence_rows}
    programme.competence_rows = [current.get(c) or ProgrammeCompetence(code=c) for c in codes]


def create_programme(values: ProgrammeValues, *, actor_id: int | None, now: datetime) -> Programme:
    data = _clean(values, None)
    programme = Programme(created_at=now, created_by_id=actor_id)
    _apply(programme, data)
    db.session.add(programme)
    flush_unique(N_("Une formation du même titre vient d'être créée : rechargez la page."))
    return programme


def update_programme(programme: Programme, values: ProgrammeValues, *, actor_id: int | None,
                     now: datetime) -> Programme:
    _apply(programme, _clean(values, programme.id))
    flush_unique(N_("La formation vient d'être modifiée par quelqu'un d'autre : rechargez la "
                    "page."))
    return programme
