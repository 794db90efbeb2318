"""Rates recomputed from records (invariant 6) match figures worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from refurb.core.weee_rates import Outcome
from refurb.devices import services as devices
from refurb.weee import batches, closing, loose_parts
from refurb.weee import rates as weee_rates
from tests.factories import make_device
from tests.weee.helpers import (
    closed_batch,
    configure_site,
    handover,
    make_carrier,
    make_disposable,
    make_operator,
)

R, Y = Outcome.REUSED, Outcome.RECYCLED
D = Decimal


def _walk(device, targets, when):
    for target in targets:
        devices.transition(device, target, actor_id=None, now=when, reason="scénario")


def _allocated(device_type, when):
    device = make_device(device_type)
    _walk(device, ("diagnosis", "wiping", "ready", "allocated"), when)
    return device


@pytest.fixture
def scenario(db, monkeypatch):
    # Only the lifecycle table matters here, not the other domains' guards.
    monkeypatch.setattr(devices, "FACT_PROVIDERS", [])
    configure_site()
    operator, carrier = make_operator(), make_carrier()
    for _ in range(2):
        _allocated("laptop", datetime(2026, 2, 3, 10))  # cat. 2, 3 kg each: reused
    _allocated("desktop", datetime(2026, 4, 1, 10))  # cat. 6, 10 kg: reused
    _allocated("laptop", datetime(2025, 6, 1, 10))  # other year: ignored
    # Allocated, returned, then recycled in the same year: counts once, as recycled.
    back = _allocated("laptop", datetime(2026, 2, 1, 10))
    _walk(back, ("returned", "diagnosis", "to_dispose"), datetime(2026, 2, 20, 10))

    recycled = batches.open_batch(container="pallet", actor_id=None,
                                   now=datetime(2026, 3, 1))
    for device in (make_disposable("monitor"), make_disposable("desktop"), back):
        batches.add_device(recycled, device, actor_id=None, now=datetime(2026, 3, 1))
    loose_parts.add_part(recycled, loose_parts.PartValues(
        kind="cable", quantity=10, weight_kg="4", category=6, waste_code="16 02 16"),
        actor_id=None, now=datetime(2026, 3, 1))
    closing.close_batch(recycled, handover(operator, [carrier],
                                            handover_date=date(2026, 3, 10)),
                         actor_id=None, now=datetime(2026, 3, 10, 16))
    # Sorted by the operator (R12, no final mode yet): "other".
    closed_batch([make_disposable("laptop")], operator=operator, carriers=[carrier],
                 when=date(2026, 5, 5), operation_code="R12", operation_mode=None)
    # Previous year: ignored.
    closed_batch([make_disposable("desktop")], operator=operator, carriers=[carrier],
                 when=date(2025, 12, 1))
    db.session.commit()
    return weee_rates.report(date(2026, 1, 1), date(2026, 12, 31))


def _by_category(report):
    return {c.category: c for c in report.categories}


def test_category_2_figures(scenario):
    cat2 = _by_category(scenario)[2]
    assert (cat2.total.count, cat2.total.weight_kg) == (5, D("17"))
    assert (cat2.share_by_count(R), cat2.share_by_count(Y), cat2.other_by_count()) == (
        D("0.4"), D("0.4"), D("0.2"))
    assert (cat2.share_by_weight(R), cat2.share_by_weight(Y), cat2.other_by_weight()) == (
        D("0.3529"), D("0.4706"), D("0.1765"))  # 6/17, 8/17, 3/17
    assert cat2.reuse_recycling_rate == cat2.recovery_rate == D("0.8235")  # 14/17
    assert cat2.meets_recovery and cat2.meets_reuse_recycling


def test_category_6_figures(scenario):
    cat6 = _by_category(scenario)[6]
    assert (cat6.total.count, cat6.total.weight_kg) == (12, D("24"))  # 2 towers + 10 cables
    assert (cat6.share_by_count(R), cat6.share_by_count(Y)) == (D("0.0833"), D("0.9167"))
    assert (cat6.share_by_weight(R), cat6.share_by_weight(Y)) == (D("0.4167"), D("0.5833"))
    assert cat6.recovery_rate == D("1")


def test_overall_figures(scenario):
    overall = scenario.overall
    assert (overall.total.count, overall.total.weight_kg) == (17, D("41"))
    assert (overall.of(R).count, overall.of(R).weight_kg) == (3, D("16"))
    assert (overall.of(Y).count, overall.of(Y).weight_kg) == (13, D("22"))
    assert overall.of(Outcome.OTHER).weight_kg == D("3")
    assert sorted(_by_category(scenario)) == [2, 6]


def test_rates_page_shows_the_figures_and_the_targets(client, login_as, scenario):
    login_as("admin")
    html = client.get("/weee/rates?start=2026-01-01&end=2026-12-31").get_data(as_text=True)
    assert "82,4" in html and "atteint" in html  # category 2, 14/17 by weight
    assert "80 %" in html and "70 %" in html
    assert client.get("/weee/rates?start=nimporte&end=quoi").status_code == 200
