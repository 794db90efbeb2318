"""Fate of a machine, impact figures, rates and lead-time percentiles: pure arithmetic."""

from decimal import Decimal

import pytest

from refurb.core.impact import (
    FATE_STATES,
    Co2Assumptions,
    Fate,
    ReuseRate,
    co2e_avoided_kg,
    computers_among,
    fate_counts,
    fate_of,
    hours_as_days,
    impact,
    lead_times,
    percentile_from_histogram,
    share,
)
from refurb.core.lifecycle import State

D = Decimal


@pytest.mark.parametrize(("state", "fate"), [
    ("received", Fate.IN_PROGRESS), ("diagnosis", Fate.IN_PROGRESS),
    ("wiping", Fate.IN_PROGRESS), ("repair", Fate.IN_PROGRESS), ("ready", Fate.IN_PROGRESS),
    ("reserved", Fate.IN_PROGRESS), ("allocated", Fate.REUSED),
    ("returned", Fate.IN_PROGRESS), ("parts", Fate.PARTS),
    ("to_dispose", Fate.IN_PROGRESS), ("disposed", Fate.RECYCLED),
])
def test_fate_of_each_state(state, fate):
    assert fate_of(state) == fate


def test_every_state_has_a_fate_and_states_per_fate_partition_them():
    assert {fate_of(s) for s in State} == set(Fate)
    listed = [s for states in FATE_STATES.values() for s in states]
    assert sorted(listed) == sorted(s.value for s in State)
    with pytest.raises(ValueError):
        fate_of("lost")


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, {Fate.IN_PROGRESS: 0, Fate.REUSED: 0, Fate.PARTS: 0, Fate.RECYCLED: 0}),
    ({"allocated": 3, "ready": 2, "received": 1, "disposed": 4, "parts": 1, "to_dispose": 2},
     {Fate.IN_PROGRESS: 5, Fate.REUSED: 3, Fate.PARTS: 1, Fate.RECYCLED: 4}),
])
def test_fate_counts(counts, expected):
    assert fate_counts(counts) == expected


@pytest.mark.parametrize(("computers", "per_year", "years", "kg"), [
    (0, "27", "3", D("0")),
    (1, "27", "3", D("81")),
    (10, "27", "3", D("810")),
    (3, "27", "2.5", D("203")),  # 202.5 rounds half up
    (4, "26.4", "1", D("106")),  # 105.6
])
def test_co2e_arithmetic(computers, per_year, years, kg):
    assert co2e_avoided_kg(computers, Co2Assumptions(D(per_year), D(years))) == kg


@pytest.mark.parametrize(("by_type", "computers"), [
    ({}, 0),
    ({"laptop": 2, "desktop": 3, "all_in_one": 1, "mini_pc": 1}, 7),
    ({"monitor": 5, "printer": 1, "keyboard_mouse": 9, "laptop": 1}, 1),
])
def test_only_computers_count_for_co2e(by_type, computers):
    assert computers_among(by_type) == computers


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (0, 0, None), (1, 3, D("0.3333")), (3, 4, D("0.75")), (D("2.5"), D("10"), D("0.25")),
])
def test_share(part, whole, expected):
    assert share(part, whole) == expected


@pytest.mark.parametrize(("rate", "by_count", "by_weight"), [
    (ReuseRate(0, 0, D(0), D(0)), None, None),
    (ReuseRate(3, 1, D("9"), D("10")), D("0.75"), D("0.4737")),
    (ReuseRate(0, 2, D("0"), D("20")), D("0"), D("0")),
])
def test_reuse_rate(rate, by_count, by_weight):
    assert (rate.by_count, rate.by_weight) == (by_count, by_weight)


def test_impact_puts_the_figures_together():
    figures = impact(
        state_counts={"allocated": 4, "disposed": 2, "parts": 1, "ready": 3},
        reused_by_type={"laptop": 2, "desktop": 1, "monitor": 1},
        reused_kg=D("21"), recycled_kg=D("13.25"),
        equipped={"household": 2, "school": 1}, training_hours=D("12.50"),
        assumptions=Co2Assumptions(D("27"), D("3")),
    )
    assert figures.devices == 10 and figures.reused == 4 and figures.reused_computers == 3
    assert figures.fates[Fate.IN_PROGRESS] == 3 and figures.fates[Fate.RECYCLED] == 2
    assert figures.kg_kept_from_waste == D("21.0") and figures.kg_recycled == D("13.2")
    assert figures.co2e_kg == D("243")  # 3 computers × 27 kg × 3 years
    assert figures.equipped == {"household": 2, "school": 1}


@pytest.mark.parametrize(("histogram", "p", "expected"), [
    ([], 0.5, None),
    ([(24, 0)], 0.5, None),
    ([(24, 1)], 0.5, 24),
    ([(24, 1), (48, 1), (72, 1)], 0.5, 48),
    ([(24, 1), (48, 1), (72, 1), (96, 1)], 0.5, 48),  # nearest rank: the lower middle
    ([(96, 1), (24, 1), (72, 1), (48, 1)], 0.9, 96),
    ([(1, 9), (100, 1)], 0.9, 1),
    ([(1, 8), (100, 2)], 0.9, 100),
    ([(5, 3), (7, 2)], 0.5, 5),
])
def test_nearest_rank_percentile(histogram, p, expected):
    assert percentile_from_histogram(histogram, p) == expected


def test_lead_times_are_in_lifecycle_order():
    lines = lead_times({"ready": [(240, 2)], "received": [(24, 1), (48, 2)],
                        "diagnosis": [(6, 1)]})
    assert [(x.state, x.stays, x.median_hours, x.p90_hours) for x in lines] == [
        ("received", 3, 48, 48), ("diagnosis", 1, 6, 6), ("ready", 2, 240, 240)]


@pytest.mark.parametrize(("hours", "days"), [(None, None), (0, D("0.0")), (36, D("1.5")),
                                             (25, D("1.0")), (27, D("1.1"))])
def test_hours_as_days(hours, days):
    assert hours_as_days(hours) == days
