"""Pure handover rules: fee, training requirement, loan dates, school programme due dates."""

from datetime import date
from decimal import Decimal

import pytest

from refurb.core.handover import (
    Fee,
    HandoverFacts,
    Training,
    check_fee,
    check_handover,
    loan_due_status,
    month_bounds,
    reservation_expired,
    reservation_expires_on,
    school_year_start,
    sixth_grade_due_date,
)

TODAY = date(2026, 3, 2)
PAID = Fee("paid", Decimal("10"), "cash", "R-1")


def facts(**changes) -> HandoverFacts:
    values = {"today": TODAY, "mode": "gift", "due_on": None, "fee": PAID, "device_count": 1,
              "training": Training(required=0, attended=0)}
    values.update(changes)
    return HandoverFacts(**values)


def test_a_plain_gift_is_allowed():
    assert check_handover(facts()).allowed


@pytest.mark.parametrize(("fee", "reason"), [
    (Fee("paid", Decimal("10"), None, "R-1"), "moyen de paiement"),
    (Fee("paid", Decimal("10"), "cheque", "  "), "numéro de reçu"),
    (Fee("paid", Decimal("0"), "cash", "R-1"), "ne peut pas être nul"),
    (Fee("paid", Decimal("-1"), "cash", "R-1"), "montant invalide"),
    (Fee("paid", None, "cash", "R-1"), "indiquez le montant"),
    (Fee("maybe", Decimal("10"), "cash", "R-1"), "payée ou exonérée"),
])
def test_fee_problems_are_named_in_french(fee, reason):
    reasons = [str(r) for r in check_fee(fee)]
    assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize("method", ["cash", "cheque", "card", "pass_numerique"])
def test_every_payment_method_is_accepted(method):
    assert check_fee(Fee("paid", Decimal("10"), method, "N° 42")) == []


def test_a_waived_fee_needs_no_method_nor_receipt():
    assert check_fee(Fee("waived", Decimal("0"), None, "")) == []


def test_a_loan_needs_a_future_due_date():
    assert "date de retour prévue" in str(check_handover(facts(mode="loan")).reasons[0])
    assert "postérieure" in str(check_handover(facts(mode="loan", due_on=TODAY)).reasons[0])
    assert check_handover(facts(mode="loan", due_on=date(2027, 3, 2))).allowed


def test_a_school_programme_lends_and_checks_the_school():
    refused = check_handover(facts(in_programme=True))
    assert "choisissez « prêt »" in str(refused.reasons[0])
    outside = check_handover(facts(mode="loan", due_on=date(2029, 9, 1), in_programme=True,
                                   school_in_programme=False))
    assert [str(r) for r in outside.reasons] == [
        "L'école de l'élève ne fait pas partie des écoles du dispositif."]


def test_unknown_mode_and_empty_reservation_are_refused():
    verdict = check_handover(facts(mode="swap", device_count=0))
    assert [str(r) for r in verdict.reasons[:2]] == [
        "La réservation ne contient plus aucune machine.", "Choisissez un don ou un prêt."]


@pytest.mark.parametrize(("required", "attended", "allowed", "fragment"), [
    (0, 0, True, "Aucune séance"),
    (5, 3, False, "il en manque 2"),
    (5, 5, True, "5 séance(s) suivie(s) sur 5"),
    (2, 7, True, "7 séance(s) suivie(s) sur 2"),
])
def test_training_requirement(required, attended, allowed, fragment):
    training = Training(required=required, attended=attended)
    assert fragment in str(training.note)
    assert check_handover(facts(training=training)).allowed is allowed


def test_every_reason_at_once():
    verdict = check_handover(facts(mode="loan", fee=Fee("paid", Decimal("10"), None, ""),
                                   training=Training(required=1, attended=0)))
    assert len(verdict.reasons) == 4


def test_reservation_holds_through_its_last_day():
    last = reservation_expires_on(TODAY, 14)
    assert last == date(2026, 3, 16)
    assert not reservation_expired(last, last)
    assert reservation_expired(last, date(2026, 3, 17))
    assert reservation_expires_on(TODAY, 0) == date(2026, 3, 3)  # at least a day


@pytest.mark.parametrize(("today", "year"), [
    (date(2026, 3, 2), 2025), (date(2026, 8, 31), 2025), (date(2026, 9, 1), 2026),
])
def test_school_year_starts_in_september(today, year):
    assert school_year_start(today) == year


@pytest.mark.parametrize(("level", "cohort", "due"), [
    ("CE2", 2026, date(2029, 9, 1)),  # CE2 2026-27, CM1, CM2, 6e in September 2029
    ("cm2", 2026, date(2027, 9, 1)),
    ("CP", 2025, date(2030, 9, 1)),
])
def test_loans_end_when_the_pupil_enters_sixth_grade(level, cohort, due):
    assert sixth_grade_due_date(level, cohort) == due


def test_unknown_level_is_a_french_error():
    with pytest.raises(ValueError, match="Classe inconnue : « 5e »"):
        sixth_grade_due_date("5e", 2026)


def test_due_status_and_month_bounds():
    assert month_bounds(date(2026, 2, 14)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert loan_due_status(date(2026, 3, 1), TODAY) == "overdue"
    assert loan_due_status(date(2026, 3, 31), TODAY) == "this_month"
    assert loan_due_status(date(2026, 4, 1), TODAY) == "later"
    assert loan_due_status(None, TODAY) == ""
