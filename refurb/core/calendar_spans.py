"""A period cut into the calendar pieces that tallies keep: whole years, whole months, and the
days left at its edges (a report reads a tally row per year or month, and only the edge days
one by one: at most half a month at each edge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Spans:
    years: list[date] = field(default_factory=list)  # 1 January of each whole year
    months: list[date] = field(default_factory=list)  # the 1st of each whole month
    days: list[tuple[date, date]] = field(default_factory=list)  # [first, last] inclusive
    # Days to take away from a whole month counted for a period that covers most of it.
    minus_days: list[tuple[date, date]] = field(default_factory=list)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar_spans(start: date, end: date) -> Spans:
    """[start, end] (inclusive) as whole years, whole months and edge day ranges, covering
    each day exactly once: the days of `minus_days` lie in a month of `months` and are taken
    away from it (whichever reads fewer days one by one)."""
    spans = Spans()
    cursor = start
    while cursor <= end:
        if cursor.month == 1 and cursor.day == 1 and date(cursor.year, 12, 31) <= end:
            spans.years.append(cursor)
            cursor = date(cursor.year + 1, 1, 1)
        elif cursor.day == 1 and _next_month(cursor) - timedelta(days=1) <= end:
            spans.months.append(cursor)
            cursor = _next_month(cursor)
        else:
            month, following = date(cursor.year, cursor.month, 1), _next_month(cursor)
            last = min(end, following - timedelta(days=1))
            before = (month, cursor - timedelta(days=1))
            after = (last + timedelta(days=1), following - timedelta(days=1))
            outside = [(a, b) for a, b in (before, after) if a <= b]
            if sum((b - a).days + 1 for a, b in outside) < (last - cursor).days + 1:
                # Most of the month: the whole month minus the few days outside the period.
                spans.months.append(month)
                spans.minus_days += outside
            else:
                spans.days.append((cursor, last))
            cursor = last + timedelta(days=1)
    return spans
