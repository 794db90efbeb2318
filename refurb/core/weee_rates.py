"""Reuse and recycling rates of WEEE, by category: what became of each device or part that left
the workshop (reused, recycled, otherwise recovered, other), against the French targets.
Pure: no Flask, no SQLAlchemy. Source: arrêté du 23 novembre 2005 art. 3 (targets).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from refurb.core.i18n import N_
from refurb.core.weee import OperationMode, validate_category


class Outcome(StrEnum):
    REUSED = "reused"  # allocated to a beneficiary, or prepared for reuse by the operator
    RECYCLED = "recycled"  # left in a batch whose treatment mode is RECYCLAGE
    RECOVERED = "recovered"  # other recovery (energy, other): counts toward the 80 % only
    OTHER = "other"  # elimination, or a grouping code with no final mode yet


OUTCOME_LABELS = {
    Outcome.REUSED: N_("Réemploi"),
    Outcome.RECYCLED: N_("Recyclage"),
    Outcome.RECOVERED: N_("Autre valorisation"),
    Outcome.OTHER: N_("Autre"),
}


def outcome_for_mode(mode: str | None) -> Outcome:
    return {
        OperationMode.REUTILISATION: Outcome.REUSED,
        OperationMode.RECYCLAGE: Outcome.RECYCLED,
        OperationMode.VALORISATION_ENERGETIQUE: Outcome.RECOVERED,
        OperationMode.AUTRES_VALORISATIONS: Outcome.RECOVERED,
    }.get(mode or "", Outcome.OTHER)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Target:
    recovery: Decimal
    reuse_recycling: Decimal


# French targets since 2019 for categories 2 and 6, by weight.
TARGETS: dict[int, Target] = {
    2: Target(recovery=Decimal("0.80"), reuse_recycling=Decimal("0.70")),
    6: Target(recovery=Decimal("0.80"), reuse_recycling=Decimal("0.70")),
}


@dataclass(frozen=True)
class RateRow:
    category: int
    outcome: Outcome
    weight_kg: Decimal
    count: int = 1


@dataclass(frozen=True)
class Figures:
    count: int = 0
    weight_kg: Decimal = Decimal("0")


SHARE = Decimal("0.0001")


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(SHARE, ROUND_HALF_UP)


@dataclass(frozen=True)
class CategoryRates:
    category: int | None  # None: every category together
    figures: dict[Outcome, Figures] = field(default_factory=dict)

    def of(self, outcome: Outcome) -> Figures:
        return self.figures.get(outcome, Figures())

    @property
    def total(self) -> Figures:
        return Figures(
            sum(f.count for f in self.figures.values()),
            sum((f.weight_kg for f in self.figures.values()), Decimal("0")),
        )

    def share_by_count(self, outcome: Outcome) -> Decimal | None:
        return _share(self.of(outcome).count, self.total.count)

    def share_by_weight(self, outcome: Outcome) -> Decimal | None:
        return _share(self.of(outcome).weight_kg, self.total.weight_kg)

    def other_by_count(self) -> Decimal | None:
        """"Other" as the page shows it: everything neither reused nor recycled."""
        part = self.of(Outcome.RECOVERED).count + self.of(Outcome.OTHER).count
        return _share(part, self.total.count)

    def other_by_weight(self) -> Decimal | None:
        part = self.of(Outcome.RECOVERED).weight_kg + self.of(Outcome.OTHER).weight_kg
        return _share(part, self.total.weight_kg)

    @property
    def reuse_recycling_rate(self) -> Decimal | None:
        part = self.of(Outcome.REUSED).weight_kg + self.of(Outcome.RECYCLED).weight_kg
        return _share(part, self.total.weight_kg)

    @property
    def recovery_rate(self) -> Decimal | None:
        return _share(self.total.weight_kg - self.of(Outcome.OTHER).weight_kg,
                      self.total.weight_kg)

    @property
    def target(self) -> Target | None:
        return TARGETS.get(self.category) if self.category is not None else None

    @property
    def meets_recovery(self) -> bool | None:
        if self.target is None or self.recovery_rate is None:
            return None
        return self.recovery_rate >= self.target.recovery

    @property
    def meets_reuse_recycling(self) -> bool | None:
        if self.target is None or self.reuse_recycling_rate is None:
            return None
        return self.reuse_recycling_rate >= self.target.reuse_recycling


@dataclass(frozen=True)
class RatesReport:
    categories: list[CategoryRates]
    overall: CategoryRates


def compute_rates(rows: Iterable[RateRow]) -> RatesReport:
    """Sum counts and weights per category and outcome; shares are derived, never stored."""
    sums: dict[int | None, dict[Outcome, tuple[int, Decimal]]] = {}
    for row in rows:
        category = validate_category(row.category)
        for key in (category, None):
            bucket = sums.setdefault(key, {})
            count, weight = bucket.get(row.outcome, (0, Decimal("0")))
            bucket[row.outcome] = (count + row.count, weight + Decimal(row.weight_kg))

    def build(key: int | None) -> CategoryRates:
        bucket = sums.get(key, {})
        return CategoryRates(key, {o: Figures(c, w) for o, (c, w) in bucket.items()})

    categories = [build(c) for c in sorted(k for k in sums if k is not None)]
    return RatesReport(categories, build(None))
