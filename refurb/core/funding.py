"""Funders' arithmetic: what the programmes cost, what funded them, and the ratios funders
ask for (politique de la ville, CAF, the city). Amounts are Decimals to the cent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("100000000")
KIND_LABELS = {"cost": N_("Coût"), "funding": N_("Financement")}


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    programme: str
    kind: str  # cost | funding
    amount: Decimal


def check_line(*, year: int | None, programme: str, label: str, amount: Decimal | None,
               kind: str) -> None:
    if year is None or not 2000 <= year <= 2100:
        raise InvalidInput(N_("Année invalide : indiquez par exemple 2026."))
    if not programme.strip():
        raise InvalidInput(N_("Indiquez le programme (par exemple Besançon-Clic)."))
    if not label.strip():
        raise InvalidInput(N_("Indiquez le libellé de la ligne."))
    if kind not in KIND_LABELS:
        raise InvalidInput(N_("Choisissez coût ou financement."))
    if amount is None or amount < 0 or amount >= MAX_AMOUNT:
        raise InvalidInput(N_("Montant invalide : saisissez par exemple 1 234,50."))


def totals(lines: Iterable[Line]) -> dict[str, Decimal]:
    """{"cost": …, "funding": …, "balance": funding − cost}."""
    lines = list(lines)
    cost = sum((line.amount for line in lines if line.kind == "cost"), Decimal(0))
    funding = sum((line.amount for line in lines if line.kind == "funding"), Decimal(0))
    return {"cost": cents(cost), "funding": cents(funding), "balance": cents(funding - cost)}


def cost_per_household(total_cost: Decimal, households: int) -> Decimal | None:
    """None when no household was equipped: a ratio over nobody means nothing."""
    if households <= 0:
        return None
    return cents(Decimal(total_cost) / households)


def share(part: int, whole: int) -> Decimal | None:
    """Percentage to one decimal; None over an empty whole."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_eur(amount: Decimal | None) -> str:
    """French money as funders read it: "1 234,50 €" (narrow no-break space between
    thousands, no-break space before the sign)."""
    if amount is None:
        return "—"
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(cents(amount)):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{chr(0x202F).join(groups)},{fraction}\u00a0€"
