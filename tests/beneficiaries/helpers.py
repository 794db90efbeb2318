"""Factories for beneficiary files, through the real services."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from refurb.beneficiaries import files, workflow
from refurb.beneficiaries import policy as policies
from refurb.beneficiaries.file_values import FileValues
from refurb.core.eligibility import DEFAULT_POLICY
from refurb.extensions import db

NOW = datetime(2026, 3, 2, 9, 30)
# Names unlikely to appear anywhere else in a page, so "absent from the HTML" means something.
LAST_NAME = "Zébulonnet"
FIRST_NAME = "Anastasiaque"


def household_values(**changes) -> FileValues:
    """The DOMAIN.md family (couple, 3 children, RFR 24,000, 300 €/month: QF 575): eligible
    under DEFAULT_POLICY (Fresnes-sur-Escaut, ceiling 700 €, no computer)."""
    base = FileValues(
        commune="Fresnes-sur-Escaut",
        last_name=LAST_NAME,
        first_name=FIRST_NAME,
        birth_date=date(1985, 4, 2),
        email="a.zebulonnet@example.org",
        phone="06 12 34 56 78",
        address_line="3 rue des Mineurs",
        postal_code="59970",
        adults=2,
        children=3,
        income_basis="rfr",
        annual_income=Decimal("24000"),
        monthly_benefits=Decimal("300"),
        referred_by="ccas",
        referrer_detail="Permanence du mardi",
        notes="Rencontrée en permanence, deux enfants au collège.",
    )
    return replace(base, **changes)


def make_file(kind: str = "household", *, actor_id: int | None = None, now: datetime = NOW,
              values: FileValues | None = None, **changes):
    if values is None:
        if kind == "school":
            values = FileValues(commune="Besançon", organisation_name="École Jean Macé",
                                uai="0250001R", last_name="Directrice", first_name="Claire")
        elif kind == "association":
            values = FileValues(commune="Besançon", organisation_name="Les Petits Débrouillards",
                                rna="W251234567")
        elif kind == "pupil":
            values = household_values(uai="0250001R", school_level="CE2",
                                      programme="Besançon-Clic 2026")
        else:
            values = household_values()
    values = replace(values, **changes)
    return files.create_file(kind, values, actor_id=actor_id, now=now)


def submit(beneficiary, *, actor_id=None, now=NOW):
    return workflow.decide(beneficiary, "submitted", actor_id=actor_id, now=now)


def set_policy(*, actor_id=None, now=NOW, **changes):
    """Save a new policy version: DEFAULT_POLICY with ``changes`` (in ``to_dict`` form)."""
    current = policies.get_current_policy()
    rules = {**DEFAULT_POLICY.to_dict(), **changes}
    rules.pop("version")
    policy = policies.save_policy(rules, base_version=current.version, actor_id=actor_id, now=now)
    db.session.flush()
    return policy
