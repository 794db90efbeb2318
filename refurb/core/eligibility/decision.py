"""Policy + facts + the day → a Decision: every rule's reason, the priority, the QF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from refurb.core.eligibility.explanation import Explanation, explain
from refurb.core.eligibility.facts import HouseholdFacts, household_quotient
from refurb.core.eligibility.policy import Policy
from refurb.core.eligibility.priority import priority as priority_of
from refurb.core.eligibility.rules import (
    Check,
    check_commune,
    check_computer,
    check_frequency,
    plural,
    resource_checks,
)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: list[str]
    priority: int
    quotient_familial: Decimal | None
    quotient_working: list[str]
    policy_version: int
    checks: tuple[Check, ...] = ()
    explanation: Explanation | None = None

    @property
    def failed_rules(self) -> list[str]:
        return [c.rule for c in self.checks if not c.passed]

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict. The QF is a string with two decimals ("575.00"): exact, unlike a
        float, and the same convention as amounts in ``Policy.to_dict``."""
        return {
            "eligible": self.eligible,
            "reasons": list(self.reasons),
            "priority": self.priority,
            "quotient_familial": (
                None if self.quotient_familial is None else str(self.quotient_familial)
            ),
            "policy_version": self.policy_version,
        }

    def to_record(self) -> dict[str, Any]:
        """What a decision keeps and the CLI prints: ``to_json`` plus the QF's working, the
        parts with their reasons and the income basis, enough to redo the QF by hand."""
        record = {**self.to_json(), "quotient_working": list(self.quotient_working)}
        if self.explanation is not None:
            record.update(self.explanation.to_json())
        return record


def evaluate(facts: HouseholdFacts, policy: Policy, today: date) -> Decision:
    """Apply ``policy`` to ``facts`` on ``today``; never raises for valid facts and policy."""
    quotient = household_quotient(facts, policy)
    qf = None if quotient is None else quotient.value

    checks = [
        check_commune(facts, policy),
        *resource_checks(facts, policy, qf),
        check_computer(facts, policy),
        check_frequency(facts, policy, today),
    ]
    eligible = all(c.passed for c in checks)
    reasons = [c.reason for c in checks]

    if eligible:
        priority, terms = priority_of(facts, policy, qf)
        detail = f" ({', '.join(terms)})" if terms else ""
        reasons.append(f"Priorité : {priority} {plural(priority, 'point', 'points')}{detail}.")
    else:
        priority = 0
        reasons.append("Priorité : non calculée, le foyer ne remplit pas tous les critères.")

    return Decision(
        eligible=eligible,
        reasons=reasons,
        priority=priority,
        quotient_familial=qf,
        quotient_working=[] if quotient is None else list(quotient.working),
        policy_version=policy.version,
        checks=tuple(checks),
        explanation=explain(facts, policy),
    )
