"""The network's figures: one row per workshop and the network total, for a period.

Each figure is ONE query grouped by workshop (never one query per workshop per figure), on
the same records, tallies and rules as the workshop reports (refurb.reports.queries): the
device figures read the report tallies of each workshop (refurb.reports.tallies), never the
events;
a device counts for the workshop where its event happened (a transferred device's departure
counts where it left from), beneficiaries and training for the workshop that holds them.
Runs network-wide: callers limit `workshop_ids` for a workshop admin.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, select

from refurb.allocations.models import Allocation
from refurb.core.handover import FeeStatus
from refurb.core.lifecycle import State
from refurb.core.training import Presence, Slot, hours
from refurb.extensions import db
from refurb.reports import tallies
from refurb.reports.models import DepartureDay, Reentry, TransitionDay
from refurb.reports.queries import Period
from refurb.training.models import Attendance, TrainingSession
from refurb.weee.models import WasteItem, WeeeBatch
from refurb.workshops.context import network_wide
from refurb.workshops.models import Workshop

ZERO = Decimal("0.00")


@dataclass
class Figures:
    collected: int = 0
    reused: int = 0
    reused_kg: Decimal = ZERO
    recycled: int = 0
    recycled_kg: Decimal = ZERO
    weee_kg: Decimal = ZERO
    households: int = 0
    training_hours: Decimal = Decimal("0.0")
    fees: Decimal = ZERO

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                          for f in fields(self)})


@dataclass
class WorkshopFigures:
    workshop_id: int
    code: str
    name: str
    figures: Figures = field(default_factory=Figures)


@dataclass
class NetworkFigures:
    rows: list[WorkshopFigures]
    total: Figures


def _kg(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def network_figures(period: Period, workshop_ids: Iterable[int] | None = None) -> NetworkFigures:
    with network_wide():
        query = select(Workshop).order_by(Workshop.name, Workshop.id)
        if workshop_ids is not None:
            query = query.where(Workshop.id.in_(list(workshop_ids)))
        rows = [WorkshopFigures(w.id, w.code, w.name) for w in db.session.scalars(query)]
        wanted = [r.workshop_id for r in rows]
        by_id = {r.workshop_id: r.figures for r in rows}
        if wanted:
            _collected(period, wanted, by_id)
            _departures(period, wanted, by_id)
            _weee(period, wanted, by_id)
            _served_and_fees(period, wanted, by_id)
            _training(period, wanted, by_id)
    total = sum((r.figures for r in rows), Figures())
    return NetworkFigures(rows, total)


def _in_period(column, period: Period):
    return and_(column >= period.begin, column < period.finish)


def _collected(period: Period, wanted: list[int], by_id: dict[int, Figures]) -> None:
    """Devices received in the period: the day tallies of each workshop."""
    rows = db.session.execute(
        select(TransitionDay.workshop_id, func.sum(TransitionDay.transitions))
        .where(TransitionDay.state == State.RECEIVED.value,
               TransitionDay.day >= period.start, TransitionDay.day <= period.end,
               TransitionDay.workshop_id.in_(wanted))
        .group_by(TransitionDay.workshop_id))
    for workshop_id, n in rows:
        by_id[workshop_id].collected = int(n or 0)


def _departures(period: Period, wanted: list[int], by_id: dict[int, Figures]) -> None:
    """Devices handed over (reuse) or put in a WEEE batch (recycling) in the period, each
    device once per way out (a returned loan handed over again counts once), with its own
    weight: the reports' reuse figures (refurb.reports.queries.devices_left), per workshop,
    from the departure tallies minus the re-entries within the period."""
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for workshop_id, state, n, g in db.session.execute(
        select(DepartureDay.workshop_id, DepartureDay.state, func.sum(DepartureDay.devices),
               func.sum(DepartureDay.grams))
        .where(DepartureDay.day >= period.start, DepartureDay.day <= period.end,
               DepartureDay.workshop_id.in_(wanted))
        .group_by(DepartureDay.workshop_id, DepartureDay.state)
    ):
        counts[(workshop_id, state)][0] += int(n or 0)
        counts[(workshop_id, state)][1] += int(g or 0)
    for workshop_id, state, n, g in db.session.execute(
        select(Reentry.workshop_id, Reentry.state, func.count(), func.sum(Reentry.grams))
        .where(Reentry.day >= period.start, Reentry.day <= period.end,
               Reentry.previous_day >= period.start, Reentry.workshop_id.in_(wanted))
        .group_by(Reentry.workshop_id, Reentry.state)
    ):
        counts[(workshop_id, state)][0] -= int(n)
        counts[(workshop_id, state)][1] -= int(g or 0)
    for (workshop_id, state), (n, g) in counts.items():
        figures = by_id[workshop_id]
        if state == State.ALLOCATED.value:
            figures.reused, figures.reused_kg = n, _kg(tallies.kg(g))
        else:
            figures.recycled, figures.recycled_kg = n, _kg(tallies.kg(g))


def _weee(period: Period, wanted: list[int], by_id: dict[int, Figures]) -> None:
    rows = db.session.execute(
        select(WeeeBatch.workshop_id, func.sum(WasteItem.weight_kg))
        .join(WeeeBatch, WeeeBatch.id == WasteItem.batch_id)
        .where(WeeeBatch.state == "closed", WeeeBatch.handover_date >= period.start,
               WeeeBatch.handover_date <= period.end, WeeeBatch.workshop_id.in_(wanted))
        .group_by(WeeeBatch.workshop_id))
    for workshop_id, kg in rows:
        by_id[workshop_id].weee_kg = _kg(kg)


def _served_and_fees(period: Period, wanted: list[int], by_id: dict[int, Figures]) -> None:
    paid = func.sum(func.coalesce(
        case((Allocation.fee_status == FeeStatus.PAID.value, Allocation.fee_amount)), 0))
    rows = db.session.execute(
        select(Allocation.workshop_id, func.count(distinct(Allocation.beneficiary_id)), paid)
        .where(_in_period(Allocation.handed_over_at, period), Allocation.workshop_id.in_(wanted))
        .group_by(Allocation.workshop_id))
    for workshop_id, served, fees in rows:
        by_id[workshop_id].households, by_id[workshop_id].fees = int(served), _kg(fees)


def _training(period: Period, wanted: list[int], by_id: dict[int, Figures]) -> None:
    """Hours attended in sessions held in the period (the reports' present marks, with the
    workshop), folded by the same half-day rule."""
    rows = db.session.execute(
        select(Attendance.workshop_id, TrainingSession.start_time, TrainingSession.end_time,
               TrainingSession.break_minutes, Attendance.half_day, func.count())
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.presence == Presence.PRESENT.value,
               TrainingSession.session_date >= period.start,
               TrainingSession.session_date <= period.end,
               Attendance.workshop_id.in_(wanted))
        .group_by(Attendance.workshop_id, Attendance.session_id, TrainingSession.start_time,
                  TrainingSession.end_time, TrainingSession.break_minutes, Attendance.half_day))
    minutes: dict[int, int] = defaultdict(int)
    for workshop_id, start, end, pause, half_day, n in rows:
        by_half_day = Slot(start, end, pause).minutes_by_half_day()
        minutes[workshop_id] += by_half_day.get(half_day, 0) * int(n)
    for workshop_id, total in minutes.items():
        by_id[workshop_id].training_hours = hours(total)
