"""Who may see and record training. Lists of participants name beneficiaries, so only social
workers and admins open these pages (invariant 4); technicians may be named as trainers but do
not open them. Routes keep `roles_required(*SOCIAL)` as the coarse gate; the beneficiary-page
panel asks the same predicate."""

from __future__ import annotations

from datetime import date
from typing import Any

from refurb.accounts.permissions import sees_people


def can_follow_training(user: Any) -> bool:
    """Programmes, sessions, enrolments, attendance sheets and attestations."""
    return sees_people(user)


def can_mark_attendance(session_date: date, today: date) -> bool:
    """Marks are taken on the day of the session or after, never ahead."""
    return session_date <= today
