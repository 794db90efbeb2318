"""The local eligibility policy of one CCAS, versioned, and how long an approval lasts."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from refurb.core.eligibility.inputs import (
    PolicyError,
    check_keys,
    money,
    situation,
    situations,
    whole_number,
    yes_no,
)
from refurb.core.eligibility.situations import LABELS_FR, Situation
from refurb.core.errors import Message
from refurb.core.i18n import N_

SituationsMode = Literal["any_qualifies", "required", "priority_only"]
SITUATIONS_MODES: tuple[str, ...] = ("any_qualifies", "required", "priority_only")


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The local rules of one CCAS, versioned: a decision records the version it used.

    Collections are copied into immutable ones (tuple, frozenset, a private dict), so a caller
    changing its own list after building a policy does not change the policy.
    ``four_eyes``, ``approval_validity_months`` and ``min_training_sessions`` are not used by
    :func:`evaluate`; approval and handover read them.
    """

    version: int = 1
    max_quotient: Decimal | None = None
    allowed_communes: tuple[str, ...] = ()
    require_no_computer: bool = False
    qualifying_situations: frozenset[Situation] = frozenset()
    situations_mode: SituationsMode = "any_qualifies"
    priority_situations: Mapping[Situation, int] = field(default_factory=dict)
    one_device_per_household_years: int | None = None
    approval_validity_months: int = 6
    four_eyes: bool = False
    single_parent_bonus: bool = False
    min_training_sessions: int = 0

    def __post_init__(self) -> None:
        E = PolicyError
        put = object.__setattr__
        whole_number(self.version, N_("Version de la politique"), E, 1)
        if self.max_quotient is not None:
            put(self, "max_quotient",
                money(self.max_quotient, N_("Plafond de quotient familial"), E))
        put(self, "allowed_communes", _communes(self.allowed_communes))
        yes_no(self.require_no_computer, N_("Foyer sans ordinateur exigé"), E)
        put(self, "qualifying_situations",
            situations(self.qualifying_situations, N_("Situations ouvrant droit"), E))
        if self.situations_mode not in SITUATIONS_MODES:
            raise E(N_("Mode des situations inconnu : « %(mode)s » (valeurs possibles : "
                       "%(known)s)."), mode=self.situations_mode, known=", ".join(SITUATIONS_MODES))
        put(self, "priority_situations", _points(self.priority_situations))
        if self.one_device_per_household_years is not None:
            whole_number(self.one_device_per_household_years,
                         N_("Délai entre deux équipements (années)"), E, 1)
        whole_number(self.approval_validity_months, N_("Durée de validité de l'accord (mois)"),
                     E, 1)
        yes_no(self.four_eyes, N_("Double validation"), E)
        yes_no(self.single_parent_bonus, N_("Demi-part parent isolé"), E)
        whole_number(self.min_training_sessions, N_("Nombre minimal de séances de formation"),
                     E, 0)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Policy:
        """Build from stored JSON; missing keys take their defaults, unknown keys are refused."""
        check_keys(d, cls, PolicyError)
        return cls(**dict(d))

    def __hash__(self) -> int:
        # The generated hash would choke on the points dict; hash its items instead.
        return hash(
            tuple(
                tuple(sorted(v.items())) if isinstance(v, Mapping) else v
                for v in (getattr(self, f.name) for f in fields(self))
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: Decimal as a string ("700.00"), situations as sorted code lists."""
        return {
            "version": self.version,
            "max_quotient": None if self.max_quotient is None else str(self.max_quotient),
            "allowed_communes": list(self.allowed_communes),
            "require_no_computer": self.require_no_computer,
            "qualifying_situations": sorted(s.value for s in self.qualifying_situations),
            "situations_mode": self.situations_mode,
            "priority_situations": {s.value: p for s, p in self.priority_situations.items()},
            "one_device_per_household_years": self.one_device_per_household_years,
            "approval_validity_months": self.approval_validity_months,
            "four_eyes": self.four_eyes,
            "single_parent_bonus": self.single_parent_bonus,
            "min_training_sessions": self.min_training_sessions,
        }


def _communes(communes: Any) -> tuple[str, ...]:
    if isinstance(communes, str) or not isinstance(communes, Iterable):
        raise PolicyError(N_("Communes du dispositif : une liste de noms est attendue."))
    cleaned = []
    for name in communes:
        if not isinstance(name, str) or not name.strip():
            raise PolicyError(N_("Communes du dispositif : chaque commune doit avoir un nom."))
        cleaned.append(" ".join(name.split()))
    return tuple(cleaned)


def _points(priority_situations: Any) -> dict[Situation, int]:
    if not isinstance(priority_situations, Mapping):
        raise PolicyError(
            N_("Points de priorité : un dictionnaire situation → points est attendu."))
    points = {}
    for key, value in priority_situations.items():
        code = situation(key, PolicyError)
        label = Message(N_("Points de priorité (%(situation)s)"),
                        {"situation": Message(LABELS_FR[code])})
        points[code] = whole_number(value, label, PolicyError, 0)
    return dict(sorted(points.items()))


# FERIS workshops (CCAS of Fresnes-sur-Escaut), DOMAIN.md §1. The QF ceiling is not published:
# 700 € is a sensible default an admin is expected to adjust.
DEFAULT_POLICY = Policy(
    version=1,
    max_quotient=Decimal("700.00"),
    allowed_communes=("Fresnes-sur-Escaut",),
    require_no_computer=True,
    qualifying_situations=frozenset(
        {Situation.NON_TAXABLE, Situation.YOUNG_MISSION_LOCALE, Situation.PUPIL_IN_HOUSEHOLD}
    ),
    situations_mode="any_qualifies",
    priority_situations={
        Situation.YOUNG_MISSION_LOCALE: 5,
        Situation.PUPIL_IN_HOUSEHOLD: 5,
        Situation.NON_TAXABLE: 2,
    },
    one_device_per_household_years=3,
    approval_validity_months=6,
    four_eyes=False,
    single_parent_bonus=False,
    min_training_sessions=5,
)


def add_months(start: date, months: int) -> date:
    """``start`` + ``months``, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def approval_expires_on(approved_on: date, policy: Policy) -> date:
    """Last day an approval made on ``approved_on`` is valid (month end clamped)."""
    return add_months(approved_on, policy.approval_validity_months)


def approval_is_valid(approved_on: date, policy: Policy, today: date) -> bool:
    # The expiry day itself is still valid: "valable jusqu'au 31/07" includes the 31st.
    return approved_on <= today <= approval_expires_on(approved_on, policy)
