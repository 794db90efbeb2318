"""People served in a whole year or month are counted from `served_spans`, kept by a trigger
on the hand-overs: for whole years, whole months and any other period, the dashboard's figure
equals the distinct people of the period's hand-overs, and a rebuild gives the same rows."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import distinct, func, select

from refurb.allocations.models import Allocation
from refurb.reports import queries as reports
from refurb.reports import tallies
from refurb.reports.models import ServedSpan
from refurb.reports.queries import Period
from tests.reports.test_tallies import _random_history


def _served(db, period: Period) -> int:
    return db.session.scalar(
        select(func.count(distinct(Allocation.beneficiary_id)))
        .where(Allocation.handed_over_at >= period.begin,
               Allocation.handed_over_at < period.finish))


def test_people_served_in_any_period_equal_the_hand_overs(db):
    scene = _random_history(db, 7)
    months = sorted({d for (d,) in db.session.execute(
        select(ServedSpan.starts_on).where(ServedSpan.span == "m"))})
    assert len(months) >= 2  # hand-overs in several months
    periods = [Period(date(2026, 1, 1), date(2026, 12, 31)),
               Period(date(2025, 1, 1), date(2025, 12, 31))]
    for month in months:
        month = date.fromisoformat(str(month)[:10])
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        periods.append(Period(month, following - timedelta(days=1)))
    rng = random.Random(3)
    first_day = scene["end"].date() - timedelta(days=80)
    for _ in range(8):
        start = first_day + timedelta(days=rng.randint(0, 60))
        periods.append(Period(start, start + timedelta(days=rng.randint(0, 40))))
    assert _served(db, periods[0]) > 0
    for period in periods:
        assert reports.served_total(period) == _served(db, period), period


def test_people_served_equal_a_rebuild(db):
    _random_history(db, 1)
    kept = tallies.snapshot()["served"]
    assert kept
    tallies.rebuild()
    assert tallies.snapshot()["served"] == kept


def test_weee_tonnage_reads_the_closed_batches_totals(db):
    """The totals a batch gets when it closes equal its items, and a rebuild."""
    from decimal import Decimal

    from refurb.weee.models import WasteItem, WeeeBatch

    _random_history(db, 7)
    kept = tallies.snapshot()["weee"]
    assert kept
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    items = {int(c): (int(n), int(q), Decimal(kg).quantize(Decimal("0.01")))
             for c, n, q, kg in db.session.execute(
                 select(WasteItem.category, func.count(), func.sum(WasteItem.quantity),
                        func.sum(WasteItem.weight_kg))
                 .join(WeeeBatch, WeeeBatch.id == WasteItem.batch_id)
                 .where(WeeeBatch.state == "closed").group_by(WasteItem.category))}
    assert items
    assert {r.category: (r.items, r.quantity, r.kg) for r in reports.weee_by_category(period)} \
        == items
    tallies.rebuild()
    assert tallies.snapshot()["weee"] == kept
