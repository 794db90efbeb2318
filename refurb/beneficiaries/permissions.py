"""Who may do what with beneficiary files, as named predicates. Routes gate on the roles
(SOCIAL for files, ADMIN for the policy); these answer the finer questions, for routes,
services and templates alike."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_admin, sees_people
from refurb.beneficiaries.files import is_open
from refurb.beneficiaries.models import Beneficiary


def can_edit_file(user: Any, beneficiary: Beneficiary) -> bool:
    """Social workers and admins, while the file is neither closed nor anonymised."""
    return sees_people(user) and is_open(beneficiary)


def can_edit_policy(user: Any) -> bool:
    return is_admin(user)


def can_override_eligibility(user: Any) -> bool:
    """Only an admin may approve a household the policy finds ineligible (with a reason)."""
    return is_admin(user)
