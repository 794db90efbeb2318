"""What participants attended, computed from the half-day marks with core.training: progress in
a programme, the beneficiary page's summary, figures for other domains.

For other domains (allocations, reports, the beneficiary page):

- ``sessions_attended(beneficiary_id) -> int`` — sessions with at least one half-day present
  (what ``Policy.min_training_sessions`` is compared with before a handover);
- ``training_summary(beneficiary_id) -> TrainingSummary`` — ready data for a beneficiary page;
- ``hours_delivered_for_beneficiaries(ids) -> Decimal`` — hours attended, for impact figures;
- ``training_in_progress(ids) -> dict[int, list[ProgrammeProgress]]`` — the programmes each
  beneficiary follows and has not completed yet (a reservation holds while there are some).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from refurb.core import pix
from refurb.core.training import HalfDay, Presence, Progress, SessionRecord, Slot, hours, progress
from refurb.extensions import db
from refurb.training import queries
from refurb.training.models import Attendance, Enrolment, Programme

# {beneficiary_id: {programme_id: {session_id: SessionRecord}}}
Records = dict[int, dict[int, dict[int, SessionRecord]]]


def records(rows: Iterable[queries.MarkRow]) -> Records:
    """The attendance tree of ``rows`` (half-day marks with their session's times)."""
    slots: dict[int, Slot] = {}
    marks: dict[tuple[int, int, int], dict[HalfDay, Presence]] = defaultdict(dict)
    for r in rows:
        if r.session_id not in slots:
            slots[r.session_id] = Slot(r.start_time, r.end_time, r.break_minutes)
        marks[(r.beneficiary_id, r.programme_id, r.session_id)][HalfDay(r.half_day)] = Presence(
            r.presence)
    tree: Records = defaultdict(lambda: defaultdict(dict))
    for (bid, pid, sid), by_day in marks.items():
        tree[bid][pid][sid] = SessionRecord(slots[sid], by_day)
    return tree


def programme_progress(programme: Programme, beneficiary_ids: Iterable[int]) -> dict[int, Progress]:
    ids = list(beneficiary_ids)
    tree = records(r for r in queries.mark_rows(ids) if r.programme_id == programme.id)
    return {bid: progress(programme.planned_sessions, tree.get(bid, {}).get(programme.id, {})
                          .values()) for bid in ids}


def sessions_attended(beneficiary_id: int) -> int:
    """Sessions (any programme) where the beneficiary was present for at least a half-day."""
    return db.session.scalar(
        select(func.count(func.distinct(Attendance.session_id)))
        .where(Attendance.beneficiary_id == beneficiary_id,
               Attendance.presence == Presence.PRESENT.value)
    ) or 0


def hours_delivered_for_beneficiaries(beneficiary_ids: Iterable[int]) -> Decimal:
    """Hours of training attended by these beneficiaries, all programmes together."""
    tree = records(queries.mark_rows(beneficiary_ids, present_only=True))
    minutes = sum(record.minutes_attended for by_programme in tree.values()
                  for by_session in by_programme.values() for record in by_session.values())
    return hours(minutes)


# --- competences --------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetenceLine:
    code: str
    name: str
    level: int | None = None  # the best level validated; None: worked only


def best_levels(rows: Iterable[tuple[int, str, int, date]],
                programme_id: int | None = None) -> dict[str, int]:
    best: dict[str, int] = {}
    for pid, code, level, _on in rows:
        if programme_id is None or pid == programme_id:
            best[code] = max(level, best.get(code, 0))
    return best


def competence_lines(worked: Iterable[str], best: Mapping[str, int]):
    """(worked, validated) lines, in the framework's order."""
    return (
        tuple(CompetenceLine(c, pix.competence(c).name) for c in pix.sort_codes(worked)),
        tuple(CompetenceLine(c, pix.competence(c).name, best[c]) for c in pix.sort_codes(best)),
    )


# --- the beneficiary's summary ------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeProgress:
    enrolment_id: int
    programme_id: int
    title: str
    group_name: str
    planned_sessions: int
    planned_hours: Decimal
    attended: int
    excused: int
    absent: int
    missing: int
    hours: Decimal
    complete: bool
    enrolled_on: date
    withdrawn_on: date | None
    first_session_on: date | None
    last_session_on: date | None
    certificate_number: str | None


@dataclass(frozen=True)
class TrainingSummary:
    beneficiary_id: int
    programmes: tuple[ProgrammeProgress, ...]
    sessions_attended: int
    sessions_planned: int
    hours_attended: Decimal
    competences_worked: tuple[CompetenceLine, ...]
    competences_validated: tuple[CompetenceLine, ...]
    last_session_on: date | None

    @property
    def enrolled(self) -> bool:
        return bool(self.programmes)

    @property
    def complete(self) -> bool:
        """Every current enrolment complete (and at least one)."""
        current = [p for p in self.programmes if p.withdrawn_on is None]
        return bool(current) and all(p.complete for p in current)


def _programme_line(e: Enrolment, by_session: Mapping[int, SessionRecord],
                    attended_on: list[date]) -> ProgrammeProgress:
    p = e.programme
    done = progress(p.planned_sessions, by_session.values())
    return ProgrammeProgress(
        enrolment_id=e.id, programme_id=p.id, title=p.title, group_name=e.group_name,
        planned_sessions=p.planned_sessions,
        planned_hours=(p.hours_per_session * p.planned_sessions).quantize(Decimal("0.01")),
        attended=done.attended, excused=done.excused, absent=done.absent,
        missing=done.missing, hours=done.hours, complete=done.complete,
        enrolled_on=e.enrolled_on, withdrawn_on=e.withdrawn_on,
        first_session_on=min(attended_on, default=None),
        last_session_on=max(attended_on, default=None),
        certificate_number=e.certificate_number,
    )


def training_summary(beneficiary_id: int) -> TrainingSummary:
    enrolments = queries.enrolments_of_beneficiary(beneficiary_id)
    mine = records(queries.mark_rows([beneficiary_id])).get(beneficiary_id, {})
    dates = _attended_dates(mine)
    lines = [_programme_line(e, mine.get(e.programme.id, {}), dates.get(e.programme.id, []))
             for e in enrolments]
    every = [r for by_session in mine.values() for r in by_session.values()]
    worked, validated = competence_lines(
        queries.competences_worked(beneficiary_id),
        best_levels(queries.validations_of_beneficiary(beneficiary_id)))
    all_dates = [d for ds in dates.values() for d in ds]
    return TrainingSummary(
        beneficiary_id=beneficiary_id,
        programmes=tuple(lines),
        sessions_attended=sum(r.attended for r in every),
        sessions_planned=sum(p.planned_sessions for p in lines if p.withdrawn_on is None),
        hours_attended=hours(sum(r.minutes_attended for r in every)),
        competences_worked=worked,
        competences_validated=validated,
        last_session_on=max(all_dates, default=None),
    )


def _attended_dates(mine: Mapping[int, Mapping[int, SessionRecord]]) -> dict[int, list[date]]:
    attended = {sid for by_session in mine.values()
                for sid, r in by_session.items() if r.attended}
    sessions = queries.session_details(attended)
    dates: dict[int, list[date]] = defaultdict(list)
    for pid, by_session in mine.items():
        dates[pid] = sorted(sessions[sid].session_date for sid in by_session if sid in sessions)
    return dates


# --- training still going on ---------------------------------------------------------------


def training_in_progress(beneficiary_ids: Iterable[int]) -> dict[int, list[ProgrammeProgress]]:
    """Beneficiary id → the programmes they are enrolled in (not withdrawn) and have not
    completed; beneficiaries with none are left out. Two queries whatever the number."""
    ids = set(beneficiary_ids)
    enrolments = queries.current_enrolments(ids)
    if not enrolments:
        return {}
    tree = records(queries.mark_rows({e.beneficiary_id for e in enrolments}))
    going_on: dict[int, list[ProgrammeProgress]] = defaultdict(list)
    for e in enrolments:
        line = _programme_line(e, tree.get(e.beneficiary_id, {}).get(e.programme_id, {}), [])
        if not line.complete:
            going_on[e.beneficiary_id].append(line)
    return dict(going_on)
