"""How a decision's QF was reached, told so that someone without Refurb can redo it: the
household's parts one by one with their reason (as the policy version grants them), the income
basis and one working line ("1 850,00 € / 12 / 2,5 parts = 61,67 €").

Stored with each decision (the record must explain itself after the policy changes) and printed
by ``flask beneficiaries evaluate``. Amounts in ``to_json`` are plain decimal strings ("2.5",
"1850.00") for programs; the ``reason``/``working_line`` texts are French for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from refurb.core.eligibility.facts import HouseholdFacts
from refurb.core.eligibility.policy import Policy
from refurb.core.quotient import CENT, HALF, caf_shares, format_eur, format_number, shares_label

BASIS_LABELS = {
    "caf": "Quotient familial de l'attestation CAF (prestations comprises)",
    "rfr_tax": "Revenu fiscal de référence / 12 + prestations mensuelles, divisé par les parts "
               "de l'avis d'imposition",
    "rfr_caf": "Revenu fiscal de référence / 12 + prestations mensuelles, divisé par les parts "
               "CAF calculées d'après la composition du foyer",
    None: "Aucun justificatif de revenu : quotient familial inconnu",
}


@dataclass(frozen=True)
class ShareLine:
    shares: Decimal
    reason: str


@dataclass(frozen=True)
class Explanation:
    basis: str | None  # "caf", "rfr_tax", "rfr_caf" or None
    shares: tuple[ShareLine, ...]
    total_shares: Decimal | None
    annual_income: Decimal | None
    monthly_benefits: Decimal | None
    stated_quotient: Decimal | None
    quotient: Decimal | None
    working_line: str
    policy_version: int

    @property
    def basis_label(self) -> str:
        return BASIS_LABELS[self.basis]

    def to_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "income_basis": self.basis,
            "income_basis_label": self.basis_label,
            "annual_income": text(self.annual_income),
            "monthly_benefits": text(self.monthly_benefits),
            "stated_quotient": text(self.stated_quotient),
            "parts": [{"parts": format(line.shares.normalize(), "f"), "reason": line.reason}
                      for line in self.shares],
            "parts_total": None if self.total_shares is None
            else format(self.total_shares.normalize(), "f"),
            "working_line": self.working_line,
        }


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def caf_share_lines(facts: HouseholdFacts, policy: Policy) -> tuple[ShareLine, ...]:
    """The CAF parts of ``facts`` one by one; they add up to ``caf_shares`` (checked)."""
    who = ("couple" if facts.adults >= 2 else
           "parent seul" if facts.children else "personne seule")
    lines = [ShareLine(Decimal(2), f"Foyer allocataire ({who})")]
    for n in range(3, facts.adults + 1):
        lines.append(ShareLine(Decimal(0), f"{n}e adulte (non compté par la CAF)"))
    for n in range(1, facts.children + 1):
        lines.append(ShareLine(Decimal(1) if n == 3 else HALF, f"{_ordinal(n)} enfant"))
    for n in range(1, facts.children_with_disability + 1):
        lines.append(ShareLine(HALF, f"Enfant en situation de handicap ({n}/"
                                     f"{facts.children_with_disability})"))
    if facts.single_parent and facts.children:
        if policy.single_parent_bonus:
            lines.append(ShareLine(HALF, f"Parent isolé (politique v{policy.version})"))
        else:
            lines.append(ShareLine(Decimal(0), f"Parent isolé : demi-part non accordée par la "
                                               f"politique v{policy.version}"))
    total = caf_shares(facts.adults, facts.children, facts.children_with_disability,
                       facts.single_parent, policy.single_parent_bonus)
    if sum((line.shares for line in lines), Decimal(0)) != total:  # pragma: no cover
        raise AssertionError("share lines do not add up to caf_shares")
    return tuple(lines)


def working_line(annual_income: Decimal, benefits: Decimal, shares: Decimal,
                 quotient: Decimal) -> str:
    if benefits:
        resources = f"({format_eur(annual_income)} / 12 + {format_eur(benefits)})"
    else:
        resources = f"{format_eur(annual_income)} / 12"
    return f"{resources} / {shares_label(shares)} = {format_eur(quotient)}"


def explain(facts: HouseholdFacts, policy: Policy) -> Explanation:
    """The parts, the basis and the working line behind ``household_quotient``."""
    common = {"policy_version": policy.version}
    if facts.income_basis == "caf":
        qf = facts.stated_quotient.quantize(CENT, rounding=ROUND_HALF_UP)  # type: ignore[union-attr]
        return Explanation(
            basis="caf", shares=(), total_shares=None, annual_income=None,
            monthly_benefits=None, stated_quotient=qf, quotient=qf,
            working_line=f"Quotient familial indiqué par la CAF = {format_eur(qf)}", **common)
    if facts.income_basis == "rfr":
        if facts.tax_shares is not None:
            basis = "rfr_tax"
            lines: tuple[ShareLine, ...] = (
                ShareLine(facts.tax_shares, "Parts fiscales de l'avis d'imposition "
                                            f"({format_number(facts.tax_shares)})"),)
        else:
            basis = "rfr_caf"
            lines = caf_share_lines(facts, policy)
        total = sum((line.shares for line in lines), Decimal(0))
        income = facts.annual_income  # type: ignore[assignment]
        benefits = facts.monthly_benefits
        qf = ((income / 12 + benefits) / total).quantize(CENT, rounding=ROUND_HALF_UP)
        return Explanation(
            basis=basis, shares=lines, total_shares=total, annual_income=income,
            monthly_benefits=benefits, stated_quotient=None, quotient=qf,
            working_line=working_line(income, benefits, total, qf), **common)
    return Explanation(basis=None, shares=(), total_shares=None, annual_income=None,
                       monthly_benefits=None, stated_quotient=None, quotient=None,
                       working_line="Quotient familial inconnu (aucun justificatif de revenu)",
                       **common)
