"""Who may read an issued document (invariant 4)."""

from __future__ import annotations

from typing import Any

from refurb.accounts.permissions import is_donor, is_staff, sees_people
from refurb.documents.models import IssuedDocument


def can_read_document(user: Any, document: IssuedDocument) -> bool:
    """Documents naming a person: social workers and admins. A donor: its own organisation's
    documents only. Other staff: every other document."""
    if document.personal:
        return sees_people(user)
    if is_donor(user):
        return document.donor_id is not None and document.donor_id == user.donor_organisation_id
    return is_staff(user)
