"""What became of each machine, and the impact figures built from it. Pure: states, counts and
weights in, figures out; the queries that gather them live in the portal and reports domains.

- **Fate** of a device from its current state: in progress at the workshop, reused (allocated
  to a beneficiary), harvested for parts, or recycled (handed over in a closed WEEE batch). A
  device waiting for the WEEE channel (`to_dispose`) or back from a loan (`returned`) is still
  at the workshop, so "in progress": it can still go another way.
- **CO2e avoided** (DOMAIN.md §7, ADEME 2022): about 27 kg CO2e per year of use of a
  refurbished laptop instead of a new one. The factor is applied to every reused computer
  (laptop, desktop unit, all-in-one, mini PC) for an assumed number of years of use; both are
  admin settings, and the page says so. Screens and accessories are not counted.
- **Rates** and **percentiles** are plain arithmetic on counts, kept here so they are tested
  without a database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from refurb.core.device_types import DeviceType
from refurb.core.lifecycle import State


class Fate(StrEnum):
    IN_PROGRESS = "in_progress"
    REUSED = "reused"
    PARTS = "parts"
    RECYCLED = "recycled"


FATE_LABELS = {
    Fate.IN_PROGRESS: "En cours de traitement",
    Fate.REUSED: "Réemployé",
    Fate.PARTS: "Pièces détachées",
    Fate.RECYCLED: "Recyclé (DEEE)",
}

STATE_FATE: dict[State, Fate] = {
    State.RECEIVED: Fate.IN_PROGRESS,
    State.DIAGNOSIS: Fate.IN_PROGRESS,
    State.WIPING: Fate.IN_PROGRESS,
    State.REPAIR: Fate.IN_PROGRESS,
    State.READY: Fate.IN_PROGRESS,
    State.RESERVED: Fate.IN_PROGRESS,
    State.ALLOCATED: Fate.REUSED,
    State.RETURNED: Fate.IN_PROGRESS,
    State.PARTS: Fate.PARTS,
    State.TO_DISPOSE: Fate.IN_PROGRESS,
    State.DISPOSED: Fate.RECYCLED,
}

# States per fate, for queries filtering "every reused device" etc.
FATE_STATES: dict[Fate, tuple[str, ...]] = {
    fate: tuple(s.value for s, f in STATE_FATE.items() if f == fate) for fate in Fate
}

COMPUTER_TYPES = frozenset(
    {DeviceType.LAPTOP.value, DeviceType.DESKTOP.value, DeviceType.ALL_IN_ONE.value,
     DeviceType.MINI_PC.value}
)

DEFAULT_CO2E_KG_PER_YEAR = Decimal("27")
DEFAULT_YEARS_OF_USE = Decimal("3")
CO2E_SOURCE = (
    "ADEME (2022) : un ordinateur portable reconditionné évite environ 27 kg CO2e par année "
    "d'usage par rapport à un neuf."
)


def fate_of(state: str) -> Fate:
    return STATE_FATE[State(state)]


def fate_counts(state_counts: Mapping[str, int]) -> dict[Fate, int]:
    """{state: n} → {fate: n}, every fate present (0 when none)."""
    totals = dict.fromkeys(Fate, 0)
    for state, count in state_counts.items():
        totals[fate_of(state)] += int(count)
    return totals


def fate_weights(state_weights: Mapping[str, Decimal | None]) -> dict[Fate, Decimal]:
    totals = dict.fromkeys(Fate, Decimal("0"))
    for state, weight in state_weights.items():
        totals[fate_of(state)] += Decimal(weight or 0)
    return totals


@dataclass(frozen=True)
class Co2Assumptions:
    kg_per_year: Decimal = DEFAULT_CO2E_KG_PER_YEAR
    years_of_use: Decimal = DEFAULT_YEARS_OF_USE


def co2e_avoided_kg(reused_computers: int, assumptions: Co2Assumptions) -> Decimal:
    """kg CO2e = reused computers × kg per year of use × years of use, to the kilogram."""
    total = Decimal(reused_computers) * Decimal(assumptions.kg_per_year) * Decimal(
        assumptions.years_of_use)
    return total.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def computers_among(counts_by_type: Mapping[str, int]) -> int:
    return sum(int(n) for kind, n in counts_by_type.items() if kind in COMPUTER_TYPES)


def share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """part / whole as a fraction with 4 decimals; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ReuseRate:
    """Devices that left the workshop in a period: reused (allocated) vs recycled (WEEE)."""

    reused_count: int
    recycled_count: int
    reused_kg: Decimal
    recycled_kg: Decimal

    @property
    def by_count(self) -> Decimal | None:
        return share(self.reused_count, self.reused_count + self.recycled_count)

    @property
    def by_weight(self) -> Decimal | None:
        return share(self.reused_kg, self.reused_kg + self.recycled_kg)


@dataclass(frozen=True)
class Impact:
    """A donor's (or a period's) impact, every figure computed from records."""

    devices: int
    fates: Mapping[Fate, int]
    reused: int
    reused_computers: int
    kg_kept_from_waste: Decimal
    kg_recycled: Decimal
    co2e_kg: Decimal
    equipped: Mapping[str, int]  # beneficiary kind → distinct beneficiaries
    training_hours: Decimal
    assumptions: Co2Assumptions


def impact(
    *,
    state_counts: Mapping[str, int],
    reused_by_type: Mapping[str, int],
    reused_kg: Decimal | None,
    recycled_kg: Decimal | None,
    equipped: Mapping[str, int],
    training_hours: Decimal,
    assumptions: Co2Assumptions,
) -> Impact:
    fates = fate_counts(state_counts)
    computers = computers_among(reused_by_type)
    return Impact(
        devices=sum(fates.values()),
        fates=fates,
        reused=fates[Fate.REUSED],
        reused_computers=computers,
        kg_kept_from_waste=Decimal(reused_kg or 0).quantize(Decimal("0.1")),
        kg_recycled=Decimal(recycled_kg or 0).quantize(Decimal("0.1")),
        co2e_kg=co2e_avoided_kg(computers, assumptions),
        equipped=dict(equipped),
        training_hours=Decimal(training_hours),
        assumptions=assumptions,
    )


# --- lead times ---------------------------------------------------------------------------


def percentile_from_histogram(histogram: Iterable[tuple[int, int]], p: float) -> int | None:
    """Nearest-rank percentile of values given as (value, how many): the smallest value with
    at least p of all values at or below it. None when empty."""
    pairs = sorted((int(v), int(n)) for v, n in histogram if n)
    total = sum(n for _v, n in pairs)
    if not total:
        return None
    rank = max(1, math.ceil(p * total))
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return value
    return pairs[-1][0]  # pragma: no cover - rank ≤ total


@dataclass(frozen=True)
class LeadTime:
    state: str
    stays: int
    median_hours: int | None
    p90_hours: int | None


def lead_times(histograms: Mapping[str, Iterable[tuple[int, int]]]) -> list[LeadTime]:
    """{state: [(hours, count), …]} → one line per state, in lifecycle order."""
    order = [s.value for s in State]
    lines = []
    for state in sorted(histograms, key=lambda s: order.index(s) if s in order else 99):
        pairs = list(histograms[state])
        lines.append(LeadTime(
            state=state,
            stays=sum(n for _h, n in pairs),
            median_hours=percentile_from_histogram(pairs, 0.5),
            p90_hours=percentile_from_histogram(pairs, 0.9),
        ))
    return lines


def hours_as_days(hours: int | None) -> Decimal | None:
    if hours is None:
        return None
    return (Decimal(hours) / 24).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
