"""Training arithmetic: which half-days a session covers, the minutes each holds, what a
participant attended, and whether a programme is complete. Pure: times in, numbers out.

Rules (chosen with the trainers' paper sheets in mind):

- a session starting at or after noon is an afternoon session; one ending by 13:00 is a morning
  session (09:30–11:30, 11:00–13:00); any other spans both half-days and is signed twice;
- a break (lunch) is assumed to be taken at noon or later, so it is deducted from the afternoon
  first: 09:00–17:00 with a 60-minute break is 3 h in the morning and 4 h in the afternoon;
- hours attended are the minutes of the half-days marked present; absent and excused half-days
  count nothing, the difference between them only matters for the follow-up;
- a session counts as attended when the participant was present for at least one of its
  half-days (partial presence gives partial hours, but the session counts);
- a programme is complete when the sessions attended reach its planned number of sessions.

Minutes are integers all the way; hours are only made (two decimals) at the end, so sums never
drift with rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_


class HalfDay(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


class Presence(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


HALF_DAY_LABELS = {HalfDay.MORNING: N_("Matin"), HalfDay.AFTERNOON: N_("Après-midi")}
PRESENCE_LABELS = {
    Presence.PRESENT: N_("Présent"),
    Presence.ABSENT: N_("Absent"),
    Presence.EXCUSED: N_("Excusé"),
}

NOON = time(12, 0)
MORNING_ENDS_BY = time(13, 0)
MAX_BREAK_MINUTES = 240
CENT = Decimal("0.01")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass(frozen=True)
class Slot:
    """When a session takes place: start and end the same day, minus a break."""

    start: time
    end: time
    break_minutes: int = 0

    def __post_init__(self) -> None:
        check_slot(self.start, self.end, self.break_minutes)

    @property
    def minutes(self) -> int:
        return _minutes(self.end) - _minutes(self.start) - self.break_minutes

    @property
    def half_days(self) -> tuple[HalfDay, ...]:
        return half_days(self.start, self.end)

    def minutes_by_half_day(self) -> dict[HalfDay, int]:
        days = self.half_days
        total = self.minutes
        if len(days) == 1:
            return {days[0]: total}
        morning = min(_minutes(NOON) - _minutes(self.start), total)
        return {HalfDay.MORNING: morning, HalfDay.AFTERNOON: total - morning}


def check_slot(start: time, end: time, break_minutes: int = 0) -> None:
    """InvalidInput when the times cannot describe a session."""
    if start is None or end is None:
        raise InvalidInput(N_("Les heures de début et de fin sont obligatoires."))
    if end <= start:
        raise InvalidInput(N_("L'heure de fin doit être après l'heure de début."))
    if break_minutes is None or break_minutes < 0 or break_minutes > MAX_BREAK_MINUTES:
        raise InvalidInput(N_("La pause doit être comprise entre 0 et %(maximum)s minutes."),
                           maximum=MAX_BREAK_MINUTES)
    if _minutes(end) - _minutes(start) - break_minutes <= 0:
        raise InvalidInput(N_("La pause est plus longue que la séance."))


def half_days(start: time, end: time) -> tuple[HalfDay, ...]:
    if start >= NOON:
        return (HalfDay.AFTERNOON,)
    if end <= MORNING_ENDS_BY:
        return (HalfDay.MORNING,)
    return (HalfDay.MORNING, HalfDay.AFTERNOON)


@dataclass(frozen=True)
class SessionRecord:
    """One participant at one session: the half-days marked (missing: not recorded yet)."""

    slot: Slot
    marks: Mapping[HalfDay, Presence] = field(default_factory=dict)

    def _applicable(self) -> list[Presence]:
        return [Presence(self.marks[d]) for d in self.slot.half_days if d in self.marks]

    @property
    def minutes_attended(self) -> int:
        by_day = self.slot.minutes_by_half_day()
        return sum(by_day[d] for d in self.slot.half_days
                   if d in self.marks and Presence(self.marks[d]) == Presence.PRESENT)

    @property
    def attended(self) -> bool:
        return Presence.PRESENT in self._applicable()

    @property
    def excused(self) -> bool:
        """Missed with an excuse: not present at all, excused for at least one half-day."""
        return not self.attended and Presence.EXCUSED in self._applicable()

    @property
    def absent(self) -> bool:
        marks = self._applicable()
        return bool(marks) and not self.attended and not self.excused


def check_marks(slot: Slot, marks: Mapping[HalfDay, Presence]) -> None:
    """A half-day the session does not cover cannot be marked (14:00–16:00 has no morning)."""
    for day in marks:
        if HalfDay(day) not in slot.half_days:
            raise InvalidInput(N_("Cette séance n'a pas de demi-journée « %(half_day)s »."),
                               half_day=Message(HALF_DAY_LABELS[HalfDay(day)]))


@dataclass(frozen=True)
class Progress:
    planned_sessions: int
    attended: int = 0
    excused: int = 0
    absent: int = 0
    minutes: int = 0

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)

    @property
    def complete(self) -> bool:
        return self.attended >= self.planned_sessions

    @property
    def missing(self) -> int:
        """Sessions still to attend before the programme is complete."""
        return max(0, self.planned_sessions - self.attended)


def progress(planned_sessions: int, records: Iterable[SessionRecord]) -> Progress:
    if planned_sessions < 1:
        raise InvalidInput(N_("Le nombre de séances prévues doit être d'au moins 1."))
    attended = excused = absent = minutes = 0
    for record in records:
        attended += record.attended
        excused += record.excused
        absent += record.absent
        minutes += record.minutes_attended
    return Progress(planned_sessions, attended, excused, absent, minutes)


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def minutes_of(value: Decimal) -> int:
    return int((Decimal(value) * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_minutes(minutes: int) -> str:
    """French duration: 120 → "2 h", 90 → "1 h 30", 45 → "0 h 45"."""
    h, m = divmod(int(minutes), 60)
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"


def format_hours(value: Decimal) -> str:
    return format_minutes(minutes_of(value))


def format_slot(start: time, end: time) -> str:
    return f"{start:%H:%M} – {end:%H:%M}"


# --- a programme's sessions as a weekly series -------------------------------------------

WEEKDAYS = (N_("lundi"), N_("mardi"), N_("mercredi"), N_("jeudi"), N_("vendredi"),
            N_("samedi"), N_("dimanche"))
MAX_SERIES = 100


def series_dates(first: date, weekday: int, count: int, skip: Iterable[date] = ()) -> list[date]:
    """``count`` weekly dates on ``weekday`` (0 = Monday) from the first such day on or after
    ``first``; a date in ``skip`` (a bank holiday, the room taken) is left out and the series
    goes on one week later. A skipped date that is not one of the series' days is refused: it
    is most likely a typo, and leaving it unused would hide it."""
    if first is None:
        raise InvalidInput(N_("Indiquez la date de la première séance."))
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise InvalidInput(N_("Choisissez le jour de la semaine des séances."))
    if not isinstance(count, int) or not 1 <= count <= MAX_SERIES:
        raise InvalidInput(N_("Le nombre de séances doit être compris entre 1 et %(maximum)s."),
                           maximum=MAX_SERIES)
    start = first + timedelta(days=(weekday - first.weekday()) % 7)
    skipped = set(skip)
    for day in sorted(skipped):
        if day.weekday() != weekday or day < start:
            raise InvalidInput(
                N_("Date à sauter %(date)s : ce n'est pas un des jours de la série (chaque "
                   "%(weekday)s à partir du %(first)s)."),
                date=f"{day:%d/%m/%Y}", weekday=Message(WEEKDAYS[weekday]),
                first=f"{start:%d/%m/%Y}")
    dates: list[date] = []
    day = start
    while len(dates) < count:
        if day not in skipped:
            dates.append(day)
        day += timedelta(weeks=1)
    return dates


def end_after(start: time, hours_: Decimal) -> time:
    """The end of a session starting at ``start`` and lasting ``hours_`` hours, the same day."""
    if start is None:
        raise InvalidInput(N_("Les heures de début et de fin sont obligatoires."))
    minutes = minutes_of(hours_) if hours_ is not None else 0
    if minutes <= 0:
        raise InvalidInput(N_("La durée d'une séance doit être comprise entre 0 et 12 heures."))
    end = datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)
    if end.date() != date(2000, 1, 1) or end.time() == time(0):
        raise InvalidInput(N_("La séance doit finir le jour même : réduisez sa durée."))
    return end.time()
