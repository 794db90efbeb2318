"""Reminders and notices: who may be written to, when a reminder is due, how failures wait.

Pure: the notifications domain hands in dates and counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from refurb.core.i18n import N_

CHANNELS = ("email", "sms", "none")
CHANNEL_LABELS = {"email": N_("Courriel"), "sms": N_("SMS"), "none": N_("Aucun rappel")}
LANGUAGES = ("fr", "en")
STATUSES = ("pending", "sent", "failed")
STATUS_LABELS = {"pending": N_("En attente"), "sent": N_("Envoyé"), "failed": N_("Abandonné")}

# Reminders: (template, days before the date); a reminder is due from that many days before
# until the date itself, so a day the scheduler missed is caught up the next day.
SESSION_REMINDER = ("session_reminder", 2)
LOAN_DUE_30 = ("loan_due_30", 30)
LOAN_DUE_7 = ("loan_due_7", 7)
RESERVATION_EXPIRING = ("reservation_expiring", 2)
MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=5)


def idempotency_key(template: str, subject: str, day: date) -> str:
    """One message per (template, subject, date): a reminder is never sent twice."""
    return f"{template}|{subject}|{day.isoformat()}"


def reminder_due(template_days: int, target: date, today: date) -> bool:
    return today <= target <= today + timedelta(days=template_days)


def loan_reminder(due_on: date, today: date) -> tuple[str, int] | None:
    """The loan reminder due today: J-7 once within a week, J-30 before that, else None."""
    if reminder_due(LOAN_DUE_7[1], due_on, today):
        return LOAN_DUE_7
    if reminder_due(LOAN_DUE_30[1], due_on, today):
        return LOAN_DUE_30
    return None


def may_write(channel: str, consent_at: datetime | None) -> bool:
    return channel in ("email", "sms") and consent_at is not None


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries (5 min, 15 min, 45 min…), or None to
    give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + FIRST_RETRY * 3 ** (attempts - 1)
