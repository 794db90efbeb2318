"""What a page shows before a permanent document is issued: its key figures, and whether they
are all empty (a period with nothing in it is most often a wrong period, not a quiet year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Fact:
    label: str  # translated
    value: Any
    unit: str = ""
    digits: int = 0


@dataclass(frozen=True)
class Preview:
    number: str  # the number the document will carry (or already carries: a new version)
    facts: list[Fact] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Every figure is zero (text facts, such as the period, do not count)."""
        figures = [f.value for f in self.facts if isinstance(f.value, int | float | Decimal)]
        return bool(figures) and not any(figures)
