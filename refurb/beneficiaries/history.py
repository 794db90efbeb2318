"""A file's decision history: one append-only row per status change, naming the policy
version and keeping the evaluation it relied on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from refurb.beneficiaries.evaluation import evaluate_file
from refurb.beneficiaries.models import ApplicationDecision, Beneficiary
from refurb.clock import local_date
from refurb.core.applications import Status
from refurb.core.eligibility import Decision, Policy
from refurb.extensions import db


def _snapshot(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return decision.to_record()


def record_decision(
    beneficiary: Beneficiary,
    source: Status | None,
    target: Status,
    *,
    actor_id: int | None,
    now: datetime,
    policy: Policy,
    reason: str = "",
    override: bool = False,
    evaluation: Decision | None = None,
) -> ApplicationDecision:
    if evaluation is None:
        evaluation = evaluate_file(beneficiary, local_date(now), policy)
    row = ApplicationDecision(
        beneficiary_id=beneficiary.id,
        from_status=None if source is None else source.value,
        to_status=target.value,
        actor_id=actor_id,
        occurred_at=now,
        reason=reason.strip(),
        policy_version=policy.version,
        evaluation=_snapshot(evaluation),
        override=override,
    )
    db.session.add(row)
    return row
