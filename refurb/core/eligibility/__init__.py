"""Eligibility of a household for a device: a versioned local policy + facts → a Decision.

Pure: no clock (``today`` is passed in), no I/O, and nothing passed in is modified, so the
same facts under the same policy always give the same decision, and a decision can be
re-explained later from the policy version it names.

- ``situations``  the situations a household may be in (RSA, non-taxable…) and their names;
- ``policy``      the local, versioned ``Policy`` and how long an approval lasts;
- ``facts``       ``HouseholdFacts`` (what was checked) and the household's quotient familial;
- ``rules``       one ``Check`` per rule, with its French reason, passed or failed;
- ``priority``    the waiting-list score of an eligible household;
- ``decision``    ``evaluate(facts, policy, today)`` → ``Decision``;
- ``explanation`` the parts one by one, the income basis and the QF's working line;
- ``inputs``      the errors (``PolicyError``, ``FactsError``) for malformed input.

The household is eligible when no rule fails. Resources and situations
(``Policy.situations_mode``):

- ``"any_qualifies"`` (default, FERIS-like): the resources rule passes when QF ≤ ``max_quotient``
  OR the household has one of ``qualifying_situations`` (e.g. non-taxable, followed by the
  Mission locale). With no ``max_quotient`` there is no income ceiling, so it always passes.
- ``"required"``: two separate rules; QF ≤ ``max_quotient`` (when set) AND at least one of
  ``qualifying_situations`` (when any are listed).
- ``"priority_only"``: only QF ≤ ``max_quotient`` decides; situations earn priority points only.

"Non imposable" counts as the ``non_taxable`` situation whether it comes from
``HouseholdFacts.non_taxable`` or from ``situations``. Priority is computed only for an eligible
household (0 otherwise); see ``priority``.
"""

from __future__ import annotations

from refurb.core.eligibility.decision import Decision, evaluate
from refurb.core.eligibility.explanation import Explanation, ShareLine, explain
from refurb.core.eligibility.facts import HouseholdFacts, household_quotient
from refurb.core.eligibility.inputs import EligibilityInputError, FactsError, PolicyError
from refurb.core.eligibility.policy import (
    DEFAULT_POLICY,
    SITUATIONS_MODES,
    Policy,
    add_months,
    approval_expires_on,
    approval_is_valid,
)
from refurb.core.eligibility.priority import (
    CHILD_POINTS,
    MAX_CHILD_POINTS,
    QF_POINTS,
    SINGLE_PARENT_POINTS,
)
from refurb.core.eligibility.rules import Check, normalize_commune
from refurb.core.eligibility.situations import LABELS_FR, Situation

__all__ = [
    "CHILD_POINTS",
    "DEFAULT_POLICY",
    "LABELS_FR",
    "MAX_CHILD_POINTS",
    "QF_POINTS",
    "SINGLE_PARENT_POINTS",
    "SITUATIONS_MODES",
    "Check",
    "Decision",
    "EligibilityInputError",
    "Explanation",
    "FactsError",
    "HouseholdFacts",
    "Policy",
    "PolicyError",
    "ShareLine",
    "Situation",
    "add_months",
    "approval_expires_on",
    "approval_is_valid",
    "evaluate",
    "explain",
    "household_quotient",
    "normalize_commune",
]
