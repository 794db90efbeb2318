"""One shape for a report table (page, CSV and PDF alike) and the words its cells use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from refurb.beneficiaries.services import KIND_LABELS
from refurb.core.device_types import DEVICE_TYPE_LABELS, DeviceType
from refurb.core.eligibility import LABELS_FR as SITUATION_LABELS
from refurb.core.lifecycle import STATE_LABELS, State


def state_label(state: str) -> str:
    try:
        return _(STATE_LABELS[State(state)])
    except ValueError:
        return state


def type_label(kind: str) -> str:
    try:
        return _(DEVICE_TYPE_LABELS[DeviceType(kind)])
    except ValueError:
        return kind


def type_order(kind: str) -> int:
    order = [t.value for t in DeviceType]
    return order.index(kind) if kind in order else len(order)


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def situation_label(situation: str) -> str:
    return _(SITUATION_LABELS.get(situation, situation))





@dataclass
class Table:
    """A titled grid: `rows` hold raw values (Decimal, int, date), formatted by whoever shows
    them; `numeric` marks right-aligned columns."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)
    chart: Any = None
    wide: bool = False  # a chart over time: full width above its table
    money: set[int] = field(default_factory=set)  # columns of amounts in euros
    money_rows: set[int] = field(default_factory=set)  # rows whose value (column 1) is euros

    @property
    def csv_filename(self) -> str:
        return f"{self.name}.csv"


def numeric_columns(header: Sequence[str], first_text: int = 1) -> set[int]:
    return set(range(first_text, len(header)))
