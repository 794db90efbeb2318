"""Training sessions: date, times (half-days), place, trainer, group and the Pix competences
worked. Once marks are taken, a session can no longer change in ways that would make them
untrue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from refurb.accounts.models import STAFF_ROLES, User
from refurb.clock import local_date
from refurb.core import pix
from refurb.core.errors import IllegalTransition, InvalidInput
from refurb.core.i18n import N_
from refurb.core.training import HalfDay, Presence, Slot, check_marks
from refurb.extensions import db
from refurb.training import queries
from refurb.training.models import Programme, SessionCompetence, TrainingSession


@dataclass(frozen=True)
class SessionValues:
    programme_id: int
    session_date: date
    start_time: Any
    end_time: Any
    break_minutes: int = 0
    place: str = ""
    trainer_id: int | None = None
    trainer_name: str = ""
    topics: str = ""
    group_name: str = ""
    competences: frozenset[str] = field(default_factory=frozenset)


def _trainer_name(values: SessionValues) -> str:
    """The name typed for a trainer without an account; "" when a team member is chosen (the
    account's name is shown, kept up to date)."""
    if values.trainer_id:
        trainer = db.session.get(User, values.trainer_id)
        if trainer is None or not trainer.active or trainer.role not in STAFF_ROLES:
            raise InvalidInput(N_("Le formateur choisi n'est pas un membre actif de l'équipe."))
        return ""
    name = " ".join((values.trainer_name or "").split())
    if not name:
        raise InvalidInput(N_("Indiquez le formateur : un membre de l'équipe ou un nom."))
    return name


def _clean(values: SessionValues) -> dict[str, Any]:
    programme = db.session.get(Programme, values.programme_id) if values.programme_id else None
    if programme is None:
        raise InvalidInput(N_("Choisissez la formation de la séance."))
    if values.session_date is None:
        raise InvalidInput(N_("La date de la séance est obligatoire."))
    slot = Slot(values.start_time, values.end_time, values.break_minutes or 0)
    return {
        "programme_id": programme.id,
        "session_date": values.session_date,
        "start_time": slot.start,
        "end_time": slot.end,
        "break_minutes": slot.break_minutes,
        "place": " ".join((values.place or "").split()),
        "trainer_id": values.trainer_id or None,
        "trainer_name": _trainer_name(values),
        "topics": (values.topics or "").strip(),
        "group_name": " ".join((values.group_name or "").split()),
        "codes": pix.sort_codes(values.competences),
    }


def _apply(session: TrainingSession, data: dict[str, Any]) -> None:
    codes = data.pop("codes")
    for name, value in data.items():
        setattr(session, name, value)
    current = {row.code: row for row in session.competence_rows}
    session.competence_rows = [current.get(c) or SessionCompetence(code=c) for c in codes]


def create_session(values: SessionValues, *, actor_id: int | None, now: datetime) -> TrainingSession:
    session = TrainingSession(created_at=now, created_by_id=actor_id)
    _apply(session, _clean(values))
    db.session.add(session)
    db.session.flush()
    return session


def _check_marks_stay_true(session: TrainingSession, data: dict[str, Any],
                           marks: dict[int, dict[str, str]], now: datetime) -> None:
    """Marks already taken must stay true of the session they were taken at."""
    if data["programme_id"] != session.programme_id:
        raise IllegalTransition(N_("Des présences sont saisies : la séance ne peut pas changer "
                                   "de formation."))
    if data["session_date"] > local_date(now):
        raise IllegalTransition(N_("Des présences sont saisies : la séance ne peut pas être "
                                   "déplacée dans le futur."))
    slot = Slot(data["start_time"], data["end_time"], data["break_minutes"])
    for by_day in marks.values():
        try:
            check_marks(slot, {HalfDay(d): Presence(p) for d, p in by_day.items()})
        except InvalidInput:
            raise IllegalTransition(N_(
                "Des présences sont saisies pour une demi-journée que les nouveaux horaires ne "
                "couvrent plus : corrigez d'abord les présences.")) from None
    validated = {c for levels in queries.validations_of_session(session.id).values()
                 for c in levels}
    dropped = validated - set(data["codes"])
    if dropped:
        raise IllegalTransition(N_("Des compétences validées à cette séance ne seraient plus "
                                   "travaillées : %(codes)s."),
                                codes=", ".join(pix.sort_codes(dropped)))


def update_session(session: TrainingSession, values: SessionValues, *, actor_id: int | None,
                   now: datetime) -> TrainingSession:
    data = _clean(values)
    marks = queries.marks_of_session(session.id)
    if marks:
        _check_marks_stay_true(session, data, marks, now)
    _apply(session, data)
    db.session.flush()
    return session


def trainer_label(session: TrainingSession) -> str:
    # get() answers from the identity map when the list query already joined the trainer.
    trainer = db.session.get(User, session.trainer_id) if session.trainer_id else None
    return trainer.display_name if trainer is not None else session.trainer_name
