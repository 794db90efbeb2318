"""Quotient familial (CAF method) and household shares (French "parts"), with the computation
shown in French.

A household's *shares* are the "parts" of the CAF or of the tax notice (parts fiscales); the
word "parts" in code is kept for the workshop's spare parts.

QF = (annual income / 12 + regular monthly benefits) / shares, rounded once, at the end, to the
cent (ROUND_HALF_UP). The ``working`` lines let a social worker check the figure by hand.

Numbers are written the French way, as CLDR/Babel write them, so figures computed here look the
same as those formatted by the web layer: U+202F (narrow no-break space) between thousands,
a comma before decimals, U+00A0 (no-break space) before "€". Babel is not imported: core is pure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from refurb.core.errors import InvalidInput, Message
from refurb.core.i18n import N_

__all__ = [
    "CENT",
    "QF_BANDS",
    "QF_BAND_LABELS",
    "QuotientError",
    "QuotientResult",
    "caf_shares",
    "describe_caf_shares",
    "format_eur",
    "format_number",
    "shares_label",
    "quotient_from_caf",
    "qf_band",
    "quotient_from_income",
    "tax_shares",
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

    Without ``places`` trailing zeros are dropped (used for shares: "4", "4,5").
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


def shares_label(shares: Decimal) -> str:
    # French keeps the singular below 2: "1 part", "1,5 part", "2 parts".
    return f"{format_number(shares)} {'parts' if shares >= 2 else 'part'}"


# --- input checking -------------------------------------------------------------------------


def to_decimal(value: object, label: str | Message) -> Decimal:
    """Accept Decimal, int, str ("1 234,50" too) or float; refuse bool, NaN and infinities.

    ``label`` names the quantity in the error message, a msgid marked with N_
    (``N_("le revenu annuel")``) or a Message.
    """
    what = label if isinstance(label, Message) else Message(label)
    if isinstance(value, bool) or value is None:
        raise QuotientError(N_("Montant manquant ou invalide pour %(what)s."), what=what)
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
            raise QuotientError(INVALID_AMOUNT, what=what, value=repr(value))
    except InvalidOperation:
        raise QuotientError(INVALID_AMOUNT, what=what, value=str(value)) from None
    if not number.is_finite():
        raise QuotientError(INVALID_AMOUNT, what=what, value=str(value))
    # A typo like "1e30" would otherwise overflow Decimal's precision when rounded to cents.
    if abs(number) >= MAX_AMOUNT:
        raise QuotientError(N_("Montant trop élevé pour %(what)s : « %(value)s »."),
                            what=what, value=str(value))
    return number


INVALID_AMOUNT = N_("Montant invalide pour %(what)s : « %(value)s ».")


def _count(value: object, label: str, minimum: int = 0) -> int:
    """``label`` completes "Le nombre …": a msgid such as N_("d'adultes")."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuotientError(N_("Le nombre %(what)s doit être un nombre entier."),
                            what=Message(label))
    if value < minimum:
        raise QuotientError(N_("Le nombre %(what)s ne peut pas être inférieur à %(minimum)s."),
                            what=Message(label), minimum=minimum)
    return value


# --- household shares ------------------------------------------------------------------------


def _caf_child_shares(children: int) -> Decimal:
    # 1st and 2nd child 0.5 each, 3rd 1, then 0.5 each.
    if children <= 2:
        return HALF * children
    return Decimal(2) + HALF * (children - 3)


def caf_shares(
    adults: int,
    children: int,
    children_with_disability: int = 0,
    single_parent: bool = False,
    single_parent_bonus: bool = False,
) -> Decimal:
    """Number of CAF shares ("parts CAF") of a household.

    - 2 shares for the allocataire's home whatever its make-up — a couple, a lone parent, and
      also a person living alone: CAF grants 2 to any allocataire. Further adults (a hosted
      grandparent, an adult child) add nothing; enter a young adult the CAF still counts as a
      dependant under ``children``.
    - children: 1st and 2nd 0.5 each, 3rd 1, 4th and each further 0.5;
    - +0.5 per child with a disability;
    - +0.5 for a lone parent only when the policy grants ``single_parent_bonus`` (sources
      differ) and only if there is at least one child (a lone *parent*).
    """
    _count(adults, N_("d'adultes"), minimum=1)
    _count(children, N_("d'enfants"))
    _count(children_with_disability, N_("d'enfants en situation de handicap"))
    if children_with_disability > children:
        raise QuotientError(N_(
            "Le nombre d'enfants en situation de handicap ne peut pas dépasser le nombre "
            "d'enfants."))
    shares = Decimal(2) + _caf_child_shares(children) + HALF * children_with_disability
    if single_parent and single_parent_bonus and children > 0:
        shares += HALF
    return shares


def describe_caf_shares(
    adults: int,
    children: int,
    children_with_disability: int = 0,
    single_parent: bool = False,
    single_parent_bonus: bool = False,
) -> str:
    """One French line showing how :func:`caf_shares` got its figure."""
    total = caf_shares(
        adults, children, children_with_disability, single_parent, single_parent_bonus
    )
    terms = ["2 (couple ou parent seul)" if children else "2 (allocataire)"]
    if children:
        noun = "enfant" if children == 1 else "enfants"
        terms.append(f"{format_number(_caf_child_shares(children))} ({children} {noun})")
    if children_with_disability:
        noun = "enfant" if children_with_disability == 1 else "enfants"
        terms.append(
            f"{format_number(HALF * children_with_disability)} "
            f"({children_with_disability} {noun} en situation de handicap)"
        )
    if single_parent and single_parent_bonus and children > 0:
        terms.append("0,5 (parent isolé)")
    return f"Nombre de parts CAF : {' + '.join(terms)} = {shares_label(total)}"


def tax_shares(
    couple: bool,
    dependants: int,
    dependants_with_disability: int = 0,
    isolated_parent: bool = False,
    widowed: bool = False,
) -> Decimal:
    """Shares of the *quotient familial fiscal* ("parts fiscales", CGI art. 194), to check a
    tax notice.

    Single 1, couple (married or PACS) 2; first two dependants +0.5 each, then +1 each;
    +0.5 per dependant holding a disability card; isolated parent (case T) +0.5 if at least one
    dependant. A widowed taxpayer with dependants counts as a couple (2 + dependants).
    Not covered: shared custody quarter-shares and the art. 195 half-shares (veteran, disabled
    taxpayer, living alone having raised a child) — take those from the notice itself.
    """
    _count(dependants, N_("de personnes à charge"))
    _count(dependants_with_disability, N_("de personnes à charge en situation de handicap"))
    if dependants_with_disability > dependants:
        raise QuotientError(N_(
            "Le nombre de personnes à charge en situation de handicap ne peut pas dépasser "
            "le nombre de personnes à charge."))
    if couple and (isolated_parent or widowed):
        raise QuotientError(N_(
            "Un couple marié ou pacsé ne peut être déclaré ni parent isolé ni veuf."))
    if widowed and isolated_parent:
        raise QuotientError(N_(
            "La demi-part de parent isolé (case T) ne s'applique pas aux veufs : "
            "leur foyer compte déjà 2 parts avec des enfants à charge."))
    base = Decimal(2) if couple or (widowed and dependants > 0) else Decimal(1)
    if dependants <= 2:
        for_dependants = HALF * dependants
    else:
        for_dependants = Decimal(1) + Decimal(dependants - 2)
    shares = base + for_dependants + HALF * dependants_with_disability
    if isolated_parent and dependants > 0:
        shares += HALF
    return shares


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
    shares: Decimal | None = None


def quotient_from_caf(stated: Decimal | int | str) -> QuotientResult:
    """The QF as printed on the CAF certificate (it already includes the family benefits)."""
    value = to_decimal(stated, N_("le quotient familial CAF"))
    if value < 0:
        raise QuotientError(N_("Le quotient familial CAF ne peut pas être négatif."))
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return QuotientResult(
        value=value,
        basis="caf",
        working=[f"Quotient familial indiqué par la CAF : {format_eur(value)}"],
    )


def quotient_from_income(
    annual_income: Decimal | int | str,
    monthly_benefits: Decimal | int | str,
    shares: Decimal | int | str,
) -> QuotientResult:
    """QF estimated from the revenu fiscal de référence, as communes do without a CAF figure."""
    income = to_decimal(annual_income, N_("le revenu annuel"))
    benefits = to_decimal(monthly_benefits, N_("les prestations mensuelles"))
    count = to_decimal(shares, N_("le nombre de parts"))
    if income < 0:
        raise QuotientError(N_("Le revenu annuel ne peut pas être négatif."))
    if benefits < 0:
        raise QuotientError(N_("Les prestations mensuelles ne peuvent pas être négatives."))
    if count <= 0:
        raise QuotientError(N_("Le nombre de parts doit être strictement positif."))

    monthly_income = income / 12
    resources = monthly_income + benefits
    value = (resources / count).quantize(CENT, rounding=ROUND_HALF_UP)

    month_sign, month_text = _rounded(monthly_income)
    res_sign, res_text = _rounded(resources)
    working = [
        f"Revenu fiscal de référence : {format_eur(income)} / 12 {month_sign} {month_text}",
        f"+ prestations mensuelles : {format_eur(benefits)}",
        f"{res_sign} ressources mensuelles : {res_text}",
        f"÷ {shares_label(count)} = {format_eur(value)}",
    ]
    return QuotientResult(value=value, basis="rfr", working=working, shares=count)


# --- bands for statistics -------------------------------------------------------------------

# Kept after the GDPR purge, when the exact figures are erased. Fixed, so that reports over
# several years compare the same bands.
QF_BANDS: tuple[tuple[str, Decimal | None, str], ...] = (
    ("lt400", Decimal(400), N_("Moins de 400 €")),
    ("400-599", Decimal(600), N_("De 400 à 599,99 €")),
    ("600-799", Decimal(800), N_("De 600 à 799,99 €")),
    ("800-999", Decimal(1000), N_("De 800 à 999,99 €")),
    ("ge1000", None, N_("1 000 € et plus")),
)
QF_BAND_LABELS = {code: label for code, _, label in QF_BANDS} | {
    "unknown": N_("Non renseigné"),
    "n/a": N_("Sans objet (structure)"),
}


def qf_band(qf: Decimal | None) -> str:
    """The statistics band of a QF; "unknown" without one."""
    if qf is None:
        return "unknown"
    for code, upper, _label in QF_BANDS:
        if upper is None or qf < upper:
            return code
    return "unknown"  # pragma: no cover - the last band has no upper bound
