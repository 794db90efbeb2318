"""Who sees which report: workshop figures for all staff, figures about people (beneficiaries
served, training) for social workers and admins, the annual report for admins."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin, sees_people


def can_see_people_figures(user: Any) -> bool:
    return sees_people(user)


def can_issue_annual_report(user: Any) -> bool:
    return is_admin(user)
