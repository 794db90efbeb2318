"""What the social worker checked about one household, and its quotient familial."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from refurb.core.eligibility.inputs import (
    FactsError,
    check_keys,
    iso_date,
    money,
    situations,
    whole_number,
    yes_no,
)
from refurb.core.eligibility.policy import Policy
from refurb.core.eligibility.situations import Situation
from refurb.core.i18n import N_
from refurb.core.quotient import (
    QuotientError,
    QuotientResult,
    caf_shares,
    describe_caf_shares,
    format_number,
    quotient_from_caf,
    quotient_from_income,
    to_decimal,
)

IncomeBasis = Literal["caf", "rfr"]


@dataclass(frozen=True, kw_only=True)
class HouseholdFacts:
    """What the social worker checked about one household.

    Income, by ``income_basis``:
    - ``"caf"``: ``stated_quotient`` from the CAF certificate (already includes benefits);
    - ``"rfr"``: ``annual_income`` (revenu fiscal de référence) + ``monthly_benefits``, divided
      by ``tax_shares`` (the notice's "parts fiscales") when taken from the tax notice, else by
      the CAF shares computed from the household's make-up;
    - ``None``: no income document (the QF is then unknown and cannot satisfy a ceiling).

    ``application_date`` is not used by :func:`evaluate` (which judges on ``today``); the
    waiting list uses it to order households with the same priority.
    """

    commune: str
    application_date: date
    adults: int = 1
    children: int = 0
    children_with_disability: int = 0
    single_parent: bool = False
    income_basis: IncomeBasis | None = None
    stated_quotient: Decimal | None = None
    annual_income: Decimal | None = None
    tax_shares: Decimal | None = None
    monthly_benefits: Decimal = Decimal("0.00")
    non_taxable: bool = False
    situations: frozenset[Situation] = frozenset()
    has_computer: bool = False
    last_device_received_on: date | None = None

    def __post_init__(self) -> None:
        E = FactsError
        put = object.__setattr__
        if not isinstance(self.commune, str):
            raise E(N_("Commune : un nom est attendu."))
        put(self, "commune", " ".join(self.commune.split()))
        put(self, "application_date",
            iso_date(self.application_date, N_("Date de la demande"), E))
        whole_number(self.adults, N_("Nombre d'adultes"), E, 1)
        whole_number(self.children, N_("Nombre d'enfants"), E, 0)
        whole_number(self.children_with_disability,
                     N_("Nombre d'enfants en situation de handicap"), E, 0)
        if self.children_with_disability > self.children:
            raise E(N_("Le nombre d'enfants en situation de handicap ne peut pas dépasser le "
                       "nombre d'enfants."))
        yes_no(self.single_parent, N_("Parent isolé"), E)
        self._check_income()
        yes_no(self.non_taxable, N_("Foyer non imposable"), E)
        put(self, "situations", situations(self.situations, N_("Situations du foyer"), E))
        yes_no(self.has_computer, N_("Ordinateur au foyer"), E)
        if self.last_device_received_on is not None:
            put(self, "last_device_received_on",
                iso_date(self.last_device_received_on, N_("Date du dernier équipement reçu"), E))

    def _check_income(self) -> None:
        E = FactsError
        put = object.__setattr__
        if self.income_basis not in ("caf", "rfr", None):
            raise E(N_("Base de revenu inconnue : « %(basis)s » (valeurs possibles : caf, rfr, "
                       "ou aucune)."), basis=self.income_basis)
        if self.stated_quotient is not None:
            put(self, "stated_quotient",
                money(self.stated_quotient, N_("Quotient familial CAF"), E))
        if self.annual_income is not None:
            put(self, "annual_income",
                money(self.annual_income, N_("Revenu fiscal de référence"), E))
        if self.tax_shares is not None:
            try:
                shares = to_decimal(self.tax_shares, N_("le nombre de parts"))
            except QuotientError:
                raise E(N_("Nombre de parts fiscales : valeur invalide (reçu « %(value)s »)."),
                        value=self.tax_shares) from None
            if shares <= 0:
                raise E(N_("Nombre de parts fiscales : la valeur doit être strictement "
                           "positive."))
            put(self, "tax_shares", shares)
        put(self, "monthly_benefits",
            money(self.monthly_benefits, N_("Prestations mensuelles"), E))
        if self.income_basis == "caf" and self.stated_quotient is None:
            raise E(N_("Base CAF choisie : le quotient familial indiqué par la CAF est requis."))
        if self.income_basis == "rfr" and self.annual_income is None:
            raise E(N_("Base avis d'imposition choisie : le revenu fiscal de référence est "
                       "requis."))

    @property
    def effective_situations(self) -> frozenset[Situation]:
        if self.non_taxable:
            return self.situations | {Situation.NON_TAXABLE}
        return self.situations

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HouseholdFacts:
        """Build from JSON-like data (ISO dates, amounts as strings or numbers). The key
        ``tax_parts`` of files written before ``tax_shares`` is still read."""
        if isinstance(d, Mapping) and "tax_parts" in d and "tax_shares" not in d:
            d = {("tax_shares" if key == "tax_parts" else key): v for key, v in d.items()}
        check_keys(d, cls, FactsError)
        for required in ("commune", "application_date"):
            if required not in d:
                raise FactsError(N_("Paramètre manquant : %(name)s."), name=required)
        return cls(**dict(d))

    def to_dict(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "commune": self.commune,
            "application_date": self.application_date.isoformat(),
            "adults": self.adults,
            "children": self.children,
            "children_with_disability": self.children_with_disability,
            "single_parent": self.single_parent,
            "income_basis": self.income_basis,
            "stated_quotient": text(self.stated_quotient),
            "annual_income": text(self.annual_income),
            "tax_shares": text(self.tax_shares),
            "monthly_benefits": str(self.monthly_benefits),
            "non_taxable": self.non_taxable,
            "situations": sorted(s.value for s in self.situations),
            "has_computer": self.has_computer,
            "last_device_received_on": (
                None
                if self.last_device_received_on is None
                else self.last_device_received_on.isoformat()
            ),
        }


def household_quotient(facts: HouseholdFacts, policy: Policy) -> QuotientResult | None:
    """The household's QF with its working, or None when no income document was given."""
    if facts.income_basis == "caf":
        return quotient_from_caf(facts.stated_quotient)  # type: ignore[arg-type]
    if facts.income_basis == "rfr":
        if facts.tax_shares is not None:
            shares = facts.tax_shares
            shares_line = f"Nombre de parts (avis d'imposition) : {format_number(shares)}"
        else:
            composition = (
                facts.adults,
                facts.children,
                facts.children_with_disability,
                facts.single_parent,
                policy.single_parent_bonus,
            )
            shares = caf_shares(*composition)
            shares_line = describe_caf_shares(*composition)
        result = quotient_from_income(facts.annual_income, facts.monthly_benefits, shares)  # type: ignore[arg-type]
        return QuotientResult(
            value=result.value,
            basis=result.basis,
            working=[shares_line, *result.working],
            shares=result.shares,
        )
    return None
