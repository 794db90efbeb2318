"""Reservation and handover rules: gift or loan, the fee, the training requirement, loan due
dates (school programmes) and reservation expiry.

Pure: the allocations service gathers the facts (approval already checked, sessions attended,
what was typed) and hands them in; every refusal is one sentence a social worker can act on,
as a Message (French msgid + parameters) translated when it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from refurb.core.errors import Message
from refurb.core.i18n import N_

__all__ = [
    "FEE_STATUS_LABELS",
    "MODE_LABELS",
    "MODE_WORDS",
    "PAYMENT_LABELS",
    "SCHOOL_LEVELS",
    "UNKNOWN_LEVEL",
    "Fee",
    "FeeStatus",
    "HandoverFacts",
    "Mode",
    "PaymentMethod",
    "Training",
    "Verdict",
    "check_fee",
    "check_handover",
    "loan_due_status",
    "month_bounds",
    "reservation_expired",
    "reservation_expires_on",
    "school_year_start",
    "sixth_grade_due_date",
]


class Mode(StrEnum):
    GIFT = "gift"
    LOAN = "loan"


# The document and the buttons ("Convention de don", "Contrat de prêt").
MODE_LABELS = {Mode.GIFT: N_("Don"), Mode.LOAN: N_("Prêt")}
# The word written in device events ({"mode": "don"}): history reads in French.
MODE_WORDS = {Mode.GIFT: "don", Mode.LOAN: "prêt"}


class FeeStatus(StrEnum):
    PAID = "paid"
    WAIVED = "waived"


FEE_STATUS_LABELS = {FeeStatus.PAID: N_("Payée"), FeeStatus.WAIVED: N_("Exonérée")}


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    CARD = "card"
    PASS_NUMERIQUE = "pass_numerique"


PAYMENT_LABELS = {
    PaymentMethod.CASH: N_("Espèces"),
    PaymentMethod.CHEQUE: N_("Chèque"),
    PaymentMethod.CARD: N_("Carte bancaire"),
    PaymentMethod.PASS_NUMERIQUE: N_("Pass numérique"),
}

# Primary school levels and the number of school years left before entering 6e.
SCHOOL_LEVELS = {"CP": 5, "CE1": 4, "CE2": 3, "CM1": 2, "CM2": 1}
UNKNOWN_LEVEL = N_("Classe inconnue : « %(level)s » (classes possibles : %(known)s).")

MAX_FEE = Decimal("1000")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Fee:
    status: str
    amount: Decimal | None
    method: str | None = None
    receipt_number: str = ""


def check_fee(fee: Fee) -> list[Message]:
    """A paid fee names how it was paid and its receipt: the cash box must reconcile."""
    reasons = []
    if fee.status not in {s.value for s in FeeStatus}:
        return [Message(N_("Participation : indiquez si elle est payée ou exonérée."))]
    if fee.amount is None:
        reasons.append(Message(N_("Participation : indiquez le montant (0 si aucun).")))
    elif fee.amount < 0 or fee.amount > MAX_FEE:
        reasons.append(Message(N_("Participation : montant invalide.")))
    if fee.status == FeeStatus.PAID:
        if fee.method not in {m.value for m in PaymentMethod}:
            reasons.append(Message(N_("Participation payée : indiquez le moyen de paiement.")))
        if not fee.receipt_number.strip():
            reasons.append(Message(N_("Participation payée : indiquez le numéro de reçu.")))
        if fee.amount is not None and fee.amount == 0:
            reasons.append(Message(N_("Participation payée : le montant ne peut pas être nul "
                                      "(choisissez « exonérée »).")))
    return reasons


@dataclass(frozen=True)
class Training:
    """Sessions the policy requires before a handover, and those attended."""

    required: int
    attended: int

    @property
    def missing(self) -> int:
        return max(0, self.required - self.attended)

    @property
    def note(self) -> Message:
        if self.required <= 0:
            return Message(N_("Aucune séance de formation exigée avant la remise."))
        counts = {"attended": self.attended, "required": self.required}
        if self.missing:
            return Message(N_("Formation : %(attended)s séance(s) suivie(s) sur %(required)s "
                              "exigée(s), il en manque %(missing)s."),
                           {**counts, "missing": self.missing})
        return Message(N_("Formation : %(attended)s séance(s) suivie(s) sur %(required)s "
                          "exigée(s)."), counts)


@dataclass(frozen=True)
class HandoverFacts:
    today: date
    mode: str
    due_on: date | None
    fee: Fee
    device_count: int
    training: Training
    in_programme: bool = False
    school_in_programme: bool = True


def check_handover(facts: HandoverFacts) -> Verdict:
    """Everything but the approval (checked by the beneficiaries service, invariant 2)."""
    reasons: list[Message] = []
    if facts.device_count < 1:
        reasons.append(Message(N_("La réservation ne contient plus aucune machine.")))
    if facts.mode not in {m.value for m in Mode}:
        reasons.append(Message(N_("Choisissez un don ou un prêt.")))
    elif facts.mode == Mode.LOAN:
        if facts.due_on is None:
            reasons.append(Message(N_("Prêt : indiquez la date de retour prévue.")))
        elif facts.due_on <= facts.today:
            reasons.append(Message(N_("Prêt : la date de retour doit être postérieure à "
                                      "aujourd'hui.")))
    elif facts.in_programme:
        reasons.append(Message(N_("Un dispositif scolaire prête les machines : "
                                  "choisissez « prêt ».")))
    if facts.in_programme and not facts.school_in_programme:
        reasons.append(Message(N_("L'école de l'élève ne fait pas partie des écoles du "
                                  "dispositif.")))
    reasons.extend(check_fee(facts.fee))
    if facts.training.missing:
        reasons.append(facts.training.note)
    return Verdict(not reasons, tuple(reasons))


# --- dates -------------------------------------------------------------------------------


def reservation_expires_on(reserved_on: date, days: int) -> date:
    """Last day the reservation holds (inclusive)."""
    return reserved_on + timedelta(days=max(1, days))


def reservation_expired(expires_on: date, today: date) -> bool:
    return today > expires_on


def school_year_start(today: date) -> int:
    """The French school year starts in September: 2026-03-02 is in 2025-2026."""
    return today.year if today.month >= 9 else today.year - 1


def sixth_grade_due_date(level: str, cohort_year: int) -> date:
    """1 September of the year a pupil in ``level`` during school year ``cohort_year``
    (its first calendar year) enters 6e: CE2 in 2026-2027 → 1 September 2029."""
    key = (level or "").strip().upper()
    if key not in SCHOOL_LEVELS:
        raise ValueError(UNKNOWN_LEVEL % {"level": level, "known": ", ".join(SCHOOL_LEVELS)})
    return date(cohort_year + SCHOOL_LEVELS[key], 9, 1)


def month_bounds(today: date) -> tuple[date, date]:
    """First and last day of ``today``'s month."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def loan_due_status(due_on: date | None, today: date) -> str:
    """"overdue", "this_month" or "later" ("" for no due date)."""
    if due_on is None:
        return ""
    if due_on < today:
        return "overdue"
    first, last = month_bounds(today)
    return "this_month" if due_on <= last else "later"
