"""Pure rules of reminders and aftercare: windows, consent, keys, what may be decided."""

from datetime import date, datetime

import pytest

from refurb.core import aftercare, notifications

TODAY = date(2026, 5, 4)


@pytest.mark.parametrize("due_on, expected", [
    (date(2026, 5, 4), "loan_due_7"),
    (date(2026, 5, 11), "loan_due_7"),
    (date(2026, 5, 12), "loan_due_30"),
    (date(2026, 6, 3), "loan_due_30"),
    (date(2026, 6, 4), None),
    (date(2026, 5, 3), None),  # already due: the loan pages deal with it, not a reminder
])
def test_loan_reminder_windows(due_on, expected):
    found = notifications.loan_reminder(due_on, TODAY)
    assert (found[0] if found else None) == expected


def test_one_key_per_template_subject_and_date():
    key = notifications.idempotency_key("loan_due_7", "allocation:3", date(2026, 5, 11))
    assert key == "loan_due_7|allocation:3|2026-05-11"
    assert key != notifications.idempotency_key("loan_due_30", "allocation:3", date(2026, 5, 11))


def test_writing_needs_a_channel_and_a_consent():
    agreed = datetime(2026, 5, 1, 10, 0)
    assert notifications.may_write("email", agreed)
    assert notifications.may_write("sms", agreed)
    assert not notifications.may_write("email", None)
    assert not notifications.may_write("none", agreed)


@pytest.mark.parametrize("decision, covered, reason, allowed", [
    ("warranty_repair", True, "", True),
    ("exchange", True, "", True),
    ("warranty_repair", False, "", False),
    ("exchange", False, "casse", False),
    ("paid_repair", False, "Devis 40 EUR", True),
    ("paid_repair", False, " ", False),
    ("refused", True, "Chute", True),
    ("refused", False, "", False),
    ("repaint", True, "x", False),
])
def test_what_may_be_decided(decision, covered, reason, allowed):
    assert aftercare.check_decision(decision, covered=covered, reason=reason).allowed is allowed


def test_follow_up_is_one_month_after_the_handover():
    assert aftercare.followup_due_on(date(2026, 1, 31)) == date(2026, 2, 28)
    assert aftercare.followup_due_on(date(2026, 12, 15)) == date(2027, 1, 15)
