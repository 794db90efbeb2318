"""The follow-up call, one month after a handover: due until the family was reached or said
they want none; an unreachable family stays on the list with its attempts counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from refurb.aftercare.models import FollowUpCall
from refurb.allocations.models import Allocation
from refurb.beneficiaries.models import Beneficiary
from refurb.beneficiaries.services import record_contact
from refurb.clock import local_date
from refurb.core import aftercare as rules
from refurb.core.errors import InvalidInput
from refurb.core.i18n import N_
from refurb.extensions import db


@dataclass(frozen=True)
class FollowUpDue:
    allocation_id: int
    number: str
    beneficiary_id: int
    handed_over_on: date
    due_on: date
    attempts: int
    last_call_at: datetime | None


def followups_due(today: date) -> list[FollowUpDue]:
    """Handovers whose follow-up call is due on or before `today`, oldest first."""
    concluded = select(FollowUpCall.allocation_id).where(
        FollowUpCall.outcome.in_(rules.CONCLUSIVE_OUTCOMES))
    calls = (select(FollowUpCall.allocation_id, func.count().label("n"),
                    func.max(FollowUpCall.called_at).label("last"))
             .group_by(FollowUpCall.allocation_id).subquery())
    # A month is at least 28 days: the exact due date is checked below.
    latest = datetime.combine(today - timedelta(days=27), datetime.max.time())
    rows = db.session.execute(
        select(Allocation.id, Allocation.number, Allocation.beneficiary_id,
               Allocation.handed_over_at, calls.c.n, calls.c.last)
        .outerjoin(calls, calls.c.allocation_id == Allocation.id)
        .where(Allocation.handed_over_at <= latest, Allocation.id.not_in(concluded))
        .order_by(Allocation.handed_over_at, Allocation.id)).all()
    due = []
    for allocation_id, number, beneficiary_id, handed_over_at, attempts, last in rows:
        handed_over_on = local_date(handed_over_at)
        due_on = rules.followup_due_on(handed_over_on)
        if due_on <= today:
            due.append(FollowUpDue(allocation_id, number, beneficiary_id, handed_over_on,
                                   due_on, attempts or 0, last))
    return due


def record_call(allocation: Allocation, *, outcome: str, notes: str, actor_id: int | None,
                now: datetime) -> FollowUpCall:
    if outcome not in rules.CALL_OUTCOMES:
        raise InvalidInput(N_("Issue de l'appel inconnue."))
    call = FollowUpCall(allocation_id=allocation.id, outcome=outcome, notes=(notes or "").strip(),
                        called_at=now, called_by_id=actor_id)
    db.session.add(call)
    db.session.flush()
    if outcome != "unreachable":
        record_contact(db.session.get(Beneficiary, allocation.beneficiary_id), now)
    return call


def calls_of(allocation_id: int) -> list[FollowUpCall]:
    return list(db.session.scalars(select(FollowUpCall).where(
        FollowUpCall.allocation_id == allocation_id).order_by(FollowUpCall.id)))
