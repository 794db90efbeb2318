"""Read side of the reports: every figure is a GROUP BY over records and events (invariant 6),
never a loop over all rows. Python only folds the small grouped results (days into weeks,
sessions into programmes, hour buckets into percentiles).

Periods are inclusive dates, compared with the stored (naive UTC) times as
[start 00:00, end + 1 day 00:00).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, distinct, func, select, union_all

from refurb.allocations.models import (
    Allocation,
    Cohort,
    CohortMember,
    ReservationItem,
    SchoolProgramme,
)
from refurb.beneficiaries.models import HOUSEHOLD_KINDS, Beneficiary, BeneficiarySituation
from refurb.core.calendar_spans import calendar_spans
from refurb.core.lifecycle import State
from refurb.core.training import Presence, Slot
from refurb.devices.models import DeviceEvent
from refurb.extensions import db
from refurb.reports import tallies
from refurb.reports.models import (
    DepartureDay,
    DeviceStay,
    FundingLine,
    Reentry,
    ServedSpan,
    StayHours,
    TransitionDay,
    WeeeBatchCategory,
)
from refurb.reports.tallies import handed_over_items
from refurb.training.models import Attendance, Enrolment, Programme, TrainingSession
from refurb.weee.models import WeeeBatch

THROUGHPUT_STATES = (State.RECEIVED.value, State.READY.value, State.ALLOCATED.value,
                     State.DISPOSED.value)
LEFT_STATES = (State.ALLOCATED.value, State.DISPOSED.value)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def begin(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def finish(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time())

    def days(self) -> int:
        return (self.end - self.start).days + 1


def _day(value) -> date:
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _kg(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


# --- devices ------------------------------------------------------------------------------


def stock_by_state_and_type() -> list[tuple[str, str, int]]:
    """Devices now, by state and type (the workshop's tallies: one row per state and type)."""
    return tallies.stock_counts()


def _transitions(period: Period, states: Iterable[str]):
    return and_(
        DeviceEvent.to_state.in_(list(states)),
        DeviceEvent.occurred_at >= period.begin,
        DeviceEvent.occurred_at < period.finish,
        DeviceEvent.kind == "transition",
    )


def _days(period: Period, states: Iterable[str]):
    return and_(TransitionDay.state.in_(list(states)), TransitionDay.day >= period.start,
                TransitionDay.day <= period.end, TransitionDay.transitions != 0)


def transitions_by_day(period: Period, states: Iterable[str] = THROUGHPUT_STATES
                       ) -> list[tuple[str, date, int]]:
    """Transition events into `states`, per day: (state, day, count), from the day tallies."""
    rows = db.session.execute(
        select(TransitionDay.state, TransitionDay.day, TransitionDay.transitions)
        .where(_days(period, states))
    )
    return [(state, _day(d), int(n)) for state, d, n in rows]


def transition_totals(period: Period, states: Iterable[str] = THROUGHPUT_STATES) -> dict[str, int]:
    rows = db.session.execute(
        select(TransitionDay.state, func.sum(TransitionDay.transitions))
        .where(_days(period, states))
        .group_by(TransitionDay.state)
    )
    counts = dict.fromkeys(states, 0)
    counts.update({state: int(n) for state, n in rows})
    return counts


def stay_histograms(period: Period) -> dict[str, list[tuple[int, int]]]:
    """Stays that ended in the period: {state: [(whole hours, how many), …]}. Whole years
    and months from the stay histograms, the days at the edges (at most half a month each)
    from the stays themselves: one statement, a few thousand rows for whole months and years
    whatever the stock."""
    spans = calendar_spans(period.start, period.end)
    parts = []
    for span, starts in (("y", spans.years), ("m", spans.months)):
        if starts:
            parts.append(select(StayHours.state, StayHours.hours, StayHours.stays.label("n"))
                         .where(StayHours.span == span, StayHours.starts_on.in_(starts)))
    for sign, ranges in ((1, spans.days), (-1, spans.minus_days)):
        for first, last in ranges:
            parts.append(
                select(DeviceStay.state, DeviceStay.hours, (sign * func.count()).label("n"))
                .where(DeviceStay.left_at >= datetime.combine(first, time()),
                       DeviceStay.left_at < datetime.combine(last + timedelta(days=1), time()))
                .group_by(DeviceStay.state, DeviceStay.hours))
    pieces = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    rows = db.session.execute(
        select(pieces.c.state, pieces.c.hours, func.sum(pieces.c.n))
        .group_by(pieces.c.state, pieces.c.hours)
        .having(func.sum(pieces.c.n) != 0))
    histograms: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for state, hours, n in rows:
        histograms[state].append((int(hours), int(n)))
    return dict(histograms)


@dataclass(frozen=True)
class LeftRow:
    """Devices that left in the period, by way out and type (each device once per way)."""

    state: str  # allocated | disposed
    device_type: str
    devices: int
    kg: Decimal


def devices_left(period: Period) -> list[LeftRow]:
    """From the departure tallies: entries into each way out during the period, minus the
    re-entries whose previous entry was in the period too (each device once per way)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for state, kind, n, g in db.session.execute(
        select(DepartureDay.state, DepartureDay.device_type, func.sum(DepartureDay.devices),
               func.sum(DepartureDay.grams))
        .where(DepartureDay.day >= period.start, DepartureDay.day <= period.end)
        .group_by(DepartureDay.state, DepartureDay.device_type)
    ):
        counts[(state, kind)][0] += int(n or 0)
        counts[(state, kind)][1] += int(g or 0)
    for state, kind, n, g in db.session.execute(
        select(Reentry.state, Reentry.device_type, func.count(), func.sum(Reentry.grams))
        .where(Reentry.day >= period.start, Reentry.day <= period.end,
               Reentry.previous_day >= period.start)
        .group_by(Reentry.state, Reentry.device_type)
    ):
        counts[(state, kind)][0] -= int(n)
        counts[(state, kind)][1] -= int(g or 0)
    return [LeftRow(state, kind, n, _kg(tallies.kg(g))) for (state, kind), (n, g)
            in sorted(counts.items()) if n]


# --- WEEE ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeeRow:
    category: int
    items: int
    quantity: int
    kg: Decimal


def weee_by_category(period: Period) -> list[WeeeRow]:
    """What left in batches handed over in the period, by WEEE category: each closed batch's
    totals by category (a few rows per batch, however many items)."""
    rows = db.session.execute(
        select(WeeeBatchCategory.category, func.sum(WeeeBatchCategory.items),
               func.sum(WeeeBatchCategory.quantity), func.sum(WeeeBatchCategory.weight_kg))
        .join(WeeeBatch, WeeeBatch.id == WeeeBatchCategory.batch_id)
        .where(WeeeBatch.state == "closed", WeeeBatch.handover_date >= period.start,
               WeeeBatch.handover_date <= period.end)
        .group_by(WeeeBatchCategory.category)
        .order_by(WeeeBatchCategory.category)
    )
    return [WeeeRow(int(c), int(n), int(q or 0), _kg(kg)) for c, n, q, kg in rows]


# --- beneficiaries (counts only: kind, commune and situation survive the GDPR purge) -------


@dataclass(frozen=True)
class ServedRow:
    key: str
    beneficiaries: int
    allocations: int


def _served(period: Period, column, *joins) -> list[ServedRow]:
    query = (
        select(column, func.count(distinct(Allocation.beneficiary_id)), func.count(Allocation.id))
        .select_from(Allocation)
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
    )
    for target, on in joins:
        query = query.join(target, on)
    rows = db.session.execute(
        query.where(Allocation.handed_over_at >= period.begin,
                    Allocation.handed_over_at < period.finish)
        .group_by(column)
        .order_by(column)
    )
    return [ServedRow(str(key), int(b), int(a)) for key, b, a in rows]


def served_by_kind(period: Period) -> list[ServedRow]:
    return _served(period, Beneficiary.kind)


def served_by_commune(period: Period) -> list[ServedRow]:
    return _served(period, Beneficiary.commune)


def served_by_situation(period: Period) -> list[ServedRow]:
    return _served(period, BeneficiarySituation.situation,
                   (BeneficiarySituation,
                    BeneficiarySituation.beneficiary_id == Allocation.beneficiary_id))


def served_total(period: Period) -> int:
    """Distinct people handed a machine in the period: for a whole year or month (the
    dashboard's default is the year), a count of that span's rows in `served_spans`; any
    other period counts the distinct people of its hand-overs (from an index alone)."""
    spans = calendar_spans(period.start, period.end)
    whole = [("y", start) for start in spans.years] + [("m", start) for start in spans.months]
    if len(whole) == 1 and not spans.days and not spans.minus_days:
        span, start = whole[0]
        return int(db.session.scalar(
            select(func.count()).select_from(ServedSpan)
            .where(ServedSpan.span == span, ServedSpan.starts_on == start)) or 0)
    return int(db.session.scalar(
        select(func.count(distinct(Allocation.beneficiary_id)))
        .where(Allocation.handed_over_at >= period.begin,
               Allocation.handed_over_at < period.finish)
    ) or 0)


# --- training -----------------------------------------------------------------------------


def present_minutes(marks_query: Select) -> dict[int, int]:
    """{session_id: minutes attended} from a query of (session_id, half_day, present marks);
    the minutes of each half-day come from core.training (break taken in the afternoon)."""
    counts = list(db.session.execute(marks_query))
    sessions = {s.id: s for s in db.session.execute(
        select(TrainingSession.id, TrainingSession.start_time, TrainingSession.end_time,
               TrainingSession.break_minutes)
        .where(TrainingSession.id.in_({row[0] for row in counts}))
    )} if counts else {}
    minutes: dict[int, int] = defaultdict(int)
    for session_id, half_day, n in counts:
        s = sessions[session_id]
        by_half_day = Slot(s.start_time, s.end_time, s.break_minutes).minutes_by_half_day()
        minutes[session_id] += by_half_day.get(half_day, 0) * int(n)
    return dict(minutes)


def present_marks_of(beneficiary_ids: Select) -> Select:
    """(session, half-day, present marks) of these beneficiaries, every session."""
    return (
        select(Attendance.session_id, Attendance.half_day, func.count())
        .where(Attendance.presence == Presence.PRESENT.value,
               Attendance.beneficiary_id.in_(beneficiary_ids))
        .group_by(Attendance.session_id, Attendance.half_day)
    )


def present_marks_in(period: Period) -> Select:
    return (
        select(Attendance.session_id, Attendance.half_day, func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.presence == Presence.PRESENT.value,
               TrainingSession.session_date >= period.start,
               TrainingSession.session_date <= period.end)
        .group_by(Attendance.session_id, Attendance.half_day)
    )


@dataclass
class TrainingRow:
    programme_id: int
    title: str
    planned_sessions: int
    sessions: int = 0
    participants: int = 0
    present: int = 0  # half-days
    absent: int = 0
    excused: int = 0
    minutes: int = 0
    followed: int = 0  # enrolments with a mark in the period
    complete: int = 0  # … that reached the planned number of sessions by the end


def training_by_programme(period: Period) -> list[TrainingRow]:
    in_period = and_(TrainingSession.session_date >= period.start,
                     TrainingSession.session_date <= period.end)
    rows: dict[int, TrainingRow] = {}

    def row(pid: int) -> TrainingRow:
        return rows[pid]

    for pid, title, planned, n in db.session.execute(
        select(Programme.id, Programme.title, Programme.planned_sessions,
               func.count(TrainingSession.id))
        .join(TrainingSession, TrainingSession.programme_id == Programme.id)
        .where(in_period)
        .group_by(Programme.id, Programme.title, Programme.planned_sessions)
    ):
        rows[pid] = TrainingRow(pid, title, int(planned), sessions=int(n))
    if not rows:
        return []
    for pid, presence, n in db.session.execute(
        select(TrainingSession.programme_id, Attendance.presence, func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(in_period)
        .group_by(TrainingSession.programme_id, Attendance.presence)
    ):
        setattr(row(pid), presence, int(n))
    for pid, n in db.session.execute(
        select(TrainingSession.programme_id, func.count(distinct(Attendance.beneficiary_id)))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(in_period, Attendance.presence == Presence.PRESENT.value)
        .group_by(TrainingSession.programme_id)
    ):
        row(pid).participants = int(n)
    programme_of = dict(db.session.execute(
        select(TrainingSession.id, TrainingSession.programme_id).where(in_period)).all())
    for session_id, minutes in present_minutes(present_marks_in(period)).items():
        row(programme_of[session_id]).minutes += minutes
    for pid, followed, complete in db.session.execute(_completion(period)):
        row(pid).followed, row(pid).complete = int(followed), int(complete or 0)
    return sorted(rows.values(), key=lambda r: r.title)


def _completion(period: Period) -> Select:
    """Per programme: enrolments with a mark in the period, and how many of them had attended
    (present at least one half-day) the planned number of sessions by the period's end."""
    attended = (
        select(Attendance.beneficiary_id.label("beneficiary_id"),
               TrainingSession.programme_id.label("programme_id"),
               func.count(distinct(Attendance.session_id)).label("sessions"))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.presence == Presence.PRESENT.value,
               TrainingSession.session_date <= period.end)
        .group_by(Attendance.beneficiary_id, TrainingSession.programme_id)
        .subquery()
    )
    marked = (
        select(Attendance.beneficiary_id.label("beneficiary_id"),
               TrainingSession.programme_id.label("programme_id"))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.session_date >= period.start,
               TrainingSession.session_date <= period.end)
        .distinct()
        .subquery()
    )
    complete = case((func.coalesce(attended.c.sessions, 0) >= Programme.planned_sessions, 1),
                    else_=0)
    return (
        select(Enrolment.programme_id, func.count(Enrolment.id), func.sum(complete))
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(marked, and_(marked.c.beneficiary_id == Enrolment.beneficiary_id,
                           marked.c.programme_id == Enrolment.programme_id))
        .outerjoin(attended, and_(attended.c.beneficiary_id == Enrolment.beneficiary_id,
                                  attended.c.programme_id == Enrolment.programme_id))
        .group_by(Enrolment.programme_id)
    )


# --- who received what (for impact figures) -------------------------------------------------




def equipped_by_kind(device_ids: Select) -> dict[str, int]:
    """Distinct beneficiaries who received at least one of these devices, by kind."""
    items = handed_over_items().where(ReservationItem.device_id.in_(device_ids)).subquery()
    rows = db.session.execute(
        select(Beneficiary.kind, func.count(distinct(Beneficiary.id)))
        .join(items, items.c.beneficiary_id == Beneficiary.id)
        .group_by(Beneficiary.kind)
    )
    return {kind: int(n) for kind, n in rows}


def recipients_of(device_ids: Select) -> Select:
    items = handed_over_items().where(ReservationItem.device_id.in_(device_ids)).subquery()
    return select(items.c.beneficiary_id).distinct()


# --- funders ------------------------------------------------------------------------------


def _handed_in(period: Period):
    return and_(Allocation.handed_over_at >= period.begin,
                Allocation.handed_over_at < period.finish)


@dataclass(frozen=True)
class FeeRow:
    programme: str  # "" outside any school programme
    method: str
    handovers: int
    amount: Decimal


def fees_by_programme_and_method(period: Period) -> list[FeeRow]:
    """Fees paid at the handovers of the period, by school programme and payment method."""
    programme = func.coalesce(SchoolProgramme.name, "")
    rows = db.session.execute(
        select(programme, Allocation.fee_method, func.count(Allocation.id),
               func.sum(Allocation.fee_amount))
        .outerjoin(SchoolProgramme, SchoolProgramme.id == Allocation.programme_id)
        .where(_handed_in(period), Allocation.fee_status == "paid")
        .group_by(programme, Allocation.fee_method)
        .order_by(programme, Allocation.fee_method)
    )
    return [FeeRow(name, method, int(n), Decimal(total or 0).quantize(Decimal("0.01")))
            for name, method, n, total in rows]


def funding_lines(first_year: int, last_year: int) -> list[FundingLine]:
    return list(db.session.scalars(
        select(FundingLine).where(FundingLine.year >= first_year, FundingLine.year <= last_year)
        .order_by(FundingLine.year, FundingLine.programme, FundingLine.kind,
                  FundingLine.label, FundingLine.id)))


def households_equipped(period: Period) -> int:
    """Distinct households (families and pupils' families) who received a machine."""
    return int(db.session.scalar(
        select(func.count(distinct(Allocation.beneficiary_id)))
        .join(Beneficiary, Beneficiary.id == Allocation.beneficiary_id)
        .where(_handed_in(period), Beneficiary.kind.in_([k.value for k in HOUSEHOLD_KINDS]))
    ) or 0)


def served_in_qpv(period: Period) -> tuple[int, int]:
    """(beneficiaries served, of whom living in a priority neighbourhood)."""
    served = (select(Allocation.beneficiary_id.label("id"))
              .where(_handed_in(period)).distinct().subquery())
    total, qpv = db.session.execute(
        select(func.count(Beneficiary.id),
               func.coalesce(func.sum(case((Beneficiary.qpv, 1), else_=0)), 0))
        .join(served, served.c.id == Beneficiary.id)
    ).one()
    return int(total or 0), int(qpv or 0)


def people_trained(period: Period) -> int:
    """Distinct people present at least one half-day of a session of the period."""
    return int(db.session.scalar(
        select(func.count(distinct(Attendance.beneficiary_id)))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.presence == Presence.PRESENT.value,
               TrainingSession.session_date >= period.start,
               TrainingSession.session_date <= period.end)
    ) or 0)


@dataclass(frozen=True)
class CohortRow:
    name: str
    kind: str
    members: int
    served: int
    devices: int


def devices_by_cohort(period: Period) -> list[CohortRow]:
    """Cohorts with a handover in the period: members, members served in the period, and the
    devices handed over to them."""
    handed = (
        select(CohortMember.cohort_id.label("cohort_id"),
               func.count(distinct(Allocation.id)).label("served"),
               func.count(ReservationItem.id).label("devices"))
        .join(Allocation, Allocation.id == CohortMember.allocation_id)
        # The items still held at the handover (as tallies.handed_over_items counts them).
        .join(ReservationItem, and_(
            ReservationItem.reservation_id == Allocation.reservation_id,
            (ReservationItem.released_at.is_(None))
            | (ReservationItem.released_at >= Allocation.handed_over_at)))
        .where(_handed_in(period))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    members = (select(CohortMember.cohort_id.label("cohort_id"),
                      func.count(CohortMember.id).label("n"))
               .group_by(CohortMember.cohort_id).subquery())
    rows = db.session.execute(
        select(Cohort.name, Cohort.kind, members.c.n, handed.c.served, handed.c.devices)
        .join(handed, handed.c.cohort_id == Cohort.id)
        .join(members, members.c.cohort_id == Cohort.id)
        .order_by(Cohort.name)
    )
    return [CohortRow(name, kind, int(n), int(served), int(devices))
            for name, kind, n, served, devices in rows]
