from datetime import date, timedelta

import pytest

from refurb.core.calendar_spans import calendar_spans


def _days(spans) -> list[date]:
    """Every day the spans cover, in order."""
    covered = []
    for year in spans.years:
        covered += [year + timedelta(days=n) for n in range((date(year.year + 1, 1, 1)
                                                             - year).days)]
    for month in spans.months:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        covered += [month + timedelta(days=n) for n in range((nxt - month).days)]
    for first, last in spans.days:
        covered += [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for first, last in spans.minus_days:
        for n in range((last - first).days + 1):
            covered.remove(first + timedelta(days=n))
    return sorted(covered)


def test_a_calendar_year_is_one_year():
    spans = calendar_spans(date(2026, 1, 1), date(2026, 12, 31))
    assert spans.years == [date(2026, 1, 1)] and not spans.months and not spans.days


def test_a_period_cut_mid_month_reads_days_months_and_years():
    spans = calendar_spans(date(2025, 11, 17), date(2027, 2, 10))
    assert spans.days == [(date(2025, 11, 17), date(2025, 11, 30)),
                          (date(2027, 2, 1), date(2027, 2, 10))]
    assert spans.months == [date(2025, 12, 1), date(2027, 1, 1)]
    assert spans.years == [date(2026, 1, 1)]
    assert not spans.minus_days


def test_most_of_a_month_is_the_month_minus_the_days_outside():
    spans = calendar_spans(date(2026, 2, 4), date(2026, 9, 27))
    assert spans.months == [date(2026, 2, 1), *(date(2026, m, 1) for m in range(3, 10))]
    assert spans.minus_days == [(date(2026, 2, 1), date(2026, 2, 3)),
                                (date(2026, 9, 28), date(2026, 9, 30))]
    assert not spans.days
    inside = calendar_spans(date(2026, 5, 3), date(2026, 5, 29))
    assert inside.months == [date(2026, 5, 1)]
    assert inside.minus_days == [(date(2026, 5, 1), date(2026, 5, 2)),
                                 (date(2026, 5, 30), date(2026, 5, 31))]


@pytest.mark.parametrize("start,end", [
    (date(2024, 2, 29), date(2024, 2, 29)), (date(2024, 1, 1), date(2024, 2, 28)),
    (date(2023, 12, 31), date(2026, 12, 30)), (date(2025, 3, 1), date(2025, 3, 31)),
    (date(2025, 3, 2), date(2025, 3, 30)), (date(2025, 1, 20), date(2025, 3, 9)),
])
def test_every_day_is_covered_once(start, end):
    expected = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert _days(calendar_spans(start, end)) == expected
