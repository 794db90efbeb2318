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


@pytest.mark.parametrize("start,end", [
    (date(2024, 2, 29), date(2024, 2, 29)), (date(2024, 1, 1), date(2024, 2, 28)),
    (date(2023, 12, 31), date(2026, 12, 30)), (date(2025, 3, 1), date(2025, 3, 31)),
])
def test_every_day_is_covered_once(start, end):
    expected = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert _days(calendar_spans(start, end)) == expected
