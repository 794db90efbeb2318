"""Read side of the training record: lists with their counts (no N+1), a session's
participants and marks, and the attendance facts the arithmetic in core.training runs on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, time
from typing import NamedTuple

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload

from refurb.accounts.models import Role, User
from refurb.beneficiaries.models import Beneficiary
from refurb.core.training import Presence
from refurb.extensions import db

from .models import (
    Attendance,
    Enrolment,
    Programme,
    SessionCompetence,
    TrainingSession,
    Validation,
)

# Keeps IN lists well under SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


# --- programmes ---------------------------------------------------------------------------


def list_programmes_query(include_inactive: bool = True) -> Select:
    query = select(Programme).order_by(Programme.active.desc(), Programme.title)
    if not include_inactive:
        query = query.where(Programme.active.is_(True))
    return query


def programme_choices(include_id: int | None = None) -> list[Programme]:
    """Active programmes for pickers (plus ``include_id``, e.g. an inactive one being edited)."""
    query = select(Programme).order_by(Programme.title)
    condition = Programme.active.is_(True)
    if include_id is not None:
        condition = or_(condition, Programme.id == include_id)
    return list(db.session.scalars(query.where(condition)))


class ProgrammeCounts(NamedTuple):
    enrolled: int
    sessions: int
    next_session_on: date | None


def programme_counts(programme_ids: list[int], today: date) -> dict[int, ProgrammeCounts]:
    """Enrolled participants, sessions and the next session date: two grouped queries."""
    if not programme_ids:
        return {}
    enrolled = dict(db.session.execute(
        select(Enrolment.programme_id, func.count())
        .where(Enrolment.programme_id.in_(programme_ids), Enrolment.withdrawn_on.is_(None))
        .group_by(Enrolment.programme_id)
    ).all())
    upcoming = case((TrainingSession.session_date >= today, TrainingSession.session_date))
    sessions = {
        pid: (count, next_on)
        for pid, count, next_on in db.session.execute(
            select(TrainingSession.programme_id, func.count(), func.min(upcoming))
            .where(TrainingSession.programme_id.in_(programme_ids))
            .group_by(TrainingSession.programme_id)
        ).all()
    }
    return {
        pid: ProgrammeCounts(enrolled.get(pid, 0), *sessions.get(pid, (0, None)))
        for pid in programme_ids
    }


# --- sessions -----------------------------------------------------------------------------


def list_sessions_query(programme_id: int | None = None, when: str = "all",
                        today: date | None = None) -> Select:
    """``when``: "upcoming" (today on, soonest first), "past" (latest first) or "all"."""
    query = select(TrainingSession).options(
        joinedload(TrainingSession.programme), joinedload(TrainingSession.trainer)
    )
    if programme_id is not None:
        query = query.where(TrainingSession.programme_id == programme_id)
    if when == "upcoming" and today is not None:
        return query.where(TrainingSession.session_date >= today).order_by(
            TrainingSession.session_date, TrainingSession.start_time, TrainingSession.id)
    if when == "past" and today is not None:
        query = query.where(TrainingSession.session_date < today)
    return query.order_by(TrainingSession.session_date.desc(),
                          TrainingSession.start_time.desc(), TrainingSession.id.desc())


def get_session(session_id: int) -> TrainingSession | None:
    return db.session.scalar(
        select(TrainingSession)
        .options(joinedload(TrainingSession.programme), joinedload(TrainingSession.trainer))
        .where(TrainingSession.id == session_id)
    )


def sessions_of_programme(programme_id: int) -> list[TrainingSession]:
    return list(db.session.scalars(list_sessions_query(programme_id).order_by(None).order_by(
        TrainingSession.session_date, TrainingSession.start_time, TrainingSession.id)))


def session_numbers(sessions: Iterable[TrainingSession]) -> dict[int, int]:
    """Rank of each session within its programme and group (1 = first), by date and time;
    one query whatever the number of sessions."""
    sessions = list(sessions)
    if not sessions:
        return {}
    rank = func.row_number().over(
        partition_by=(TrainingSession.programme_id, TrainingSession.group_name),
        order_by=(TrainingSession.session_date, TrainingSession.start_time, TrainingSession.id),
    ).label("rank")
    ranked = (
        select(TrainingSession.id, rank)
        .where(TrainingSession.programme_id.in_({s.programme_id for s in sessions}))
        .subquery()
    )
    wanted = [s.id for s in sessions]
    return dict(db.session.execute(select(ranked.c.id, ranked.c.rank)
                                   .where(ranked.c.id.in_(wanted))).all())


def presence_counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """Participants per session and presence: present if present at any half-day."""
    if not session_ids:
        return {}
    present = func.max(case((Attendance.presence == Presence.PRESENT.value, 1), else_=0))
    per_person = (
        select(Attendance.session_id, Attendance.beneficiary_id, present.label("came"))
        .where(Attendance.session_id.in_(session_ids))
        .group_by(Attendance.session_id, Attendance.beneficiary_id)
        .subquery()
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"present": 0, "recorded": 0})
    for session_id, came, number in db.session.execute(
        select(per_person.c.session_id, per_person.c.came, func.count())
        .group_by(per_person.c.session_id, per_person.c.came)
    ):
        counts[session_id]["recorded"] += number
        if came:
            counts[session_id]["present"] += number
    return dict(counts)


# --- people -------------------------------------------------------------------------------


def trainer_choices() -> list[User]:
    """Staff who may run a session (technicians too: they do not open these pages, but they
    can be named as trainer)."""
    return list(db.session.scalars(
        select(User)
        .where(User.active.is_(True),
               User.role.in_([Role.ADMIN.value, Role.SOCIAL_WORKER.value, Role.TECHNICIAN.value]))
        .order_by(User.display_name)
    ))


def _by_name(enrolment: Enrolment):
    b = enrolment.beneficiary
    return (b.anonymised_at is not None, (b.last_name or "").lower(),
            (b.first_name or "").lower(), (b.organisation_name or "").lower(), b.pseudonym)


def enrolments_of_programme(programme_id: int) -> list[Enrolment]:
    rows = db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.beneficiary))
        .where(Enrolment.programme_id == programme_id)
    )
    return sorted(rows, key=lambda e: (e.withdrawn_on is not None, *_by_name(e)))


def participants(session: TrainingSession) -> list[Enrolment]:
    """Who is expected on the sheet: enrolled in the programme (and the session's group, if it
    has one), not withdrawn before the session; plus anyone already marked for it."""
    marked = select(Attendance.beneficiary_id).where(Attendance.session_id == session.id)
    expected = (Enrolment.withdrawn_on.is_(None)) | (Enrolment.withdrawn_on > session.session_date)
    if session.group_name:
        expected = expected & (Enrolment.group_name == session.group_name)
    rows = db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.beneficiary))
        .where(Enrolment.programme_id == session.programme_id)
        .where(or_(expected, Enrolment.beneficiary_id.in_(marked)))
    )
    return sorted(rows, key=_by_name)


def session_dates(programme_id: int, group_name: str = "") -> set[date]:
    """Days the programme already has a session for this group (or for everyone)."""
    return set(db.session.scalars(
        select(TrainingSession.session_date).where(
            TrainingSession.programme_id == programme_id,
            TrainingSession.group_name.in_({"", " ".join((group_name or "").split())}))))


def beneficiaries_by_ids(ids: Iterable[int]) -> dict[int, Beneficiary]:
    found: dict[int, Beneficiary] = {}
    for chunk in _chunks(ids):
        found.update((b.id, b) for b in db.session.scalars(
            select(Beneficiary).where(Beneficiary.id.in_(chunk))))
    return found


def enrolments_for(programme_id: int, beneficiary_ids: Iterable[int]) -> list[Enrolment]:
    """The programme's enrolments (withdrawn too) of these beneficiaries."""
    rows: list[Enrolment] = []
    for chunk in _chunks(beneficiary_ids):
        rows.extend(db.session.scalars(select(Enrolment).where(
            Enrolment.programme_id == programme_id, Enrolment.beneficiary_id.in_(chunk))))
    return rows


def enrolment_candidates(today: date) -> list[Beneficiary]:
    """Files one may enrol from the page: the waiting list, then files approved and valid."""
    waiting = select(Beneficiary).where(Beneficiary.status == "waiting",
                                        Beneficiary.anonymised_at.is_(None))
    approved = select(Beneficiary).where(
        Beneficiary.status == "approved", Beneficiary.anonymised_at.is_(None),
        Beneficiary.approved_until >= today)
    rows = list(db.session.scalars(waiting.order_by(Beneficiary.priority.desc(),
                                                    Beneficiary.submitted_on, Beneficiary.id)))
    rows += db.session.scalars(approved.order_by(Beneficiary.approved_on, Beneficiary.id))
    return rows


def enrolment_of(programme_id: int, beneficiary_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(
        Enrolment.programme_id == programme_id, Enrolment.beneficiary_id == beneficiary_id))


def current_enrolments(beneficiary_ids: Iterable[int]) -> list[Enrolment]:
    """Enrolments not withdrawn of these beneficiaries, with their programme."""
    rows: list[Enrolment] = []
    for chunk in _chunks(beneficiary_ids):
        rows.extend(db.session.scalars(
            select(Enrolment).options(joinedload(Enrolment.programme))
            .where(Enrolment.beneficiary_id.in_(chunk), Enrolment.withdrawn_on.is_(None))
            .order_by(Enrolment.enrolled_on, Enrolment.id)))
    return rows


def enrolments_of_beneficiary(beneficiary_id: int) -> list[Enrolment]:
    return list(db.session.scalars(
        select(Enrolment).options(joinedload(Enrolment.programme))
        .where(Enrolment.beneficiary_id == beneficiary_id)
        .order_by(Enrolment.enrolled_on, Enrolment.id)
    ))


def get_beneficiary_by_pseudonym(pseudonym: str) -> Beneficiary | None:
    return db.session.scalar(
        select(Beneficiary).where(Beneficiary.pseudonym == (pseudonym or "").strip().upper())
    )


# --- marks --------------------------------------------------------------------------------


def marks_of_session(session_id: int) -> dict[int, dict[str, str]]:
    """{beneficiary_id: {half_day: presence}}"""
    marks: dict[int, dict[str, str]] = defaultdict(dict)
    for bid, half_day, presence in db.session.execute(
        select(Attendance.beneficiary_id, Attendance.half_day, Attendance.presence)
        .where(Attendance.session_id == session_id)
    ):
        marks[bid][half_day] = presence
    return dict(marks)


def validations_of_session(session_id: int) -> dict[int, dict[str, int]]:
    """{beneficiary_id: {code: level}}"""
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for bid, code, level in db.session.execute(
        select(Validation.beneficiary_id, Validation.code, Validation.level)
        .where(Validation.session_id == session_id)
    ):
        levels[bid][code] = level
    return dict(levels)


class MarkRow(NamedTuple):
    """One half-day mark with what the arithmetic needs about its session."""

    beneficiary_id: int
    programme_id: int
    session_id: int
    session_date: date
    start_time: time
    end_time: time
    break_minutes: int
    half_day: str
    presence: str


def mark_rows(beneficiary_ids: Iterable[int], *, present_only: bool = False) -> list[MarkRow]:
    """Every half-day mark of these beneficiaries, with the session's times: one query per
    500 beneficiaries."""
    rows: list[MarkRow] = []
    for chunk in _chunks(beneficiary_ids):
        query = (
            select(Attendance.beneficiary_id, TrainingSession.programme_id, TrainingSession.id,
                   TrainingSession.session_date, TrainingSession.start_time,
                   TrainingSession.end_time, TrainingSession.break_minutes,
                   Attendance.half_day, Attendance.presence)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(Attendance.beneficiary_id.in_(chunk))
        )
        if present_only:
            query = query.where(Attendance.presence == Presence.PRESENT.value)
        rows.extend(MarkRow(*row) for row in db.session.execute(query))
    return rows


def competences_worked(beneficiary_id: int, programme_id: int | None = None) -> set[str]:
    """Codes worked at the sessions where the beneficiary was present."""
    present = (
        select(Attendance.session_id)
        .where(Attendance.beneficiary_id == beneficiary_id,
               Attendance.presence == Presence.PRESENT.value)
    )
    query = select(SessionCompetence.code).where(SessionCompetence.session_id.in_(present))
    if programme_id is not None:
        query = query.join(TrainingSession, TrainingSession.id == SessionCompetence.session_id)
        query = query.where(TrainingSession.programme_id == programme_id)
    return set(db.session.scalars(query.distinct()))


def validations_of_beneficiary(beneficiary_id: int) -> list[tuple[int, str, int, date]]:
    """(programme_id, code, level, session date) of every validation, oldest first."""
    return [tuple(row) for row in db.session.execute(
        select(TrainingSession.programme_id, Validation.code, Validation.level,
               TrainingSession.session_date)
        .join(TrainingSession, TrainingSession.id == Validation.session_id)
        .where(Validation.beneficiary_id == beneficiary_id)
        .order_by(TrainingSession.session_date, Validation.id)
    )]


def session_details(session_ids: Iterable[int]) -> dict[int, TrainingSession]:
    ids = list(set(session_ids))
    if not ids:
        return {}
    return {s.id: s for s in db.session.scalars(
        select(TrainingSession).where(TrainingSession.id.in_(ids)))}


def get_enrolment(enrolment_id: int) -> Enrolment | None:
    return db.session.scalar(
        select(Enrolment)
        .options(joinedload(Enrolment.beneficiary), joinedload(Enrolment.programme))
        .where(Enrolment.id == enrolment_id)
    )
