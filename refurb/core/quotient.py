"""Quotient familial (CAF method) and tax parts, with the computation shown in French.

QF = (annual income / 12 + regular monthly benefits) / parts, rounded once, at the end, to the
cent (ROUND_HALF_UP). The ``working`` lines let a social worker check the figure by hand.

Numbers are written the French way, as CLDR/Babel write them, so figures computed here look the
same as those formatted by the web layer: U+202F (narrow no-break space) between thousands,
a comma before decimals, U+00A0 (no-break space) before "€". Babel is not imported: core is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from refurb.core.errors import InvalidInput

__all__ = [
    "CENT",
    "QuotientError",
    "QuotientResult",
    "caf_parts",
    "describe_caf_parts",
    "format_eur",
    "format_number",
    "parts_label",
    "quotient_from_caf",
    "quotient_from_income",
    "tax_parts",
    "to_decimal",
]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12
HALF = Decimal("0.5")
GROUP_SEP = "\u202f"
EURO_SEP = "\u00a0"

Basis = Literal["caf", "rfr"]


class QuotientError(InvalidInput, ValueError):
    """Input that makes no sense for a QF or parts computation; ``message`` is French.

    Also an ``InvalidInput`` (HTTP 400) so the web layer reports it like any DomainError.
    """


# --- French number formatting -------------------------------------------------------------


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return GROUP_SEP.join(parts)


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """``Decimal("2.5")`` → ``"2,5"``; ``12000`` with ``places=2`` → ``"12 000,00"``.

    Without ``places`` trailing zeros are dropped (used for parts: "4", "4,5").
    """
    number = Decimal(value)
    if places is None:
        number = number.normalize()
        # normalize() turns 400 into 4E+2; quantize back to an integer exponent.
        if number == number.to_integral_value():
            number = number.quantize(Decimal(1))
    else:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, decimals = text.partition(".")
    return f"{sign}{_group(whole)}{',' + decimals if decimals else ''}"


def format_eur(value: Decimal | int) -> str:
    """``Decimal("24000")`` → ``"24 000,00 €"`` (with no-break spaces)."""
    return f"{format_number(value, 2)}{EURO_SEP}€"


def parts_label(parts: Decimal) -> str:
    # French keeps the singular below 2: "1 part", "1,5 part", "2 parts".
    return f"{format_number(parts)} {'parts' if parts >= 2 else 'part'}"


# --- input checking -------------------------------------------------------------------------


def to_decimal(value: object, label: str) -> Decimal:
    """Accept Decimal, int, str ("1 234,50" too) or float; refuse bool, NaN and infinities.

    ``label`` names the quantity in the French error message ("le revenu annuel").
    """
    if isinstance(value, bool) or value is None:
        raise QuotientError(f"Montant manquant ou invalide pour {label}.")
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            # repr() gives the shortest decimal that round-trips: 0.1 stays 0.1.
            number = Decimal(repr(value))
        elif isinstance(value, str):
            cleaned = value.strip().replace("€", "")
            for sep in (" ", "\u00a0", "\u202f"):
                cleaned = cleaned.replace(sep, "")
            number = Decimal(cleaned.replace(",", "."))
        else:
            raise QuotientError(f"Montant invalide pour {label} : {value!r}.")
    except InvalidOperation:
        raise QuotientError(f"Montant invalide pour {label} : « {value} ».") from None
    if not number.is_finite():
        raise QuotientError(f"Montant invalide pour {label} : « {value} ».")
    # A typo like "1e30" would otherwise overflow Decimal's precision when rounded to cents.
    if abs(number) >= MAX_AMOUNT:
        raise QuotientError(f"Montant trop élevé pour {label} : « {value} ».")
    return number


def _count(value: object, label: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuotientError(f"Le nombre {label} doit être un nombre entier.")
    if value < minimum:
        raise QuotientError(f"Le nombre {label} ne peut pas être inférieur à {minimum}.")
    return value


# --- parts ----------------------------------------------------------------------------------


def _caf_child_parts(children: int) -> Decimal:
    # 1st and 2nd child 0.5 each, 3rd 1, then 0.5 each.
    if children <= 2:
        return HALF * children
    return Decimal(2) + HALF * (children - 3)


def caf_parts(
    adults: int,
    children: int,
    children_with_disability: int = 0,
    single_parent: bool = False,
    single_parent_bonus: bool = False,
) -> Decimal:
    """Number of CAF parts of a household.

    - 2 parts for the allocataire's home whatever its make-up — a couple, a lone parent, and
      also a person living alone: CAF grants 2 to any allocataire. Further adults (a hosted
      grandparent, an adult child) add nothing; enter a young adult the CAF still counts as a
      dependant under ``children``.
    - children: 1st and 2nd 0.5 each, 3rd 1, 4th and each further 0.5;
    - +0.5 per child with a disability;
    - +0.5 for a lone parent only when the policy grants ``single_parent_bonus`` (sources
      differ) and only if there is at least one child (a lone *parent*).
    """
    _count(adults, "d'adultes", minimum=1)
    _count(children, "d'enfants")
    _count(children_with_disability, "d'enfants en situation de handicap")
    if children_with_disability > children:
        raise QuotientError(
            "Le nombre d'enfants en situation de handicap ne peut pas dépasser le nombre d'enfants."
        )
    parts = Decimal(2) + _caf_child_parts(children) + HALF * children_with_disability
    if single_parent and single_parent_bonus and children > 0:
        parts += HALF
    return parts


def describe_caf_parts(
    adults: int,
    children: int,
    children_with_disability: int = 0,
    single_parent: bool = False,
    single_parent_bonus: bool = False,
) -> str:
    """One French line showing how :func:`caf_parts` got its figure."""
    total = caf_parts(
        adults, children, children_with_disability, single_parent, single_parent_bonus
    )
    terms = ["2 (couple ou parent seul)" if children else "2 (allocataire)"]
    if children:
        noun = "enfant" if children == 1 else "enfants"
        terms.append(f"{format_number(_caf_child_parts(children))} ({children} {noun})")
    if children_with_disability:
        noun = "enfant" if children_with_disability == 1 else "enfants"
        terms.append(
            f"{format_number(HALF * children_with_disability)} "
            f"({children_with_disability} {noun} en situation de handicap)"
        )
    if single_parent and single_parent_bonus and children > 0:
        terms.append("0,5 (parent isolé)")
    return f"Nombre de parts CAF : {' + '.join(terms)} = {parts_label(total)}"


def tax_parts(
    couple: bool,
    dependants: int,
    dependants_with_disability: int = 0,
    isolated_parent: bool = False,
    widowed: bool = False,
) -> Decimal:
    """Parts of the *quotient familial fiscal* (CGI art. 194), to check a tax notice.

    Single 1, couple (married or PACS) 2; first two dependants +0.5 each, then +1 each;
    +0.5 per dependant holding a disability card; isolated parent (case T) +0.5 if at least one
    dependant. A widowed taxpayer with dependants counts as a couple (2 + dependants).
    Not covered: shared custody quarter-parts and the art. 195 half-parts (veteran, disabled
    taxpayer, living alone having raised a child) — take those from the notice itself.
    """
    _count(dependants, "de personnes à charge")
    _count(dependants_with_disability, "de personnes à charge en situation de handicap")
    if dependants_with_disability > dependants:
        raise QuotientError(
            "Le nombre de personnes à charge en situation de handicap ne peut pas dépasser "
            "le nombre de personnes à charge."
        )
    if couple and (isolated_parent or widowed):
        raise QuotientError(
            "Un couple marié ou pacsé ne peut être déclaré ni parent isolé ni veuf."
        )
    if widowed and isolated_parent:
        raise QuotientError(
            "La demi-part de parent isolé (case T) ne s'applique pas aux veufs : "
            "leur foyer compte déjà 2 parts avec des enfants à charge."
        )
    base = Decimal(2) if couple or (widowed and dependants > 0) else Decimal(1)
    if dependants <= 2:
        for_dependants = HALF * dependants
    else:
        for_dependants = Decimal(1) + Decimal(dependants - 2)
    parts = base + for_dependants + HALF * dependants_with_disability
    if isolated_parent and dependants > 0:
        parts += HALF
    return parts


# --- quotient -------------------------------------------------------------------------------


def _rounded(amount: Decimal) -> tuple[str, str]:
    # Intermediate lines are rounded for display only; "≈" says so when it matters.
    rounded = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return ("=" if rounded == amount else "≈"), format_eur(rounded)


@dataclass(frozen=True)
class QuotientResult:
    value: Decimal
    basis: Basis
    working: list[str] = field(default_factory=list)
    parts: Decimal | None = None


def quotient_from_caf(stated: Decimal | int | str) -> QuotientResult:
    """The QF as printed on the CAF certificate (it already includes the family benefits)."""
    value = to_decimal(stated, "le quotient familial CAF")
    if value < 0:
        raise QuotientError("Le quotient familial CAF ne peut pas être négatif.")
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return QuotientResult(
        value=value,
        basis="caf",
        working=[f"Quotient familial indiqué par la CAF : {format_eur(value)}"],
    )


def quotient_from_income(
    annual_income: Decimal | int | str,
    monthly_benefits: Decimal | int | str,
    parts: Decimal | int | str,
) -> QuotientResult:
    """QF estimated from the revenu fiscal de référence, as communes do without a CAF figure."""
    income = to_decimal(annual_income, "le revenu annuel")
    benefits = to_decimal(monthly_benefits, "les prestations mensuelles")
    count = to_decimal(parts, "le nombre de parts")
    if income < 0:
        raise QuotientError("Le revenu annuel ne peut pas être négatif.")
    if benefits < 0:
        raise QuotientError("Les prestations mensuelles ne peuvent pas être négatives.")
    if count <= 0:
        raise QuotientError("Le nombre de parts doit être strictement positif.")

    monthly_income = income / 12
    resources = monthly_income + benefits
    value = (resources / count).quantize(CENT, rounding=ROUND_HALF_UP)

    month_sign, month_text = _rounded(monthly_income)
    res_sign, res_text = _rounded(resources)
    working = [
        f"Revenu fiscal de référence : {format_eur(income)} / 12 {month_sign} {month_text}",
        f"+ prestations mensuelles : {format_eur(benefits)}",
        f"{res_sign} ressources mensuelles : {res_text}",
        f"÷ {parts_label(count)} = {format_eur(value)}",
    ]
    return QuotientResult(value=value, basis="rfr", working=working, parts=count)
