"""Lead times read yearly and monthly histograms of the stays, kept by a database trigger in
the transaction of each event: for periods cutting through years, months and days, they give
the same histograms as the stays themselves, and a rebuild from the stays gives the same
histograms."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from refurb.core.lifecycle import State
from refurb.reports import queries as reports
from refurb.reports import tallies
from refurb.reports.models import DeviceStay, StayHours
from refurb.reports.queries import Period
from tests.factories import make_device
from tests.reports.test_tallies import _manual_step

START = datetime(2025, 11, 20, 9, 0)


def _history(db, seed: int) -> datetime:
    """Devices stepping through their states from November 2025 to early 2027, some steps
    undone (the histograms go back with them)."""
    rng = random.Random(seed)
    pool = [make_device(now=START + timedelta(hours=n)) for n in range(10)]
    moment = START
    for _step in range(200):
        moment += timedelta(hours=rng.randint(1, 120))
        device = rng.choice(pool)
        if rng.random() < 0.1:
            with db.session.begin_nested() as nested:
                _manual_step(device, rng, moment)
                nested.rollback()
        else:
            _manual_step(device, rng, moment)
    db.session.commit()
    return moment


def _from_stays(db, period: Period) -> dict[str, list[tuple[int, int]]]:
    rows = db.session.execute(
        select(DeviceStay.state, DeviceStay.hours, func.count())
        .where(DeviceStay.left_at >= period.begin, DeviceStay.left_at < period.finish)
        .group_by(DeviceStay.state, DeviceStay.hours))
    found: dict[str, list[tuple[int, int]]] = {}
    for state, hours, n in rows:
        found.setdefault(state, []).append((int(hours), int(n)))
    return {state: sorted(pairs) for state, pairs in found.items()}


def _sorted(histograms: dict) -> dict:
    return {state: sorted(pairs) for state, pairs in histograms.items()}


def test_lead_times_of_any_period_equal_the_stays(db):
    end = _history(db, 11)
    assert end.year == 2027
    spans = {row[0] for row in db.session.execute(select(StayHours.span).distinct())}
    assert spans == {"y", "m"}
    rng = random.Random(5)
    periods = [Period(date(2026, 1, 1), date(2026, 12, 31)),  # one whole year
               Period(date(2025, 11, 1), date(2027, 1, 31)),  # months, a year, months
               Period(date(2026, 2, 1), date(2026, 2, 28)),  # one whole month
               Period(date(2026, 3, 17), date(2026, 3, 17))]  # one day
    for _ in range(12):
        first = date(2025, 11, 15) + timedelta(days=rng.randint(0, 300))
        periods.append(Period(first, first + timedelta(days=rng.randint(0, 420))))
    for period in periods:
        expected = _from_stays(db, period)
        assert _sorted(reports.stay_histograms(period)) == expected, period
    whole = Period(date(2025, 1, 1), date(2027, 12, 31))
    assert sum(n for pairs in _from_stays(db, whole).values() for _h, n in pairs) == \
        db.session.scalar(select(func.count()).select_from(DeviceStay))
    assert State.RECEIVED.value in _from_stays(db, whole)


def test_stay_histograms_equal_a_rebuild(db):
    _history(db, 3)
    kept = tallies.snapshot()["stay_hours"]
    assert kept
    tallies.rebuild()
    assert tallies.snapshot()["stay_hours"] == kept
