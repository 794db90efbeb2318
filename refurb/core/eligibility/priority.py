"""Priority of an eligible household on the waiting list: higher is served first.

- the policy's points for each priority situation present;
- up to ``QF_POINTS`` (10) for a QF under the ceiling: round(10 × (ceiling − QF) / ceiling),
  so QF 0 → 10 and QF = ceiling → 0; nothing without a ceiling or a known QF;
- ``CHILD_POINTS`` (1) per child, at most ``MAX_CHILD_POINTS`` (3);
- ``SINGLE_PARENT_POINTS`` (1) for a lone parent with at least one child.

Ties are left to the caller (the waiting list orders them by application date).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from refurb.core.eligibility.facts import HouseholdFacts
from refurb.core.eligibility.policy import Policy
from refurb.core.eligibility.rules import plural, situation_label

QF_POINTS = 10
CHILD_POINTS = 1
MAX_CHILD_POINTS = 3
SINGLE_PARENT_POINTS = 1


def priority(facts: HouseholdFacts, policy: Policy, qf: Decimal | None) -> tuple[int, list[str]]:
    """The score and the French terms it adds up ("3 enfants +3")."""
    terms: list[str] = []
    score = 0
    for situation, points in policy.priority_situations.items():
        if situation in facts.effective_situations and points:
            score += points
            terms.append(f"{situation_label(situation)} +{points}")
    ceiling = policy.max_quotient
    if ceiling is not None and qf is not None and qf <= ceiling:
        if ceiling == 0:
            qf_points = QF_POINTS
        else:
            ratio = QF_POINTS * (ceiling - qf) / ceiling
            qf_points = int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if qf_points:
            score += qf_points
            terms.append(f"quotient familial sous le plafond +{qf_points}")
    child_points = min(facts.children * CHILD_POINTS, MAX_CHILD_POINTS)
    if child_points:
        score += child_points
        noun = plural(facts.children, "enfant", "enfants")
        terms.append(f"{facts.children} {noun} +{child_points}")
    if facts.single_parent and facts.children > 0:
        score += SINGLE_PARENT_POINTS
        terms.append(f"parent isolé +{SINGLE_PARENT_POINTS}")
    return score, terms
