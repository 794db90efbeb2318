"""A programme's sessions created as one weekly series, and one session moved to another day
(its marks kept, its participants listed to be told)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.core.training import end_after, series_dates
from refurb.extensions import db
from refurb.training import queries
from refurb.training.models import Enrolment, Programme, TrainingSession
from refurb.training.sessions import SessionValues, create_session, update_session


@dataclass(frozen=True)
class SeriesValues:
    first_date: date
    weekday: int
    start_time: time
    hours: Decimal
    count: int
    place: str = ""
    trainer_id: int | None = None
    trainer_name: str = ""
    group_name: str = ""
    topics: str = ""
    skip: frozenset[date] = field(default_factory=frozenset)


def create_series(programme: Programme, values: SeriesValues, *, actor_id: int | None,
                  now: datetime) -> list[TrainingSession]:
    """Every session of the series, or none: each is checked as a single session would be,
    before anything is written."""
    dates = series_dates(values.first_date, values.weekday, values.count, values.skip)
    end = end_after(values.start_time, values.hours)
    taken = queries.session_dates(programme.id, values.group_name)
    clash = [d for d in dates if d in taken]
    if clash:
        raise InvalidInput(N_("La formation a déjà une séance le %(dates)s : sautez ces dates "
                              "ou choisissez un autre groupe."),
                           dates=", ".join(f"{d:%d/%m/%Y}" for d in clash))
    return [
        create_session(SessionValues(
            programme_id=programme.id, session_date=day, start_time=values.start_time,
            end_time=end, place=values.place, trainer_id=values.trainer_id,
            trainer_name=values.trainer_name, topics=values.topics,
            group_name=values.group_name, competences=frozenset(programme.competence_codes)),
            actor_id=actor_id, now=now)
        for day in dates
    ]


def _same(session: TrainingSession) -> dict:
    return {"programme_id": session.programme_id, "break_minutes": session.break_minutes,
            "place": session.place, "trainer_id": session.trainer_id,
            "trainer_name": session.trainer_name, "topics": session.topics,
            "group_name": session.group_name,
            "competences": frozenset(session.competence_codes)}


def move_session(session: TrainingSession, new_date: date, start: time, end: time, *,
                 actor_id: int | None, now: datetime) -> list[Enrolment]:
    """Another day or time for one session; marks already taken stay with it (the session's
    own rules refuse a move that would make them untrue). Returns the people to tell."""
    if new_date is None or start is None or end is None:
        raise InvalidInput(N_("Indiquez la nouvelle date et les nouveaux horaires."))
    if (new_date, start, end) == (session.session_date, session.start_time, session.end_time):
        raise InvalidInput(N_("La séance a déjà lieu à cette date et à ces horaires."))
    update_session(session, SessionValues(session_date=new_date, start_time=start,
                                          end_time=end, **_same(session)),
                   actor_id=actor_id, now=now)
    db.session.flush()
    return to_tell(session)


def to_tell(session: TrainingSession) -> list[Enrolment]:
    """Who expects the session: enrolled (its group, if any) and not withdrawn."""
    return [e for e in queries.participants(session) if e.withdrawn_on is None]
