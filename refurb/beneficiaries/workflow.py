"""A file's status: the next steps it may take, the decision that moves it, and whether its
approval is still valid (invariant 2). The transition table and its guards are the core's
(refurb.core.applications); this module gathers the facts they need and records the step."""

from __future__ import annotations

from datetime import date, datetime

from refurb.accounts.models import User
from refurb.beneficiaries.evaluation import evaluate_file
from refurb.beneficiaries.files import flush_file, require_open
from refurb.beneficiaries.history import record_decision
from refurb.beneficiaries.labels import EXPIRED, EXPIRED_LABEL
from refurb.beneficiaries.models import ApplicationDecision, Beneficiary
from refurb.beneficiaries.permissions import can_override_eligibility
from refurb.beneficiaries.policy import ensure_policy_recorded, get_current_policy
from refurb.clock import local_date
from refurb.core import applications
from refurb.core.applications import STATUS_LABELS, ApplicationFacts, Option, Status
from refurb.core.eligibility import Decision, Policy, approval_expires_on
from refurb.core.errors import IllegalTransition, Message, NotEligible
from refurb.core.i18n import N_
from refurb.extensions import db

_STATUS_CODES = frozenset(s.value for s in Status)


def _actor_may_override(actor_id: int | None) -> bool:
    user = None if actor_id is None else db.session.get(User, actor_id)
    return can_override_eligibility(user)


def _facts_for(
    beneficiary: Beneficiary,
    *,
    actor_id: int | None,
    policy: Policy,
    evaluation: Decision | None,
    today: date,
    reason: str = "",
    override: bool = False,
    via_flow: bool = False,
) -> ApplicationFacts:
    failed = () if evaluation is None else tuple(
        c.reason for c in evaluation.checks if not c.passed
    )
    return ApplicationFacts(
        status=Status(beneficiary.status),
        actor_id=actor_id,
        actor_is_admin=_actor_may_override(actor_id),
        created_by_id=beneficiary.created_by_id,
        four_eyes=policy.four_eyes,
        evaluated=beneficiary.is_household,
        eligible=None if evaluation is None else evaluation.eligible,
        eligibility_reasons=failed,
        override=override,
        reason=reason,
        approval_valid=is_approved_and_valid(beneficiary, today),
        via_flow=via_flow,
    )


def next_options(beneficiary: Beneficiary, *, actor_id: int | None, today: date,
                 policy: Policy | None = None,
                 evaluation: Decision | None = None) -> list[Option]:
    """The file page's actions: every next status, allowed or with the reasons it is not.
    ``policy`` and ``evaluation`` save recomputing them when the page already has them."""
    if beneficiary.anonymised_at is not None:
        return []
    policy = policy or get_current_policy()
    if evaluation is None:
        evaluation = evaluate_file(beneficiary, today, policy)
    facts = _facts_for(beneficiary, actor_id=actor_id, policy=policy, evaluation=evaluation,
                       today=today)
    return applications.next_statuses(facts)


def decide(
    beneficiary: Beneficiary,
    target: str,
    *,
    actor_id: int | None,
    now: datetime,
    reason: str = "",
    override: bool = False,
    _via_flow: bool = False,
) -> ApplicationDecision:
    """Move the file to ``target`` if the workflow allows it; record the decision with the
    policy version and the evaluation it relied on."""
    require_open(beneficiary)
    today = local_date(now)
    policy = ensure_policy_recorded(now)
    evaluation = evaluate_file(beneficiary, today, policy)
    facts = _facts_for(beneficiary, actor_id=actor_id, policy=policy, evaluation=evaluation,
                       today=today, reason=reason, override=override, via_flow=_via_flow)
    verdict = applications.check_transition(target, facts)
    if not verdict.allowed:
        raise IllegalTransition(N_("Dossier %(pseudonym)s : « %(action)s » impossible."),
                                reasons=list(verdict.reasons), pseudonym=beneficiary.pseudonym,
                                action=_action_name(target))
    source, target = Status(beneficiary.status), Status(target)
    _move(beneficiary, target, now=now, policy=policy, evaluation=evaluation)
    row = record_decision(beneficiary, source, target, actor_id=actor_id, now=now,
                          policy=policy, reason=reason, override=verdict.override_used,
                          evaluation=evaluation)
    flush_file(beneficiary)
    return row


def _action_name(target: str) -> Message | str:
    if target in _STATUS_CODES:
        return Message(applications.ACTION_LABELS[Status(target)])
    return target


def _move(beneficiary: Beneficiary, target: Status, *, now: datetime, policy: Policy,
          evaluation: Decision | None) -> None:
    """The file's fields that follow its status: dates, priority, last contact."""
    today = local_date(now)
    beneficiary.status = target.value
    beneficiary.updated_at = now
    beneficiary.last_contact_at = max(beneficiary.last_contact_at, now)
    if evaluation is not None and target in applications.ELIGIBILITY_TARGETS | {Status.SUBMITTED}:
        beneficiary.priority = evaluation.priority
    if target == Status.SUBMITTED and beneficiary.submitted_on is None:
        beneficiary.submitted_on = today
    if target == Status.APPROVED:
        beneficiary.approved_on = today
        beneficiary.approved_until = approval_expires_on(today, policy)
    if target == Status.SERVED:
        beneficiary.last_device_received_on = today


def is_approved_and_valid(beneficiary: Beneficiary, today: date) -> bool:
    """Invariant 2: only an approved file whose approval has not expired may receive a device."""
    return (
        beneficiary.status == Status.APPROVED
        and beneficiary.anonymised_at is None
        and beneficiary.approved_on is not None
        and beneficiary.approved_until is not None
        and beneficiary.approved_on <= today <= beneficiary.approved_until
    )


def require_approved_and_valid(beneficiary: Beneficiary, today: date) -> None:
    if is_approved_and_valid(beneficiary, today):
        return
    if beneficiary.status == Status.APPROVED and beneficiary.approved_until is not None:
        raise NotEligible(
            N_("L'accord du dossier %(pseudonym)s a expiré le %(date)s : il doit être "
               "réexaminé."),
            pseudonym=beneficiary.pseudonym, date=f"{beneficiary.approved_until:%d/%m/%Y}")
    raise NotEligible(N_("Le dossier %(pseudonym)s n'est pas validé."),
                      pseudonym=beneficiary.pseudonym)


def mark_served(beneficiary: Beneficiary, actor_id: int | None,
                now: datetime) -> ApplicationDecision:
    """Called by the allocation flow when a device is handed over: approved → served."""
    require_approved_and_valid(beneficiary, local_date(now))
    return decide(beneficiary, Status.SERVED.value, actor_id=actor_id, now=now,
                  reason="Équipement remis", _via_flow=True)


def display_status(beneficiary: Beneficiary, today: date) -> tuple[str, str]:
    """(code, French label); an approval past its date shows as expired."""
    if (
        beneficiary.status == Status.APPROVED
        and beneficiary.approved_until is not None
        and beneficiary.approved_until < today
    ):
        return EXPIRED, EXPIRED_LABEL
    status = Status(beneficiary.status)
    return status.value, STATUS_LABELS[status]
