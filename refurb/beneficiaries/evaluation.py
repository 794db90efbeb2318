"""A file's household facts, evaluated by the core under the policy in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from refurb.beneficiaries.models import HOUSEHOLD_KINDS, Beneficiary, Kind
from refurb.beneficiaries.policy import get_current_policy
from refurb.core.eligibility import Decision, HouseholdFacts, Policy, Situation, evaluate

FACT_FIELDS = (
    "commune", "adults", "children", "children_with_disability", "single_parent", "income_basis",
    "stated_quotient", "annual_income", "tax_shares", "monthly_benefits", "has_computer",
    "last_device_received_on",
)


def facts_from(data: dict[str, Any], kind: Kind, application_date: date) -> HouseholdFacts | None:
    """The core's facts from a file's values; None for schools and associations."""
    if kind not in HOUSEHOLD_KINDS:
        return None
    situations = frozenset(data["situations"])
    return HouseholdFacts(
        commune=data["commune"],
        application_date=application_date,
        adults=data["adults"],
        children=data["children"],
        children_with_disability=data["children_with_disability"],
        single_parent=data["single_parent"],
        income_basis=data["income_basis"],
        stated_quotient=data["stated_quotient"],
        annual_income=data["annual_income"],
        tax_shares=data["tax_shares"],
        monthly_benefits=data["monthly_benefits"] or Decimal("0"),
        non_taxable=Situation.NON_TAXABLE in situations,
        situations=situations - {Situation.NON_TAXABLE},
        has_computer=data["has_computer"],
        last_device_received_on=data["last_device_received_on"],
    )


def facts_of(beneficiary: Beneficiary) -> HouseholdFacts | None:
    """The household facts the core evaluates; None for schools and associations."""
    data = {name: getattr(beneficiary, name) for name in FACT_FIELDS}
    data["situations"] = beneficiary.situations
    applied = beneficiary.submitted_on or beneficiary.created_at.date()
    return facts_from(data, Kind(beneficiary.kind), application_date=applied)


def evaluate_file(beneficiary: Beneficiary, today: date,
                  policy: Policy | None = None) -> Decision | None:
    """The core's Decision under ``policy`` (the current one by default); None for
    organisations, and for anonymised files whose income figures are gone."""
    if beneficiary.anonymised_at is not None:
        return None
    facts = facts_of(beneficiary)
    if facts is None:
        return None
    return evaluate(facts, policy or get_current_policy(), today)
