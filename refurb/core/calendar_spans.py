"""A period cut into the calendar pieces that tallies keep: whole years, whole months, and the
days left at its edges (a report reads a tally row per year or month, and only the edge days
one by one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Spans:
    years: list[date] = field(default_factory=list)  # 1 January of each whole year
    months: list[date] = field(default_factory=list)  # the 1st of each whole month
    days: list[tuple[date, date]] = field(default_factory=list)  # [first, last] inclusive


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def calendar_spans(start: date, end: date) -> Spans:
    """[start, end] (inclusive) as whole years, whole months and edge day ranges, in order,
    covering each day exactly once."""
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
            last = min(end, _next_month(cursor) - timedelta(days=1))
            spans.days.append((cursor, last))
            cursor = last + timedelta(days=1)
    return spans
