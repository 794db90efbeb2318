"""After the handover: the warranty, what a support request may become, the follow-up call.

Pure: dates in, verdicts out."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from refurb.core.i18n import N_

FOLLOWUP_AFTER_MONTHS = 1

# What a support request becomes. Inside the warranty: repaired or exchanged free of charge;
# outside it: a paid repair or a refusal, each with its reason.
WARRANTY_REPAIR = "warranty_repair"
EXCHANGE = "exchange"
PAID_REPAIR = "paid_repair"
REFUSED = "refused"
DECISIONS = (WARRANTY_REPAIR, EXCHANGE, PAID_REPAIR, REFUSED)
DECISION_LABELS = {
    WARRANTY_REPAIR: N_("Réparation sous garantie"),
    EXCHANGE: N_("Échange"),
    PAID_REPAIR: N_("Réparation payante"),
    REFUSED: N_("Refusée"),
}
IN_WARRANTY_ONLY = frozenset({WARRANTY_REPAIR, EXCHANGE})
REASON_REQUIRED = frozenset({PAID_REPAIR, REFUSED})

STATUSES = ("open", "in_repair", "closed")
STATUS_LABELS = {"open": N_("Ouverte"), "in_repair": N_("En atelier"), "closed": N_("Close")}

CALL_OUTCOMES = ("reached", "unreachable", "declined")
CALL_OUTCOME_LABELS = {
    "reached": N_("Joint"),
    "unreachable": N_("Injoignable"),
    "declined": N_("Ne souhaite pas de suivi"),
}
# An unreachable family stays on the list; these end the follow-up.
CONCLUSIVE_OUTCOMES = frozenset({"reached", "declined"})


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(handed_over_on: date, months: int) -> date:
    """Last day covered: the day before the same date `months` later."""
    return date.fromordinal(add_months(handed_over_on, months).toordinal() - 1)


def warranty_months(programme_months: int | None, *, in_programme: bool,
                    default_months: int, school_default_months: int) -> int:
    """The warranty a handover carries: its school programme's own length when the programme
    sets one, else the workshop's setting for a programme or for an ordinary handover."""
    if in_programme and programme_months is not None:
        return programme_months
    return school_default_months if in_programme else default_months


def effective_months(promised: int | None, current: int) -> int:
    """The warranty a past handover enjoys: what its agreement promised, or more when the
    programme or the setting became more generous since; never less than promised."""
    return current if promised is None else max(promised, current)


def in_warranty(handed_over_on: date, months: int, today: date) -> bool:
    return months > 0 and today <= warranty_end(handed_over_on, months)


def followup_due_on(handed_over_on: date) -> date:
    return add_months(handed_over_on, FOLLOWUP_AFTER_MONTHS)


@dataclass(frozen=True)
class DecisionVerdict:
    allowed: bool
    reasons: tuple[str, ...] = ()


def check_decision(decision: str, *, covered: bool, reason: str) -> DecisionVerdict:
    """What may be decided: free service only under warranty; a paid repair or a refusal says
    why."""
    if decision not in DECISIONS:
        return DecisionVerdict(False, (N_("Décision inconnue."),))
    reasons = []
    if decision in IN_WARRANTY_ONLY and not covered:
        reasons.append(N_("Hors garantie : réparation payante ou refus motivé seulement."))
    if decision in REASON_REQUIRED and not reason.strip():
        reasons.append(N_("Indiquez le motif (devis, cause du refus)."))
    return DecisionVerdict(not reasons, tuple(reasons))
